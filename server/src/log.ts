import pino, { type Logger } from 'pino';

export type { Logger };

/** Replaces token values in a URL or query string so they never reach a log line. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  return url.replace(/([?&](?:token|invite)=)[^&#]*/gi, '$1[redacted]');
}

/** The relay's structured JSON logger; authorization headers and tokens are redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'grassroots' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
