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

async function send(entry: WorkspaceEntry, path: string, method: string): Promise<unknown> {
  const response = await fetch(
    `${entry.serverOrigin}/api/workspaces/${encodeURIComponent(entry.id)}/docs${path}`,
    { method, headers: { Authorization: `Bearer ${entry.memberToken}` } },
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
};
