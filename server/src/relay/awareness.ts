import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One entry of an awareness update as it travels: the state is kept as the JSON text it came in. */
export type AwarenessEntry = { clientId: number; clock: number; json: string };

/** Thrown for an awareness update the relay refuses outright (it cannot be decoded). */
export class MalformedAwareness extends Error {
  override name = 'MalformedAwareness';
}

export type AwarenessLimits = {
  /** Entries one update may carry. */
  maxEntries: number;
  /** Deepest nesting of arrays and objects in one state. */
  maxDepth: number;
};

/**
 * Decodes an awareness update (`count, (clientId, clock, json)*`) without parsing the states.
 * Throws MalformedAwareness when it is truncated, has trailing bytes or too many entries.
 */
export function decodeAwarenessEntries(
  update: Uint8Array,
  limits: AwarenessLimits,
): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  try {
    const count = decoding.readVarUint(decoder);
    if (count > limits.maxEntries) throw new MalformedAwareness('too many awareness entries');
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      entries.push({ clientId, clock, json });
    }
    if (decoding.hasContent(decoder)) throw new MalformedAwareness('trailing bytes');
    return entries;
  } catch (error) {
    if (error instanceof MalformedAwareness) throw error;
    throw new MalformedAwareness('undecodable awareness update');
  }
}

/**
 * Nesting depth of a JSON text, counted without parsing it (so a hostile text is measured before
 * anything recursive touches it). Brackets inside strings do not count.
 */
export function jsonDepth(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

/**
 * Checks one state: `null` (the client left) or a JSON object no deeper than `maxDepth`. Returns
 * the parsed state, or undefined when it is not acceptable. Presence states of y-websocket
 * clients (name, colour, cursor positions) are shallow objects; anything else is refused, because
 * the relay re-encodes every state for each client that joins and a hostile one (say, nested ten
 * thousand levels deep) would blow the stack there.
 */
export function parseAwarenessState(
  json: string,
  maxDepth: number,
): Record<string, unknown> | null | undefined {
  if (jsonDepth(json) > maxDepth) return undefined;
  let state: unknown;
  try {
    state = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (state === null) return null;
  if (typeof state !== 'object' || Array.isArray(state)) return undefined;
  return state as Record<string, unknown>;
}

/** Encodes entries back into an awareness update. */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.json);
  }
  return encoding.toUint8Array(encoder);
}
