import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'mlb-game-server' },
    redact: {
      paths: ['*.password', '*.authorization', '*.mobileNumber', '*.email', 'req.headers.authorization'],
      remove: true,
    },
  });
}
