import * as Y from 'yjs';
import { beijingDay } from '../i18n/time.ts';
import { countMinutesNotHere, readWorkspaceData } from '../projection/createWorkspaceData.ts';
import type { LocalStore } from '../sync/LocalStore.ts';
import {
  ageFeedback,
  attentionFrom,
  cadenceAttention,
  heldMeetings,
  INDEX_DOC_ID,
  readIndex,
  type WorkspaceData,
  workspaceStartedAt,
} from './domain.ts';

/**
 * Every required meeting period of the workspace's rhythm from where attention starts (CAD-5) to
 * now, with its state (CAD-3), counted per party group where the roster has them (CAD-6).
 */
export function workspaceCadence(w: WorkspaceData, now: number) {
  const firstRecord = workspaceStartedAt(w.index);
  const groups = w.roster?.groups;
  return cadenceAttention(
    w.index.cadence,
    heldMeetings(w.minutes),
    attentionFrom(now, firstRecord),
    now,
    groups ? { groups } : {},
  );
}

/** What a workspace's dashboard would flag, in two figures (HOME-1). */
export type AttentionSummary = {
  /**
   * Required meeting periods that ended without the meetings (CAD-3), or null when minutes the
   * workspace lists are not all on the device yet (a count would be a guess).
   */
  missedMeetings: number | null;
  /** Feedback entries that need a reviewer's eye (AGE-2): overdue, or not answered back. */
  feedback: number;
};

export function attentionSummary(
  w: WorkspaceData,
  minutesNotHere: number,
  now: number,
): AttentionSummary {
  const missed = workspaceCadence(w, now).filter((c) => c.state === 'overdue').length;
  let feedback = 0;
  for (const { data: log } of w.feedback) feedback += ageFeedback(log.entries, now).length;
  return { missedMeetings: minutesNotHere > 0 ? null : missed, feedback };
}

/**
 * HOME-1: the attention summary of a workspace from what this device holds, without opening it
 * (no connection, no editor): its docs are read from the device's store, then let go. Null when
 * the device holds no readable index of it yet.
 */
export async function localAttention(
  store: LocalStore,
  workspaceId: string,
  now = Date.now(),
): Promise<AttentionSummary | null> {
  const { docs } = await store.loadWorkspace(workspaceId);
  const built = new Map<string, Y.Doc>();
  /** Plans do not count here: they are never built. */
  let skipped = new Set<string>();
  const docOf = (docId: string): Y.Doc | undefined => {
    const held = docs.get(docId);
    if (!held || skipped.has(docId)) return undefined;
    let doc = built.get(docId);
    if (!doc) {
      doc = new Y.Doc();
      for (const { update } of held.updates) {
        try {
          Y.applyUpdate(doc, update);
        } catch {
          // A damaged entry: what the rest says still counts (the workspace reports it when open).
        }
      }
      built.set(docId, doc);
    }
    return doc;
  };
  try {
    const indexDoc = docOf(INDEX_DOC_ID);
    if (!indexDoc) return null;
    let index: ReturnType<typeof readIndex>;
    try {
      index = readIndex(indexDoc);
    } catch {
      return null;
    }
    skipped = new Set(index.docs.filter((d) => d.kind === 'plan').map((d) => d.id));
    // Counted as the dashboard counts them: acknowledged by the server, or holding something.
    const minutesNotHere = countMinutesNotHere(index, (id) => {
      const doc = docOf(id);
      return doc ? { doc, hasAck: docs.get(id)?.meta?.ackedStateVector != null } : undefined;
    });
    return attentionSummary(readWorkspaceData(index, docOf), minutesNotHere, now);
  } finally {
    for (const doc of built.values()) doc.destroy();
  }
}

/** Where a workspace's last summary is kept among the device's settings. */
const cacheKey = (workspaceId: string) => `attention:${workspaceId}`;

/**
 * The device's copy of a workspace changes only while the workspace is open on it: opening one
 * marks its kept summary stale (HOME-1).
 */
export function forgetAttention(store: LocalStore, workspaceId: string): Promise<void> {
  // A mark of its own each time, so that a reading begun before it sees it changed.
  return store.putSetting(cacheKey(workspaceId), { openedAt: Date.now(), mark: Math.random() });
}

/**
 * HOME-1 at the cost of reading a setting: the summary kept from an earlier visit, if it was
 * made today (Beijing time: a period may have ended since), within the hour, and its workspace
 * was not opened since; else read from the device's copy and kept. A kept value is checked
 * before it is believed.
 */
export async function keptAttention(
  store: LocalStore,
  workspaceId: string,
  now = Date.now(),
): Promise<AttentionSummary | null> {
  const day = beijingDay(now);
  const kept: unknown = await store.getSetting(cacheKey(workspaceId)).catch(() => undefined);
  if (isKept(kept) && kept.day === day && now - kept.at < KEEP_MS && now >= kept.at) {
    return kept.summary;
  }
  const summary = await localAttention(store, workspaceId, now);
  // Not kept when the workspace was opened meanwhile (its figures were let go while these were
  // read): the next visit reads them again.
  const still: unknown = await store.getSetting(cacheKey(workspaceId)).catch(() => undefined);
  if (summary && JSON.stringify(still ?? null) === JSON.stringify(kept ?? null)) {
    await store.putSetting(cacheKey(workspaceId), { day, at: now, summary }).catch(() => {});
  }
  return summary;
}

/**
 * How long kept figures are believed: a feedback entry turns overdue at its own minute, so a
 * figure kept all day would miss those that did since; an hour bounds that.
 */
const KEEP_MS = 3_600_000;

function isKept(value: unknown): value is { day: string; at: number; summary: AttentionSummary } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as {
    day?: unknown;
    at?: unknown;
    summary?: { missedMeetings?: unknown; feedback?: unknown };
  };
  const s = v.summary;
  const isCount = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  return (
    typeof v.day === 'string' &&
    typeof v.at === 'number' &&
    typeof s === 'object' &&
    s !== null &&
    (s.missedMeetings === null || isCount(s.missedMeetings)) &&
    isCount(s.feedback)
  );
}
