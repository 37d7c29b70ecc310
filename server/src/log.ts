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

type LogStream = { flush?(cb: (error?: Error) => void): void; destroy?(): void };

/**
 * Writes out what the logger still holds, waiting at most `timeoutMs`, then closes its
 * destination. Call it right before `process.exit`: pino's own flush at exit is synchronous, and
 * on a pipe nobody reads any more (a log collector that died) it blocks for ever, so the process
 * never exits. A destination that does not take the lines in time is dropped.
 */
export function flushLogs(log: Logger, timeoutMs: number): Promise<void> {
  const stream = (log as unknown as Record<symbol, LogStream | undefined>)[pino.symbols.streamSym];
  if (!stream?.flush) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      stream.destroy?.();
      resolve();
    }, timeoutMs);
    try {
      stream.flush?.(() => {
        clearTimeout(timer);
        // Nothing is left to write; a closed stream also skips the flush at exit, which would
        // block on a pipe nobody reads.
        stream.destroy?.();
        resolve();
      });
    } catch {
      clearTimeout(timer);
      stream.destroy?.();
      resolve();
    }
  });
}
