import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IntegrationTooCostly, withIntegrationBudget } from './integrationBudget.ts';

/**
 * `n` maps pushed one by one to array `a` by one client: each the origin of the next (numbers
 * pushed one after another would merge into one item).
 */
function chain(n: number, client = 1000): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = client;
  const a = doc.getArray<unknown>('a');
  for (let i = 0; i < n; i++) a.push([new Y.Map()]);
  return Y.encodeStateAsUpdate(doc);
}

/** `m` items inserted one by one at the front of array `a` by a client that never saw the chain. */
function atFront(m: number, client = 2 ** 31): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = client;
  const a = doc.getArray<unknown>('a');
  for (let i = 0; i < m; i++) a.insert(0, [i]);
  return Y.encodeStateAsUpdate(doc);
}

const docWith = (update: Uint8Array) => {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return doc;
};

describe('the work of integrating an update (UPD-10)', () => {
  it('each item placed at the front walks the whole concurrent chain: refused past the budget', () => {
    // 100 items, each walking the 1,000 items of the chain: about 100,000 steps.
    const doc = docWith(chain(1000));
    expect(() => withIntegrationBudget(50_000, () => Y.applyUpdate(doc, atFront(100)))).toThrow(
      IntegrationTooCostly,
    );
    const fine = docWith(chain(1000));
    withIntegrationBudget(120_000, () => Y.applyUpdate(fine, atFront(100)));
    const reference = docWith(chain(1000));
    Y.applyUpdate(reference, atFront(100));
    expect(fine.getArray('a').toJSON()).toEqual(reference.getArray('a').toJSON());
    expect(fine.getArray('a').get(1099)).toBe(0);
    expect(fine.getArray('a').length).toBe(1100);
  });

  it('counts as Yjs walks: the steps of the same update fit a budget a little above them, not one below', () => {
    // Measured by bisection against the real integration.
    const fits = (steps: number) => {
      const doc = docWith(chain(200));
      try {
        withIntegrationBudget(steps, () => Y.applyUpdate(doc, atFront(20)));
        return true;
      } catch (error) {
        if (error instanceof IntegrationTooCostly) return false;
        throw error;
      }
    };
    let low = 0;
    let high = 1_000_000;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (fits(mid)) high = mid;
      else low = mid;
    }
    // 20 items, each past every item of the chain and the items placed before it.
    expect(high).toBeGreaterThanOrEqual(20 * 200);
    expect(high).toBeLessThan(20 * 200 + 20 * 21);
  });

  it('two devices appending offline to the same list merge in a few steps each', () => {
    const base = new Y.Doc();
    base.getArray<unknown>('a').push([new Y.Map()]);
    const common = Y.encodeStateAsUpdate(base);
    const device = (client: number, n: number) => {
      const doc = new Y.Doc();
      doc.clientID = client;
      Y.applyUpdate(doc, common);
      const sv = Y.encodeStateVector(doc);
      for (let i = 0; i < n; i++) doc.getArray<unknown>('a').push([new Y.Map()]);
      return Y.encodeStateAsUpdate(doc, sv);
    };
    const relay = docWith(common);
    Y.applyUpdate(relay, device(7, 5000));
    withIntegrationBudget(10_000, () => Y.applyUpdate(relay, device(3, 5000)));
    withIntegrationBudget(10_000, () => Y.applyUpdate(relay, device(9, 5000)));
    expect(relay.getArray('a').length).toBe(15_001);
  });

  it('counts the walk along a map key’s earlier values that Yjs takes for an item placed first under the key', () => {
    // Key `k` set 2,000 times by two devices in turn (their values never merge).
    const a = new Y.Doc();
    a.clientID = 1;
    const b = new Y.Doc();
    b.clientID = 2;
    for (let i = 0; i < 1000; i++) {
      a.getMap('m').set('k', i);
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
      b.getMap('m').set('k', -i);
      Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
    }
    // 200 items naming only a right origin: the key's first value, then the item before. None
    // conflicts, yet Yjs walks the key's 2,000 earlier values for each: 400,000 steps.
    const encoder = new Y.UpdateEncoderV1();
    encoding.writeVarUint(encoder.restEncoder, 1);
    encoding.writeVarUint(encoder.restEncoder, 200);
    encoder.writeClient(9);
    encoding.writeVarUint(encoder.restEncoder, 0);
    for (let k = 0; k < 200; k++) {
      const right = k === 0 ? Y.createID(1, 0) : Y.createID(9, k - 1);
      new Y.Item(
        Y.createID(9, k),
        null,
        null,
        null,
        right,
        null,
        null,
        new Y.ContentAny([k]),
      ).write(encoder, 0);
    }
    encoding.writeVarUint(encoder.restEncoder, 0);
    const update = encoder.toUint8Array();
    const relay = () => docWith(Y.encodeStateAsUpdate(a));
    expect(() => withIntegrationBudget(250_000, () => Y.applyUpdate(relay(), update))).toThrow(
      IntegrationTooCostly,
    );
    const fine = relay();
    withIntegrationBudget(1_000_000, () => Y.applyUpdate(fine, update));
    expect(fine.getMap('m').get('k')).toBe(-999);
  });

  it('sets no bound outside a budget, and a budget ends with its run', () => {
    const doc = docWith(chain(300));
    withIntegrationBudget(1000, () => undefined);
    Y.applyUpdate(doc, atFront(30));
    expect(doc.getArray('a').length).toBe(330);
  });
});
