import * as Y from 'yjs';

/**
 * UPD-10: a bound on the work of integrating one update.
 *
 * Yjs places an item that was inserted concurrently with others by walking the items between
 * its left and right origins (`Item.integrate`, its conflict loop). An honest device walks the
 * items others inserted at the same place while it was offline: a few, a few thousand at most.
 * A made-up update can name origins thousands of items apart for each of thousands of items,
 * and the walks multiply: 147 KB held the relay's only thread for 10.6 s, and again each time the
 * stored rows were read back. While a budget is set (`withIntegrationBudget`), each item first
 * counts the steps its walk will take, by the same rules, and the update is refused once the
 * steps pass the budget.
 */
export class IntegrationTooCostly extends Error {
  override name = 'IntegrationTooCostly';
}

/** Steps left of the budget of the update being applied; null when none is set. */
let stepsLeft: number | null = null;

/** Runs `apply` with at most `steps` steps of conflict walks; throws `IntegrationTooCostly`. */
export function withIntegrationBudget<T>(steps: number, apply: () => T): T {
  const outer = stepsLeft;
  stepsLeft = steps;
  try {
    return apply();
  } finally {
    stepsLeft = outer;
  }
}

type Parent = { _start: Y.Item | null; _map: Map<string, Y.Item> };

/**
 * The steps of `item`'s conflict walk as `Item.integrate` will take them (yjs 13.6), counted
 * without changing anything and stopped once they pass `limit`.
 */
function conflictSteps(item: Y.Item, transaction: Y.Transaction, offset: number, limit: number) {
  const store = transaction.doc.store;
  let left = item.left;
  let origin = item.origin;
  if (offset > 0) {
    // Integrated from an offset: its left is its own client's struct just before it.
    const before = Y.getItem(store, Y.createID(item.id.client, item.id.clock + offset - 1));
    left = before instanceof Y.Item ? before : null;
    origin = left === null ? null : Y.createID(left.id.client, left.id.clock + left.length - 1);
  }
  const parent = item.parent as unknown as Parent | null;
  if (parent === null || typeof (parent as object) !== 'object' || !('_start' in parent)) return 0;
  const right = item.right;
  let steps = 0;
  /**
   * A map key's first value, counting the steps Yjs takes to it from the current one; undefined
   * once they pass the limit.
   */
  const firstOfKey = (): Y.Item | null | undefined => {
    let o = item.parentSub === null ? null : (parent._map.get(item.parentSub) ?? null);
    while (o !== null && o.left !== null) {
      o = o.left;
      if (++steps > limit) return undefined;
    }
    return o;
  };
  const isConflict =
    (left === null && (right === null || right.left !== null)) ||
    (left !== null && left.right !== right);
  if (isConflict) {
    let o: Y.Item | null | undefined;
    if (left !== null) o = left.right;
    else if (item.parentSub !== null) {
      o = firstOfKey();
      if (o === undefined) return steps;
    } else o = parent._start;
    const conflicting = new Set<Y.Item>();
    const beforeOrigin = new Set<Y.Item>();
    while (o !== null && o !== right) {
      if (++steps > limit) return steps;
      beforeOrigin.add(o);
      conflicting.add(o);
      if (Y.compareIDs(origin, o.origin)) {
        if (o.id.client < item.id.client) {
          left = o;
          conflicting.clear();
        } else if (Y.compareIDs(item.rightOrigin, o.rightOrigin)) break;
      } else if (o.origin !== null) {
        const ofOrigin = Y.getItem(store, o.origin);
        if (!beforeOrigin.has(ofOrigin as Y.Item)) break;
        if (!conflicting.has(ofOrigin as Y.Item)) {
          left = o;
          conflicting.clear();
        }
      } else break;
      o = o.right;
    }
  }
  // Placed first under a map key (no left), Yjs walks the key's earlier values to the first one
  // once more, conflict or not.
  if (left === null && item.parentSub !== null) firstOfKey();
  return steps;
}

const integrate = Y.Item.prototype.integrate;
Y.Item.prototype.integrate = function integrateWithinBudget(
  this: Y.Item,
  transaction: Y.Transaction,
  offset: number,
): void {
  if (stepsLeft !== null) {
    stepsLeft -= conflictSteps(this, transaction, offset, stepsLeft);
    if (stepsLeft < 0) {
      stepsLeft = 0;
      throw new IntegrationTooCostly('the update would take too much work to apply');
    }
  }
  integrate.call(this, transaction, offset);
};
