import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  DEFAULT_LOCALE,
  type HistoryMark,
  isLocale,
  type Locale,
  type MessageKey,
  roomName,
  translate,
} from '@grassroots/shared';
import { z } from 'zod';
import { type memberInfo, memberInfos } from '../auth/Auth.ts';
import { newId } from '../auth/tokens.ts';
import type { ServerDeps } from '../deps.ts';
import { badRequest, HttpError, notFound } from '../errors.ts';
import { type Route, route } from '../http/api.ts';
import { bearer, readJson, requestUrl, sendJson } from '../http/json.ts';
import { InTurn } from '../inTurn.ts';
import { TokenBucket } from '../relay/Connection.ts';
import { WriteRefused } from '../relay/Room.ts';
import { isEmptyUpdate } from '../relay/updates.ts';
import type { Member } from '../storage/DocStore.ts';
import { Pacer, type WorkBudget } from '../workBudget.ts';
import type { History, NumberedEntry } from './History.ts';

const nameBody = z.object({ name: z.string().trim().min(1).max(120) });
const restoreBody = z.object({ seq: z.number().int().nonnegative() });
const revertMemberBody = z.object({
  memberId: z.string().min(1).max(64),
  fromSeq: z.number().int().positive(),
});

const localeOf = (url: URL): Locale => {
  const value = url.searchParams.get('locale') ?? DEFAULT_LOCALE;
  if (!isLocale(value)) throw badRequest(`unknown locale "${value}"`, 'unknownLocale');
  return value;
};

const intParam = (url: URL, name: string, fallback: number | null): number | null => {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw badRequest(`${name} must be a whole number`, 'badQuery');
  return Number(raw);
};

const csvField = (value: string) =>
  /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/** Beijing time, the zone reports to the township use, written so it cannot be misread. */
const beijingTime = (ms: number) =>
  `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')} (UTC+8)`;

type Person = ReturnType<typeof memberInfo>;

/** The version a restore went back to: its entry number and name, so lists can say which. */
const versionOf = (seq: number, entries: readonly NumberedEntry[], named: Map<number, string>) => {
  // The entry that holds it (a restore to a seq inside the last entry, HIST-12), else the last
  // one before it.
  let entry = entries.find((e) => e.fromSeq <= seq && seq <= e.toSeq);
  if (entry === undefined) for (const e of entries) if (e.toSeq <= seq) entry = e;
  return {
    seq,
    number: entry?.number ?? 0,
    name: named.get(seq) ?? null,
    at: entry ? new Date(entry.lastAt).toISOString() : null,
  };
};

/** HIST-8: a mark as the API shows it, with the version or the member it names. */
const markJson = (
  mark: HistoryMark | null,
  entries: readonly NumberedEntry[],
  named: Map<number, string>,
  people: Map<string, Person>,
) => {
  if (!mark) return null;
  if (mark.kind === 'restore')
    return { kind: 'restore' as const, to: versionOf(mark.toSeq, entries, named) };
  return {
    kind: 'revert' as const,
    member: people.get(mark.memberId) ?? { id: mark.memberId, displayName: '?', role: null },
    fromSeq: mark.fromSeq,
    since: new Date(mark.since).toISOString(),
  };
};

/** The CSV export's columns, in the reader's language. */
const CSV_COLUMNS = [
  'csv.history.time',
  'csv.history.until',
  'csv.history.author',
  'csv.history.role',
  'csv.history.updates',
  'csv.history.changes',
] as const satisfies readonly MessageKey[];

/** The mark as one line of the CSV export, in its language. */
const markLine = (mark: ReturnType<typeof markJson>, locale: Locale): string => {
  if (!mark) return '';
  if (mark.kind === 'restore') {
    const v = mark.to;
    const name = v.name ?? `#${v.number}${v.at ? ` ${beijingTime(Date.parse(v.at))}` : ''}`;
    return translate(locale, 'history.restoredTo', { version: name });
  }
  const since = beijingTime(Date.parse(mark.since));
  return translate(locale, 'history.revertedMember', {
    name: mark.member.displayName,
    time: since,
  });
};

