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
    // An abandoned request must end before the job expires and another worker retries it.
    timeoutMs: Math.max(1000, Math.min(15_000, (config.jobs.expireSeconds - 1) * 1000)),
  });
}
