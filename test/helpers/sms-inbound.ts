// Texts "from a phone": Twilio's messaging webhook posts, signed with the SDK's own signature
// function and the fake's auth token, exactly as Twilio would sign them.
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { TwilioFake } from '../fakes/twilio.fake.js';
import type { TestServer } from './server.js';

export interface InboundAnswer {
  status: number;
  contentType: string | null;
  xml: string;
  /** The text of the one <Message>, unescaped; null when the answer has none. */
  reply: string | null;
  sid: string;
}

const unescapeXml = (s: string) =>
  s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');

export function replyOf(xml: string): string | null {
  const found = [...xml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)];
  if (found.length > 1) throw new Error(`more than one <Message> in ${xml}`);
  return found[0] ? unescapeXml(found[0][1]!) : null;
}

export const newSid = () => `SM${randomBytes(16).toString('hex')}`;

/** A function that texts the server from `from`; `signature` overrides the genuine one. */
export function phone(server: TestServer, fake: TwilioFake) {
  const url = `${server.url}/twilio/inbound`;
  // Twilio signs the address it was given: PUBLIC_BASE_URL when set.
  const signedUrl = `${server.config.publicBaseUrl ?? server.url}/twilio/inbound`;
  return async function text(
    from: string,
    body: string,
    opts: { sid?: string; signature?: string | null } = {},
  ): Promise<InboundAnswer> {
    const params = {
      MessageSid: opts.sid ?? newSid(),
      AccountSid: fake.accountSid,
      From: from,
      To: fake.from,
      Body: body,
      NumMedia: '0',
    };
    const signature =
      opts.signature === undefined
        ? twilio.getExpectedTwilioSignature(fake.authToken, signedUrl, params)
        : opts.signature;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature !== null ? { 'x-twilio-signature': signature } : {}),
      },
      body: new URLSearchParams(params),
    });
    const xml = await res.text();
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      xml,
      reply: res.status === 200 ? replyOf(xml) : null,
      sid: params.MessageSid,
    };
  };
}
