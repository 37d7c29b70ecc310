import {
  addDocEntry,
  createDoc,
  type ErrorReason,
  INDEX_DOC_ID,
  isDocKind,
  kindInfo,
  Origins,
  publicItemKey,
  readIndex,
  removeDocEntry,
  roomName,
} from '@grassroots/shared';
import * as Y from 'yjs';
import { z } from 'zod';
import { memberInfos } from '../auth/Auth.ts';
import type { ServerDeps } from '../deps.ts';
import { badRequest, forbidden, HttpError, notFound } from '../errors.ts';
import type { DeletedDoc } from '../storage/DeletedDocStore.ts';
import { type Route, route } from './api.ts';
import { bearer, readJson, sendJson } from './json.ts';

/** The most doc ids one `seqs` request may name (a year-long village has a few hundred docs). */
export const MAX_SEQ_IDS = 5000;

const seqsBodySchema = z.strictObject({
  ids: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}(\.comments)?$/, 'not a doc id'))
    .max(MAX_SEQ_IDS),
});

const conflict = (message: string, reason: ErrorReason) =>
  new HttpError(409, 'conflict', message, reason);

/**
 * Deleting and restoring documents (admins only; see server/API.md). A deletion is recorded in
 * storage and the doc's index entry is removed by the server as the admin (IDX-7); the doc's
 * updates stay stored, its room is kept to admins (DEL-1) and nobody may list it again (DEL-2)
 * until an admin restores it.
 */
