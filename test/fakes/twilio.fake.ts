// A local stand-in for Twilio's Messages API that checks what the SDK sends and can be told to fail.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeStep =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; code?: number; message?: string }
  /** Reads the request and never answers (a provider that hangs). */
  | { kind: 'hang' }
  /** Hangs for `ms`, then accepts the message (a slow provider: the client may have given up by then). */
  | { kind: 'slow'; ms: number };

export interface FakeRequest {
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  /** The answer given: a status code, or null for a request left hanging. */
  answered: number | null;
  sid?: string;
  /** When the message was accepted (it is listed from then on). */
  acceptedAt?: Date;
}

export interface TwilioFake {
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly from: string;
  /** Every request that reached the Messages endpoint, in order. */
  readonly requests: FakeRequest[];
  /** Requests answered 201: messages Twilio would deliver. */
  accepted(to?: string): FakeRequest[];
  /** The next requests get these answers, one each; after that, `ok`. */
  script(...steps: FakeStep[]): void;
  /**
   * Emits 'request' (FakeRequest) as soon as a request has been read, and 'accepted' (FakeRequest)
   * once a message is accepted, before the answer is written.
   */
  readonly events: EventEmitter;
  /** Requests to list messages (GET Messages.json), with their filters. */
  readonly lookups: Array<{ to: string | null; from: string | null }>;
  close(): Promise<void>;
}

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startTwilioFake(
  opts: { accountSid?: string; authToken?: string; from?: string } = {},
): Promise<TwilioFake> {
  const accountSid = opts.accountSid ?? sid('AC');
  const authToken = opts.authToken ?? randomBytes(16).toString('hex');
  const from = opts.from ?? '+15005550006';
  const requests: FakeRequest[] = [];
  const steps: FakeStep[] = [];
  const hanging = new Set<http.ServerResponse>();
  const events = new EventEmitter();
  const lookups: TwilioFake['lookups'] = [];

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname !== path || (req.method !== 'POST' && req.method !== 'GET'))
      return json(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const auth = req.headers.authorization ?? '';
    const [user, pass] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    if (!auth.startsWith('Basic ') || user !== accountSid || pass !== authToken) {
      return json(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    if (req.method === 'GET') return list(res, url, path);
    if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return json(res, 400, { code: 20001, message: 'Expected a form-encoded body', status: 400 });
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const entry: FakeRequest = {
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      statusCallback: form.get('StatusCallback') ?? undefined,
      answered: null,
    };
    requests.push(entry);
    events.emit('request', entry);
    if (!entry.to || !entry.from || !entry.body) {
      entry.answered = 400;
      return json(res, 400, { code: 21604, message: "A 'To', 'From' and 'Body' are required", status: 400 });
    }
    const step = steps.shift() ?? { kind: 'ok' };
    if (step.kind === 'hang') {
      hanging.add(res);
      return;
    }
    if (step.kind === 'slow') {
      hanging.add(res);
      await new Promise((r) => setTimeout(r, step.ms));
      hanging.delete(res);
    }
    if (step.kind === 'status') {
      entry.answered = step.status;
      return json(res, step.status, {
        code: step.code ?? step.status,
        message: step.message ?? `Scripted failure ${step.status}`,
        status: step.status,
      });
    }
    entry.answered = 201;
    entry.sid = sid('SM');
    entry.acceptedAt = new Date();
    events.emit('accepted', entry);
    // The client may have given up (timeout) or died meanwhile; the message is accepted all the same.
    if (!res.destroyed) json(res, 201, resource(entry, path));
  });

  function resource(entry: FakeRequest, path: string) {
    return {
      sid: entry.sid,
      account_sid: accountSid,
      to: entry.to,
      from: entry.from,
      body: entry.body,
      status: 'queued',
      num_segments: '1',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      date_created: entry.acceptedAt!.toUTCString(),
      date_sent: null,
      uri: `${path.replace('.json', '')}/${entry.sid}.json`,
    };
  }

  /** Twilio's list: accepted messages, newest first, filtered by To and From, one page. */
  function list(res: http.ServerResponse, url: URL, path: string) {
    const to = url.searchParams.get('To');
    const fromFilter = url.searchParams.get('From');
    lookups.push({ to, from: fromFilter });
    const pageSize = Number(url.searchParams.get('PageSize') ?? 50);
    const found = requests
      .filter((r) => r.answered === 201 && (!to || r.to === to) && (!fromFilter || r.from === fromFilter))
      .reverse()
      .slice(0, pageSize);
    json(res, 200, {
      messages: found.map((entry) => resource(entry, path)),
      first_page_uri: `${path}?PageSize=${pageSize}&Page=0`,
      next_page_uri: null,
      previous_page_uri: null,
      page: 0,
      page_size: pageSize,
      start: 0,
      end: Math.max(found.length - 1, 0),
      uri: `${path}?PageSize=${pageSize}&Page=0`,
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    from,
    requests,
    events,
    lookups,
    accepted: (to) => requests.filter((r) => r.answered === 201 && (to === undefined || r.to === to)),
    script: (...s) => void steps.push(...s),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Settings that point the server's Twilio sender at this fake. */
export function twilioEnv(fake: TwilioFake): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: fake.accountSid,
    TWILIO_AUTH_TOKEN: fake.authToken,
    TWILIO_FROM: fake.from,
    TWILIO_API_URL: fake.url,
  };
}
