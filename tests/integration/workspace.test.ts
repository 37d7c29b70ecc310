import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/process.ts';

describe('the install', () => {
  it('holds exactly one copy of yjs (two copies break CRDT identity checks silently)', () => {
    const store = readdirSync(join(repoRoot, 'node_modules/.pnpm'));
    expect(store.filter((name) => /^yjs@/.test(name))).toHaveLength(1);
  });

  it('shared/ compiles without DOM or Node types, so it runs anywhere', () => {
    const config = JSON.parse(readFileSync(join(repoRoot, 'shared/tsconfig.json'), 'utf8')) as {
      compilerOptions: { lib: string[]; types: string[] };
    };
    expect(config.compilerOptions.lib).toEqual(['ES2022']);
    expect(config.compilerOptions.types).toEqual([]);
  });
});