export function docRoutes({ auth, relay, store, config }: ServerDeps): Route[] {
  const DOCS = '/api/workspaces/:id/docs';
  const names = async (workspaceId: string) => memberInfos(await auth.listMembers(workspaceId));
  const deletedInfo = (d: DeletedDoc, people: Awaited<ReturnType<typeof names>>) => ({
    id: d.docId,
    kind: d.kind,
    title: d.title,
    createdAt: new Date(d.createdAt).toISOString(),
    deletedAt: new Date(d.deletedAt).toISOString(),
    deletedBy: people.get(d.deletedBy) ?? null,
  });

  /** The workspace's index as stored (after everything received is stored). */
  const storedIndex = async (workspaceId: string) => {
    const room = roomName(workspaceId, INDEX_DOC_ID);
    await relay.settle(room);
    const doc = createDoc();
    for (const row of await store.loadUpdates(room))
      Y.applyUpdate(doc, row.update, Origins.storage);
    return doc;
  };

  /** Makes a change to the stored index and commits it through the relay as `authorId`. */
  const changeIndex = async (
    workspaceId: string,
    doc: Y.Doc,
    authorId: string,
    change: (doc: Y.Doc) => void,
  ) => {
    const updates: Uint8Array[] = [];
    const onUpdate = (update: Uint8Array) => updates.push(update);
    doc.on('update', onUpdate);
    try {
      change(doc);
    } finally {
      doc.off('update', onUpdate);
    }
    if (updates.length === 0) return;
    await relay.commit(roomName(workspaceId, INDEX_DOC_ID), Y.mergeUpdates(updates), authorId);
  };

  return [
    /**
     * SYNC-1: the last stored seq of each doc named (0 for one with nothing stored; deleted docs
     * are left out), and the store's id (SYNC-3). A device compares them with the seq its last ack
     * gave for each doc and brings up to date only the docs that changed, instead of connecting to
     * every doc of the workspace.
     */
    route('POST', `${DOCS}/seqs`, async (req, res, [ws]) => {
      const {
        body: { ids },
      } = await auth.authorizeWithBody(bearer(req), ws!, 'read', () =>
        readJson(req, seqsBodySchema, config.maxJsonBytes),
      );
      const deleted = await relay.deletedIn(ws!);
      const wanted = [...new Set(ids)].filter(
        (id) => !deleted.has(id.endsWith('.comments') ? id.slice(0, -'.comments'.length) : id),
      );
      const byRoom = new Map(wanted.map((id) => [roomName(ws!, id), id]));
      const seqs: Record<string, number> = {};
      for (const [room, seq] of await store.lastSeqs([...byRoom.keys()])) {
        const id = byRoom.get(room);
        if (id !== undefined) seqs[id] = seq;
      }
      // SYNC-3: the seqs are of this line of rows; a device that kept seqs of another (before
      // a restore) brings every doc up to date instead of comparing them.
      sendJson(res, 200, { seqs, storeId: await store.storeId() });
    }),

    route('GET', `${DOCS}/deleted`, async (req, res, [ws]) => {
      await auth.authorize(bearer(req), ws!, 'deleteDoc');
      const people = await names(ws!);
      const docs = await store.listDeletedDocs(ws!);
      sendJson(res, 200, { docs: docs.map((d) => deletedInfo(d, people)) });
    }),

    route('DELETE', `${DOCS}/:id`, async (req, res, [ws, docId]) => {
      const me = await auth.authorize(bearer(req), ws!, 'deleteDoc');
      if (docId === INDEX_DOC_ID)
        throw badRequest('the workspace index cannot be deleted', 'docNotDeletable');
      const doc = await storedIndex(ws!);
      const entry = readIndex(doc).docs.find((d) => d.id === docId);
      if (!entry) {
        if ((await relay.deletedIn(ws!)).has(docId!))
          throw conflict('already deleted', 'alreadyDeleted');
        throw notFound('no such document in this workspace', 'docNotFound');
      }
      if (isDocKind(entry.kind) && kindInfo(entry.kind).fixedId !== null) {
        throw badRequest(
          `a workspace keeps its ${entry.kind}; it cannot be deleted`,
          'docNotDeletable',
        );
      }
      const record: DeletedDoc = {
        workspaceId: ws!,
        docId: docId!,
        kind: entry.kind,
        title: entry.title,
        createdAt: entry.createdAt,
        deletedBy: me.id,
        deletedAt: Date.now(),
      };
      // Recorded (and refused to others) before the entry goes, so nobody can list it in between.
      await store.markDocDeleted(record);
      await relay.markDeleted(ws!, docId!);
      // PUB-12: a deleted plan's progress leaves the public board with it (withdrawn in its name).
      await store.withdrawItem(
        ws!,
        publicItemKey({ kind: 'plan', sourceId: docId! }),
        me.id,
        record.deletedAt,
      );
      await changeIndex(ws!, doc, me.id, (d) =>
        removeDocEntry(d, docId!, { origin: Origins.restore }),
      );
      sendJson(res, 200, deletedInfo(record, new Map([[me.id, await auth.infoOf(me)]])));
    }),

    route('POST', `${DOCS}/:id/undelete`, async (req, res, [ws, docId]) => {
      const me = await auth.authorize(bearer(req), ws!, 'deleteDoc');
      const record = (await store.listDeletedDocs(ws!)).find((d) => d.docId === docId);
      if (!record) throw notFound('this document is not deleted', 'docNotDeleted');
      if (!isDocKind(record.kind)) throw badRequest(`unknown document kind ${record.kind}`);
      const kind = record.kind;
      const doc = await storedIndex(ws!);
      await store.unmarkDocDeleted(ws!, docId!);
      await relay.markRestored(ws!, docId!);
      await changeIndex(ws!, doc, me.id, (d) =>
        addDocEntry(
          d,
          { id: docId!, kind, title: record.title, createdAt: record.createdAt },
          { origin: Origins.restore },
        ),
      );
      sendJson(res, 200, {
        id: docId,
        kind,
        title: record.title,
        createdAt: new Date(record.createdAt).toISOString(),
      });
    }),
  ];
}

/**
 * Keeps a deleted doc's other routes (its history, versions, restore) to admins, as its room is
 * (DEL-1): for anyone else the doc is not found. Wraps routes whose first two parameters are the
 * workspace and the doc.
 */
export function keepDeletedToAdmins(routes: Route[], { auth, relay }: ServerDeps): Route[] {
  return routes.map((r) => ({
    ...r,
    handle: async (req, res, params) => {
      const [ws, docId] = params;
      // DEL-6: the index's history names every document ever listed, deleted ones too (a
      // viewer read a deleted record's title from a version of the index): kept to admins.
      if (ws && docId === INDEX_DOC_ID) {
        const member = await auth.authenticate(bearer(req), ws);
        if (member.role !== 'admin')
          throw forbidden('the history of the list of documents is kept to admins', 'forbidden');
      }
      if (ws && docId && (await relay.deletedIn(ws)).has(docId)) {
        const member = await auth.authenticate(bearer(req), ws);
        if (member.role !== 'admin') throw notFound('this document was deleted', 'docDeleted');
      }
      return r.handle(req, res, params);
    },
  }));
}
