// The process's SMS provider: Twilio when configured, otherwise the log sender.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { LogSmsSender } from './log.sender.js';
import type { SmsSender } from './sender.js';
import { TwilioSmsSender } from './twilio.sender.js';

export function createSmsSender(config: Config, log: Logger): SmsSender {
  if (!config.twilio) return new LogSmsSender(log);
  return new TwilioSmsSender({
    ...config.twilio,
    statusCallback: config.publicBaseUrl ? `${config.publicBaseUrl}/twilio/status` : undefined,
    timeoutMs: smsClientTimeoutMs(config.jobs.expireSeconds),
  });
}

/**
 * An abandoned request ends well before its job expires (a third of the expiry, at most 15 s), so
 * an attempt is over long before the message's lease lets another one start.
 */
export function smsClientTimeoutMs(expireSeconds: number): number {
  return Math.max(500, Math.min(15_000, Math.floor((expireSeconds * 1000) / 3)));
}
