// The process's SMS provider: Twilio when configured, otherwise the log sender.
import type { Config } from '../config.js';
import { providerTimeoutMs } from '../domain/delivery.js';
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

/** An abandoned request ends well before its job expires (see providerTimeoutMs). */
export const smsClientTimeoutMs = providerTimeoutMs;
