import { describe, expect, it } from 'vitest';
import { ConfigError, configInputFrom, parseConfig } from './config.ts';

describe('configuration', () => {
  it('defaults run out of the box: port 4321, data under ./data', () => {
    const config = parseConfig(configInputFrom([], {}));
    expect(config.port).toBe(4321);
    expect(config.dataDir).toBe('./data');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('flags win over environment', () => {
    const config = parseConfig(
      configInputFrom(['--port', '8080', '--data=/srv/g'], { PORT: '9000', DATA_DIR: '/x' }),
    );
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('/srv/g');
  });

  it('a bad value names the setting', () => {
    expect(() => parseConfig(configInputFrom([], { PORT: 'http' }))).toThrow(/port/);
    expect(() => parseConfig(configInputFrom(['--unload-after-ms', '-5'], {}))).toThrow(
      /unloadAfterMs/,
    );
  });

  it('BLOB-2 with PostgreSQL keeping the files, a file limit past what it can send back is refused', () => {
    const db = { DATABASE_URL: 'postgres://127.0.0.1/g' };
    expect(
      parseConfig(configInputFrom([], { ...db, MAX_PDF_BYTES: String(256 * 1024 * 1024) }))
        .maxPdfBytes,
    ).toBe(256 * 1024 * 1024);
    expect(() =>
      parseConfig(configInputFrom([], { ...db, MAX_PDF_BYTES: String(512 * 1024 * 1024) })),
    ).toThrow(/at most 256 MiB/);
    // On the disk of one relay, files that large are kept.
    expect(
      parseConfig(configInputFrom([], { MAX_PDF_BYTES: String(512 * 1024 * 1024) })).maxPdfBytes,
    ).toBe(512 * 1024 * 1024);
  });

  it('unknown flags and missing values are errors, not silent defaults', () => {
    expect(() => configInputFrom(['--prot', '1'], {})).toThrow(ConfigError);
    expect(() => configInputFrom(['--port'], {})).toThrow(/needs a value/);
    expect(() => configInputFrom(['serve'], {})).toThrow(/unexpected argument/);
  });
});
