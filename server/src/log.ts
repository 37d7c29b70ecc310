import pino, { type Logger } from 'pino';

export type { Logger };

/** Replaces token values in a URL or query string so they never reach a log line. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  try {
    // Parsed, so that percent-encoded parameter names (`%74oken=`) are caught too.
    const parsed = new URL(url, 'http://x');
    for (const key of [...parsed.searchParams.keys()]) {
      if (/^(token|invite)$/i.test(key)) parsed.searchParams.set(key, '[redacted]');
    }
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url.replace(/\?.*$/, '?[redacted]');
  }
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
