import type { MemberInfo } from '@grassroots/shared';
import type { WorkspaceEntry } from '../sync/LocalStore.ts';
import { relayApiError } from './relayApi.ts';

/** A document an admin deleted, as `GET …/docs/deleted` lists it (see server/API.md). */
export type DeletedDocInfo = {
  id: string;
  kind: string;
  title: string;
  createdAt: string;
  deletedAt: string;
  deletedBy: Pick<MemberInfo, 'id' | 'displayName'> | null;
};

const isString = (v: unknown): v is string => typeof v === 'string';

/** Checks the answer: a proxy or an older server must not break the list; bad rows are skipped. */
function parseDeleted(json: unknown): DeletedDocInfo[] {
  const docs = (json as { docs?: unknown } | null)?.docs;
  if (!Array.isArray(docs)) return [];
  const out: DeletedDocInfo[] = [];
  for (const d of docs as Record<string, unknown>[]) {
    if (!d || ![d.id, d.kind, d.title, d.createdAt, d.deletedAt].every(isString)) continue;
    const by = d.deletedBy as Record<string, unknown> | null;
    out.push({
      id: d.id as string,
      kind: d.kind as string,
      title: d.title as string,
      createdAt: d.createdAt as string,
      deletedAt: d.deletedAt as string,
      deletedBy:
        by && isString(by.id) && isString(by.displayName)
          ? { id: by.id, displayName: by.displayName }
          : null,
    });
  }
  return out;
}

async function send(
  entry: WorkspaceEntry,
  path: string,
  method: string,
  extra: { body?: unknown; signal?: AbortSignal } = {},
): Promise<unknown> {
  const headers: Record<string, string> = { Authorization: `Bearer ${entry.memberToken}` };
  if (extra.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(
    `${entry.serverOrigin}/api/workspaces/${encodeURIComponent(entry.id)}/docs${path}`,
    {
      method,
      headers,
      ...(extra.body !== undefined ? { body: JSON.stringify(extra.body) } : {}),
      ...(extra.signal ? { signal: extra.signal } : {}),
    },
  );
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // not JSON: the status says enough
  }
  if (!response.ok) throw relayApiError(response.status, json);
  return json;
}

/** Deleting and restoring documents (admins only; the relay enforces it). */
export const docsApi = {
  /** Deletes a document for everyone: it leaves the index, its history stays on the server. */
  async deleteDoc(entry: WorkspaceEntry, docId: string): Promise<void> {
    await send(entry, `/${encodeURIComponent(docId)}`, 'DELETE');
  },
  /** The workspace's deleted documents, most recently deleted first. */
  async listDeleted(entry: WorkspaceEntry): Promise<DeletedDocInfo[]> {
    return parseDeleted(await send(entry, '/deleted', 'GET'));
  },
  /** Lists a deleted document again, as it was. */
  async undelete(entry: WorkspaceEntry, docId: string): Promise<void> {
    await send(entry, `/${encodeURIComponent(docId)}/undelete`, 'POST');
  },
  /**
   * SYNC-1: the last stored seq of each of the docs (0 for one with nothing stored; deleted
   * docs are left out), and the id of the server's store they belong to (SYNC-3; null from a
   * relay that sends none). Entries that are not a whole number are dropped.
   */
  async seqs(
    entry: WorkspaceEntry,
    ids: string[],
    signal?: AbortSignal,
  ): Promise<{ seqs: Map<string, number>; storeId: string | null }> {
    const json = await send(entry, '/seqs', 'POST', {
      body: { ids },
      ...(signal ? { signal } : {}),
    });
    const answer = (json ?? {}) as { seqs?: unknown; storeId?: unknown };
    const out = new Map<string, number>();
    const storeId =
      typeof answer.storeId === 'string' && answer.storeId !== '' && answer.storeId.length <= 200
        ? answer.storeId
        : null;
    if (typeof answer.seqs !== 'object' || answer.seqs === null) return { seqs: out, storeId };
    for (const [id, seq] of Object.entries(answer.seqs as Record<string, unknown>)) {
      if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) out.set(id, seq);
    }
    return { seqs: out, storeId };
  },
};
