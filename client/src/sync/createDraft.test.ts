import { describe, expect, it } from 'vitest';
import { draftKey, readDraft, writeDraft } from './createDraft.ts';

class MapStorage {
  items = new Map<string, string>();
  isFull = false;
  get length() {
    return this.items.size;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    if (this.isFull) throw Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    this.items.set(k, v);
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
  clear() {
    this.items.clear();
  }
}

const EMPTY = { summary: '', source: '', channel: 'home-visit' };

describe('drafts of new forms', () => {
  it('LOCAL-5 a half-typed form is read back as typed, and removed once back to empty', () => {
    const storage = new MapStorage();
    const key = draftKey('w1', 'fb1', 'entry');
    writeDraft(storage, key, { ...EMPTY, summary: '村东路灯坏了' }, EMPTY);
    expect(readDraft(storage, key, EMPTY)).toEqual({ ...EMPTY, summary: '村东路灯坏了' });
    expect(readDraft(storage, draftKey('w1', 'fb2', 'entry'), EMPTY)).toEqual(EMPTY);
    writeDraft(storage, key, EMPTY, EMPTY);
    expect(storage.items.size).toBe(0);
  });

  it('LOCAL-5 an unreadable or foreign draft reads as the empty form, never an error', () => {
    const storage = new MapStorage();
    const key = draftKey('w1', 'fb1', 'entry');
    for (const raw of ['{not json', '[1,2]', 'null', '"x"', '{"summary":5,"extra":"y"}']) {
      storage.items.set(key, raw);
      expect(readDraft(storage, key, EMPTY)).toEqual(EMPTY);
    }
    storage.items.set(key, '{"summary":"留下","channel":"phone","extra":"dropped"}');
    expect(readDraft(storage, key, EMPTY)).toEqual({ ...EMPTY, summary: '留下', channel: 'phone' });
  });

  it('LOCAL-5 a full or missing storage only means the draft is not kept', () => {
    const storage = new MapStorage();
    storage.isFull = true;
    const key = draftKey('w1', 'fb1', 'entry');
    expect(() => writeDraft(storage, key, { ...EMPTY, summary: 'x' }, EMPTY)).not.toThrow();
    expect(readDraft(null, key, EMPTY)).toEqual(EMPTY);
    expect(() => writeDraft(null, key, EMPTY, EMPTY)).not.toThrow();
  });
});