/** HIST-11: names one member may give at once before the pace of one a minute. */
export const NAME_VERSION_BURST = 30;
/** HIST-11: named versions one document keeps at most. */
export const MAX_NAMED_VERSIONS = 500;

/** History routes: entries, versions, comparison, named versions, restore and CSV export. */
export function historyRoutes(history: History, work?: WorkBudget, now = Date.now) {
  return ({ auth, relay, store }: ServerDeps): Route[] => {
    const DOC = '/api/workspaces/:id/docs/:id';
    // HIST-11: every named version is kept and sent with every history page, so a member names
    // at most a burst, then one a minute, and a document keeps at most MAX_NAMED_VERSIONS.
    const nameBudgets = new Map<string, TokenBucket>();
    const mayName = (memberId: string) => {
      let bucket = nameBudgets.get(memberId);
      if (!bucket) {
        // Members with a whole burst again are forgotten (they start full anyway).
        if (nameBudgets.size > 10_000) {
          for (const [id, b] of nameBudgets) if (b.isFull()) nameBudgets.delete(id);
        }
        bucket = new TokenBucket(1 / 60, NAME_VERSION_BURST, now);
        nameBudgets.set(memberId, bucket);
      }
      return bucket.take();
    };
    /** Names given to one doc one after the other, so the cap is counted against what is kept. */
    const naming = new InTurn();
    const authors = async (workspaceId: string) => memberInfos(await auth.listMembers(workspaceId));
    const namesOf = async (room: string) =>
      new Map((await store.listNamedVersions(room)).map((n) => [n.seq, n.name]));
    /** A restore or revert, checked as the member's own write (DEL-5). */
    const commitAs = async (room: string, update: Uint8Array, me: Member) => {
      try {
        return await relay.commit(room, update, me.id, me);
      } catch (error) {
        if (!(error instanceof WriteRefused)) throw error;
        if (error.kind === 'deleted') throw notFound('this document was deleted', 'docDeleted');
        if (error.kind === 'tooMuchWritten') {
          const seconds = Math.ceil(error.waitMs / 1000);
          throw new HttpError(
            429,
            'too_many_requests',
            `written too much; retry in ${seconds} s`,
            'restoreTooOften',
            { seconds },
          );
        }
        if (error.kind === 'docFull') {
          throw new HttpError(413, 'too_large', error.reason, 'restoreDocFull');
        }
        throw new HttpError(
          409,
          'conflict',
          `the room refuses this change: ${error.reason}`,
          'restoreRefused',
        );
      }
    };
    /**
     * HIST-13: the member is asked for again just before a restore or revert is committed: the
     * history work before it can take seconds, and a member removed or made a viewer meanwhile
     * must not still change the document.
     */
    const stillAllowed = (
      req: IncomingMessage,
      workspaceId: string,
      permission: Parameters<typeof auth.authorize>[2],
    ) => auth.authorize(bearer(req), workspaceId, permission);
    /** WORK-1: a member in debt for earlier history work waits before more (429). */
    const admitted = async (
      req: IncomingMessage,
      workspaceId: string,
      permission: Parameters<typeof auth.authorize>[2],
    ) => {
      const me = await auth.authorize(bearer(req), workspaceId, permission);
      const wait = work?.waitFor(me.id) ?? 0;
      if (wait > 0) {
        const seconds = Math.ceil(wait / 1000);
        throw new HttpError(
          429,
          'too_many_requests',
          `history work budget spent; retry in ${seconds} s`,
          'historyBusy',
          { seconds },
        );
      }
      return me;
    };
    /** Runs history work in slices (WORK-2) and charges the time it worked to the member (WORK-1). */
    const charged = <T>(me: Member, run: (pacer: Pacer) => Promise<T>): Promise<T> =>
      work ? work.runPaced(me.id, run) : run(new Pacer());
    const knownDoc = async (room: string) => {
      if ((await store.roomStats(room)).rows === 0)
        throw notFound('this document has no stored history', 'noHistory');
    };

    return [
      route('GET', `${DOC}/history`, async (req, res, [ws, doc]) => {
        const me = await admitted(req, ws!, 'read');
        const url = requestUrl(req);
        const room = roomName(ws!, doc!);
        await relay.settle(room);
        const locale = localeOf(url);
        const limit = Math.min(50, Math.max(1, intParam(url, 'limit', 50)!));
        const beforeSeq = intParam(url, 'before', null);
        const page = await charged(me, (pacer) =>
          history.page(room, {
            limit,
            locale,
            pacer,
            ...(beforeSeq === null ? {} : { beforeSeq }),
          }),
        );
        const people = await authors(ws!);
        const all = await charged(me, (pacer) => history.entries(room, pacer));
        const names = await namesOf(room);
        const auto = (await charged(me, (pacer) => history.finalisations(room, pacer))).map(
          (e) => ({
            id: `final-${e.toSeq}`,
            seq: e.toSeq,
            name: translate(locale, 'history.autoFinalised'),
            author: people.get(e.authorId) ?? null,
            at: new Date(e.lastAt).toISOString(),
            isAutomatic: true,
          }),
        );
        sendJson(res, 200, {
          kind: page.kind,
          total: page.total,
          nextBefore: page.nextBeforeSeq,
          entries: page.entries.map((e) => ({
            id: e.id,
            number: e.number,
            mark: markJson(e.mark, all, names, people),
            fromSeq: e.fromSeq,
            toSeq: e.toSeq,
            author: people.get(e.authorId) ?? { id: e.authorId, displayName: '?', role: null },
            firstAt: new Date(e.firstAt).toISOString(),
            lastAt: new Date(e.lastAt).toISOString(),
            updates: e.updates,
            changes: e.changes,
          })),
          named: [
            ...page.named.map((n) => ({
              id: n.id,
              seq: n.seq,
              name: n.name,
              author: people.get(n.authorId) ?? null,
              at: new Date(n.at).toISOString(),
              isAutomatic: false,
            })),
            ...auto,
          ].sort((a, b) => b.seq - a.seq),
        });
      }),

      route('GET', `${DOC}/history\\.csv`, async (req, res, [ws, doc]) => {
        const me = await admitted(req, ws!, 'read');
        const room = roomName(ws!, doc!);
        await knownDoc(room);
        await relay.settle(room);
        const locale = localeOf(requestUrl(req));
        const people = await authors(ws!);
        const names = await namesOf(room);
        const header = CSV_COLUMNS.map((key) => translate(locale, key));
        const lines = [header.join(',')];
        const all = await charged(me, (pacer) => history.all(room, locale, pacer));
        for (const e of all) {
          const who = people.get(e.authorId);
          const mark = markLine(markJson(e.mark, all, names, people), locale);
          lines.push(
            [
              beijingTime(e.firstAt),
              beijingTime(e.lastAt),
              who?.displayName ?? e.authorId,
              who ? translate(locale, `role.${who.role}`) : '',
              String(e.updates),
              [mark, ...e.changes.map((c) => c.label)].filter(Boolean).join('; '),
            ]
              .map(csvField)
              .join(','),
          );
        }
        // A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
        const body = `\uFEFF${lines.join('\r\n')}\r\n`;
        res.writeHead(200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="history-${doc}.csv"`,
          'Cache-Control': 'no-store',
        });
        res.end(body);
      }),

      route('GET', `${DOC}/versions/:seq`, async (req, res, [ws, doc, seq]) => {
        const me = await admitted(req, ws!, 'read');
        const room = roomName(ws!, doc!);
        await knownDoc(room);
        await relay.settle(room);
        const update = await charged(me, (pacer) => history.version(room, Number(seq), pacer));
        sendBinary(res, update);
      }),

      route('GET', `${DOC}/compare`, async (req, res, [ws, doc]) => {
        const me = await admitted(req, ws!, 'read');
        const url = requestUrl(req);
        const room = roomName(ws!, doc!);
        await knownDoc(room);
        await relay.settle(room);
        const from = intParam(url, 'from', null);
        if (from === null) throw badRequest('from is required', 'badQuery');
        const to = intParam(url, 'to', null);
        const comparison = await charged(me, (pacer) =>
          history.compare(room, from, to, localeOf(url), pacer),
        );
        sendJson(res, 200, { ...comparison, authors: Object.fromEntries(await authors(ws!)) });
      }),

      route('POST', `${DOC}/versions`, async (req, res, [ws, doc]) => {
        const me = await admitted(req, ws!, 'nameVersion');
        const { name } = await readJson(req, nameBody, 4096);
        // MEM-7: asked again once the body is here.
        await stillAllowed(req, ws!, 'nameVersion');
        const room = roomName(ws!, doc!);
        await relay.settle(room);
        const seq = await history.lastSeq(room);
        if (seq === 0) throw notFound('this document has no stored history', 'noHistory');
        const version = await naming.run(room, async () => {
          if ((await store.listNamedVersions(room)).length >= MAX_NAMED_VERSIONS) {
            throw new HttpError(
              409,
              'conflict',
              'this document has as many named versions as it may',
              'tooManyVersions',
              { max: MAX_NAMED_VERSIONS },
            );
          }
          if (!mayName(me.id)) {
            throw new HttpError(
              429,
              'too_many_requests',
              'naming versions too often',
              'nameTooOften',
            );
          }
          const named = { id: newId(), room, seq, name, authorId: me.id, at: now() };
          await store.addNamedVersion(named);
          return named;
        });
        sendJson(res, 201, {
          id: version.id,
          seq,
          name,
          author: await auth.infoOf(me),
          at: new Date(version.at).toISOString(),
        });
      }),

      route('POST', `${DOC}/restore`, async (req, res, [ws, doc]) => {
        const me = await admitted(req, ws!, 'restore');
        const { seq } = await readJson(req, restoreBody, 4096);
        const room = roomName(ws!, doc!);
        await knownDoc(room);
        await relay.settle(room);
        // HIST-12: a state the history holds, in an entry (every row once ended one: an entry
        // chosen may have grown since, its author still typing); its mark names that entry.
        // Nothing (0) is no version.
        const entries = await charged(me, (pacer) => history.entries(room, pacer));
        if (!entries.some((e) => e.fromSeq <= seq && seq <= e.toSeq))
          throw badRequest('no such version', 'versionNotFound');
        const update = await charged(me, (pacer) => history.restoreUpdate(room, seq, pacer));
        // Restoring the current state changes nothing: no empty entry in the history.
        const stored = isEmptyUpdate(update)
          ? null
          : await commitAs(room, update, await stillAllowed(req, ws!, 'restore'));
        if (stored !== null) {
          await store.addHistoryMark({
            room,
            seq: stored,
            mark: { kind: 'restore', toSeq: seq },
            authorId: me.id,
            at: Date.now(),
          });
        }
        sendJson(res, 200, { ok: true, restoredTo: seq, seq: await history.lastSeq(room) });
      }),

      route('POST', `${DOC}/revert-member`, async (req, res, [ws, doc]) => {
        const me = await admitted(req, ws!, 'revertMember');
        const { memberId, fromSeq } = await readJson(req, revertMemberBody, 4096);
        const room = roomName(ws!, doc!);
        await knownDoc(room);
        await relay.settle(room);
        const from = (await charged(me, (pacer) => history.entries(room, pacer))).find(
          (e) => e.fromSeq <= fromSeq && fromSeq <= e.toSeq,
        );
        if (!from) throw badRequest('no such entry', 'versionNotFound');
        const update = await charged(me, (pacer) =>
          history.revertMemberUpdate(room, memberId, fromSeq, pacer),
        );
        const stored = isEmptyUpdate(update)
          ? null
          : await commitAs(room, update, await stillAllowed(req, ws!, 'revertMember'));
        if (stored !== null) {
          await store.addHistoryMark({
            room,
            seq: stored,
            mark: { kind: 'revert', memberId, fromSeq, since: from.firstAt },
            authorId: me.id,
            at: Date.now(),
          });
        }
        sendJson(res, 200, { ok: true, isChanged: stored !== null, seq: stored });
      }),
    ];
  };
}

function sendBinary(res: ServerResponse, bytes: Uint8Array) {
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': bytes.byteLength,
    'Cache-Control': 'no-store',
  });
  res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
