// Twilio through its official SDK. TWILIO_API_URL points the SDK at another endpoint (a
// Twilio-compatible gateway or a local fake): the SDK has no base-URL option, so a request
// client rewrites the origin of every request.
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { SmsSender } from './sender.js';
import { classifySendError } from './sender.js';

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  from: string;
  apiUrl?: string;
  /** Where Twilio posts delivery updates; omitted when the server has no public address. */
  statusCallback?: string;
  /** Per-request timeout; kept below the job's expiry so an abandoned request never overlaps its retry. */
  timeoutMs?: number;
}

export class OriginRewritingClient extends twilio.RequestClient {
  private readonly origin: string;

  constructor(apiUrl: string, opts: RequestClient.RequestClientOptions) {
    super(opts);
    this.origin = new URL(apiUrl).origin;
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: new URL(`${uri.pathname}${uri.search}`, this.origin).toString() });
  }
}

export class TwilioSmsSender implements SmsSender {
  private readonly client: twilio.Twilio;

  constructor(private readonly opts: TwilioSenderOptions) {
    const timeout = opts.timeoutMs ?? 15_000;
    const httpClient: RequestClient = opts.apiUrl
      ? new OriginRewritingClient(opts.apiUrl, { timeout, keepAlive: true })
      : new twilio.RequestClient({ timeout, keepAlive: true });
    this.client = twilio(opts.accountSid, opts.authToken, { httpClient });
  }

  async send(to: string, body: string): Promise<{ providerId: string }> {
    try {
      const message = await this.client.messages.create({
        to,
        from: this.opts.from,
        body,
        ...(this.opts.statusCallback ? { statusCallback: this.opts.statusCallback } : {}),
      });
      return { providerId: message.sid };
    } catch (err) {
      throw classifySendError(err);
    }
  }

  async findSent(to: string, body: string, since: Date): Promise<string[]> {
    try {
      // Newest first; a venue never sends one number more than a page of texts within one attempt.
      const found = await this.client.messages.list({ to, from: this.opts.from, limit: 50, pageSize: 50 });
      return found
        .filter((m) => m.body === body && m.dateCreated && m.dateCreated.getTime() >= since.getTime())
        .map((m) => m.sid);
    } catch (err) {
      throw classifySendError(err);
    }
  }
}
