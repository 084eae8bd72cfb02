// Development sender: no provider, the message goes to the log.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { SmsSender } from './sender.js';

export class LogSmsSender implements SmsSender {
  constructor(private readonly log: Logger) {}

  async send(to: string, body: string): Promise<{ providerId: string }> {
    const providerId = `log-${randomUUID()}`;
    // `to` is logged deliberately: in development this is the only place a message can be read.
    this.log.info({ sms: { to, body, providerId } }, 'SMS (log sender, not sent)');
    return { providerId };
  }

  /** The log keeps no record to ask; every send above succeeded, so no outcome is ever unknown. */
  async findSent(): Promise<string[]> {
    return [];
  }
}
