/**
 * The workspace index doc (room `<workspaceId>/index`): the list of documents, the workspace's
 * settings (the 8+1 service list, the 三会一课 cadence) and the register of 四议两公开 cases.
 *
 * Y layout (private; root names below):
 * - `meta`         Y.Map  kind, schemaVersion, createdAt
 * - `workspace`    Y.Map  name: Y.Text, cadence: {preset, rules}
 * - `docs`         Y.Map<docId, Y.Map> kind, title: Y.Text, createdAt, archived
 * - `services`     Y.Map<serviceId, Y.Map> name, kind, archived, order
 * - `cases`        Y.Map<caseId, Y.Map> title: Y.Text, createdAt
 * - `publications` Y.Array<{id, caseId, step, at, where, note}>  append-only
 *
 * Rules (SPEC.md):
 * - IDX-1 docs are keyed by doc id: docs created on two devices while apart are both listed;
 *   registering an id twice keeps the first entry (idempotent).
 * - IDX-2 renames are Y.Text edits and merge; archive is a flag (one deterministic winner) and
 *   never deletes: an archived doc keeps its room and history. The list title is the index's
 *   label for the doc; the client sets it together with the doc's own title.
 * - IDX-3 the 8+1 services are workspace data: the default list has fixed ids (`svc-1`…`svc-9`) so
 *   two devices seeding it at once agree; services are archived, not deleted, so tasks linked to
 *   them keep a name to show.
 * - SVC-1 every workspace has the default list: `initIndex` stores it; in an index that does not
 *   hold a default service (stamped by a device that only listed a doc) it reads as the default,
 *   and it is stored the first time it is renamed or retired — only that one, so other devices'
 *   edits to other services never compete with a seeding. A list given to `initIndex` replaces
 *   the defaults.
 * - SVC-2 services are added, renamed and retired (archived) as workspace data; a retired service
 *   is left out of pickers (`activeServices`) but still reads for tasks that link it
 *   (`serviceById`); name and archived flag are separate single values.
 * - SVC-3 a default service still under its default name is shown in the reader's language
 *   (`serviceLabel`); the stored name never changes with the reader, and a renamed one shows as
 *   it was named.
 * - IDX-4 the cadence setting is one value (preset + rules), replaced as a whole: two concurrent
 *   changes give one winner, never a mix of two presets. Unset means the `seed` preset.
 * - IDX-5 publications of a case (决议公开, 实施结果公开) are appended, never edited.
 * - IDX-6 a publication is removed as a whole (every copy of its id).
 * - IDX-7 a document leaves the list only when an admin deletes it on the server
 *   (`removeDocEntry`, committed by the server; the relay refuses anyone listing the id again);
 *   restoring it lists it again with its kind, title and creation time (`addDocEntry`).
 * - IDX-8 the list (`docList`): searched by every word of the query in titles and, for feedback
 *   logs, the entries' text (Uyghur, Chinese and English alike: `text/search.ts`); filtered by
 *   kind; plans, feedback logs and the roster first, minutes grouped by Beijing month, newest
 *   first; archived documents only when searched or asked for.
 */
import * as Y from 'yjs';
import { type Locale, labelOf } from '../i18n/index.ts';
import {
  compileQuery,
  isEmptyQuery,
  matchesKey,
  type SearchSnippet,
  searchKey,
  searchSnippet,
} from '../text/search.ts';
import { cadencePreset, DEFAULT_CADENCE } from './cadence.ts';
import { DomainError } from './DomainError.ts';
import {
  byOrder,
  checkCount,
  checkLength,
  childMap,
  ensureText,
  type KindVersioning,
  type Migration,
  makeWriter,
  newText,
  numberOr,
  oneOf,
  orderBetween,
  readableDoc,
  setText,
  stampMeta,
  stringOr,
  textField,
} from './doc.ts';
import { newId } from './ids.ts';
import { type OpOptions, Origins } from './origins.ts';
import {
  type CadenceSetting,
  cadenceSettingSchema,
  type DecisionCase,
  type DefaultServiceId,
  DOC_KINDS,
  type DocKind,
  type FeedbackEntry,
  type FeedbackLogData,
  type IndexData,
  type IndexEntry,
  Limits,
  type MinutesData,
  type PlanData,
  PUBLIC_STEPS,
  type Publication,
  type PublicStep,
  SERVICE_KINDS,
  type Service,
  type ServiceKind,
} from './schema.ts';
import { periodOf } from './time.ts';

export const INDEX_WORKSPACE_ROOT = 'workspace';
export const INDEX_DOCS_ROOT = 'docs';
export const INDEX_SERVICES_ROOT = 'services';
export const INDEX_CASES_ROOT = 'cases';
export const INDEX_PUBLICATIONS_ROOT = 'publications';

export const INDEX_MIGRATIONS: readonly Migration[] = [];

export const INDEX_SCHEMA_VERSION = 1;

export const INDEX_VERSIONING: KindVersioning<'index'> = {
  kind: 'index',
  schemaVersion: INDEX_SCHEMA_VERSION,
  migrations: INDEX_MIGRATIONS,
};

/**
 * The default "8+1" list: eight benefit policies handed down to the village organisation plus the
 * village's own livelihood projects. The source text does not name the eight; these are common
 * ones, and each workspace edits the list to match what its county hands down.
 */
export const DEFAULT_SERVICES: readonly Omit<Service, 'archived'>[] = [
  { id: 'svc-1', name: '最低生活保障', kind: 'policy' },
  { id: 'svc-2', name: '城乡居民医疗保险', kind: 'policy' },
  { id: 'svc-3', name: '城乡居民养老保险', kind: 'policy' },
  { id: 'svc-4', name: '农村危房改造', kind: 'policy' },
  { id: 'svc-5', name: '教育资助', kind: 'policy' },
  { id: 'svc-6', name: '就业技能培训', kind: 'policy' },
  { id: 'svc-7', name: '农业补贴', kind: 'policy' },
  { id: 'svc-8', name: '残疾人两项补贴', kind: 'policy' },
  { id: 'svc-9', name: '自主实施民生项目', kind: 'livelihood' },
];

type Rec = Record<string, unknown>;

const roots = (doc: Y.Doc) => ({
  workspace: doc.getMap<unknown>(INDEX_WORKSPACE_ROOT),
  docs: doc.getMap<unknown>(INDEX_DOCS_ROOT),
  services: doc.getMap<unknown>(INDEX_SERVICES_ROOT),
  cases: doc.getMap<unknown>(INDEX_CASES_ROOT),
  publications: doc.getArray<Rec>(INDEX_PUBLICATIONS_ROOT),
});

const write = makeWriter(INDEX_VERSIONING);

/** The default services an index reads without holding them (SVC-1), with their order. */
function virtualDefaults(doc: Y.Doc): (Omit<Service, 'archived'> & { order: number })[] {
  const { workspace, services } = roots(doc);
  if (workspace.get('customServices') === true) return [];
  return DEFAULT_SERVICES.map((s, i) => ({ ...s, order: i + 1 })).filter(
    (s) => !(services.get(s.id) instanceof Y.Map),
  );
}

/** Refuses an unknown service id; a default one is known even before it is stored (SVC-1). */
function checkService(doc: Y.Doc, serviceId: string): void {
  if (virtualDefaults(doc).some((s) => s.id === serviceId)) return;
  childMap(roots(doc).services, serviceId, 'service');
}

/** The stored map of a service, storing a default one first (SVC-1); call inside a write. */
function storedService(doc: Y.Doc, serviceId: string): Y.Map<unknown> {
  const { services } = roots(doc);
  const virtual = virtualDefaults(doc).find((s) => s.id === serviceId);
  if (virtual) services.set(serviceId, serviceMap(virtual.name, virtual.kind, virtual.order));
  return childMap(services, serviceId, 'service');
}

/** Fills an empty index doc: workspace name, the default 8+1 list and the default cadence. */
export function initIndex(
  doc: Y.Doc,
  init: { name: string; createdAt?: number; services?: readonly Omit<Service, 'archived'>[] },
  opts?: OpOptions,
): void {
  checkLength(init.name, Limits.titleChars, 'workspace name');
  const origin = opts?.origin ?? Origins.local;
  doc.transact(() => {
    stampMeta(doc, INDEX_VERSIONING, origin, init.createdAt ?? Date.now());
    const r = roots(doc);
    setText(ensureText(r.workspace, 'name'), init.name);
    if (!r.workspace.has('cadence')) r.workspace.set('cadence', DEFAULT_CADENCE);
    if (init.services) r.workspace.set('customServices', true);
    let order = 1;
    for (const s of init.services ?? DEFAULT_SERVICES) {
      if (r.services.has(s.id)) continue;
      r.services.set(s.id, serviceMap(s.name, s.kind, order++));
    }
  }, origin);
}

function serviceMap(name: string, kind: ServiceKind, order: number): Y.Map<unknown> {
  const m = new Y.Map<unknown>();
  m.set('name', name);
  m.set('kind', kind);
  m.set('archived', false);
  m.set('order', order);
  return m;
}

export function setWorkspaceName(doc: Y.Doc, name: string, opts?: OpOptions): void {
  checkLength(name, Limits.titleChars, 'workspace name');
  write(doc, opts, () => setText(ensureText(roots(doc).workspace, 'name'), name));
}

/** Lists a new document (IDX-1). Registering an id that is already listed changes nothing. */
export function addDocEntry(
  doc: Y.Doc,
  entry: { id: string; kind: DocKind; title: string; createdAt?: number },
  opts?: OpOptions,
): void {
  if (!(DOC_KINDS as readonly string[]).includes(entry.kind)) {
    throw new DomainError('invalid', `unknown document kind ${entry.kind}`);
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(entry.id)) throw new DomainError('invalid', 'bad doc id');
  checkLength(entry.title, Limits.titleChars, 'title');
  const { docs } = roots(doc);
  if (docs.has(entry.id)) return;
  checkCount(docs.size, Limits.docsPerWorkspace, 'documents');
  write(doc, opts, () => {
    const m = new Y.Map<unknown>();
    m.set('kind', entry.kind);
    m.set('title', newText(entry.title));
    m.set('createdAt', entry.createdAt ?? Date.now());
    m.set('archived', false);
    docs.set(entry.id, m);
  });
}

export function renameDoc(doc: Y.Doc, docId: string, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'title');
  const m = childMap(roots(doc).docs, docId, 'document');
  write(doc, opts, () => setText(ensureText(m, 'title'), title));
}

/** Archives (or with `false` restores) a document in the list; nothing is deleted (IDX-2). */
export function archiveDoc(doc: Y.Doc, docId: string, archived = true, opts?: OpOptions): void {
  const m = childMap(roots(doc).docs, docId, 'document');
  write(doc, opts, () => m.set('archived', archived));
}

/**
 * Takes a document off the list (IDX-7) and returns the entry it had. Only the server runs this,
 * for an admin deleting the document: its room and history stay stored, and the relay refuses
 * anyone else listing the id again. Unknown ids are refused.
 */
export function removeDocEntry(doc: Y.Doc, docId: string, opts?: OpOptions): IndexEntry {
  const entry = readIndex(doc).docs.find((d) => d.id === docId);
  if (!entry) throw new DomainError('not-found', `no document ${docId}`);
  write(doc, opts, () => roots(doc).docs.delete(docId));
  return entry;
}

/** Adds a service to the 8+1 list; returns its id. */
export function addService(
  doc: Y.Doc,
  input: { name: string; kind: ServiceKind; id?: string },
  opts?: OpOptions,
): string {
  const name = input.name.trim();
  if (!name) throw new DomainError('invalid', 'a service needs a name', 'nameRequired');
  checkLength(name, Limits.titleChars, 'service name');
  if (!(SERVICE_KINDS as readonly string[]).includes(input.kind)) {
    throw new DomainError('invalid', `unknown service kind ${input.kind}`);
  }
  const { services } = roots(doc);
  checkCount(services.size + virtualDefaults(doc).length, Limits.servicesPerWorkspace, 'services');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    let max: number | null = null;
    services.forEach((v) => {
      if (v instanceof Y.Map) max = Math.max(max ?? 0, numberOr(v.get('order'), 0));
    });
    for (const s of virtualDefaults(doc)) max = Math.max(max ?? 0, s.order);
    services.set(id, serviceMap(name, input.kind, orderBetween(max, null)));
  });
  return id;
}

/** Renames a service (SVC-2): tasks linked to it show the new name. */
export function renameService(doc: Y.Doc, serviceId: string, name: string, opts?: OpOptions): void {
  const trimmed = name.trim();
  if (!trimmed) throw new DomainError('invalid', 'a service needs a name', 'nameRequired');
  checkLength(trimmed, Limits.titleChars, 'service name');
  checkService(doc, serviceId);
  write(doc, opts, () => storedService(doc, serviceId).set('name', trimmed));
}

/**
 * Retires (archives) a service, or with `false` brings it back (IDX-3, SVC-2): left out of
 * pickers, still read for the tasks linked to it.
 */
export function archiveService(
  doc: Y.Doc,
  serviceId: string,
  archived = true,
  opts?: OpOptions,
): void {
  checkService(doc, serviceId);
  write(doc, opts, () => storedService(doc, serviceId).set('archived', archived));
}

/** The services a picker offers: the list without retired ones (SVC-2). */
export function activeServices(index: Pick<IndexData, 'services'>): Service[] {
  return index.services.filter((s) => !s.archived);
}

/** A service by id, retired ones included, for a task that links it (SVC-2); null when unknown. */
/** A service's name as a reader of `locale` sees it (SVC-3). */
export function serviceLabel(service: Pick<Service, 'id' | 'name'>, locale: Locale): string {
  const fallback = DEFAULT_SERVICES.find((d) => d.id === service.id);
  return fallback !== undefined && fallback.name === service.name
    ? labelOf('defaultService', fallback.id as DefaultServiceId, locale)
    : service.name;
}

export function serviceById(
  index: Pick<IndexData, 'services'>,
  serviceId: string | null,
): Service | null {
  return serviceId === null ? null : (index.services.find((s) => s.id === serviceId) ?? null);
}

/** Sets the cadence (IDX-4): a preset name, or custom rules. */
export function setCadence(
  doc: Y.Doc,
  setting: { preset: 'seed' | 'national' } | CadenceSetting,
  opts?: OpOptions,
): void {
  const value =
    'rules' in setting ? cadenceSettingSchema.parse(setting) : cadencePreset(setting.preset);
  if (value.preset !== 'custom') Object.assign(value, cadencePreset(value.preset));
  write(doc, opts, () => roots(doc).workspace.set('cadence', value));
}

/** Opens a 四议两公开 case: a matter traced from proposal to publication. Returns its id. */
export function addDecisionCase(
  doc: Y.Doc,
  input: { title: string; id?: string; createdAt?: number },
  opts?: OpOptions,
): string {
  checkLength(input.title, Limits.titleChars, 'case title');
  const id = input.id ?? newId();
  write(doc, opts, () => {
    const m = new Y.Map<unknown>();
    m.set('title', newText(input.title));
    m.set('createdAt', input.createdAt ?? Date.now());
    roots(doc).cases.set(id, m);
  });
  return id;
}

export function setCaseTitle(doc: Y.Doc, caseId: string, title: string, opts?: OpOptions): void {
  checkLength(title, Limits.titleChars, 'case title');
  const m = childMap(roots(doc).cases, caseId, 'case');
  write(doc, opts, () => setText(ensureText(m, 'title'), title));
}

/** Records that a case's resolution or its result was made public (IDX-5). */
export function recordPublication(
  doc: Y.Doc,
  caseId: string,
  input: { step: PublicStep; at: number; where: string; note?: string; id?: string },
  opts?: OpOptions,
): string {
  childMap(roots(doc).cases, caseId, 'case');
  if (!(PUBLIC_STEPS as readonly string[]).includes(input.step)) {
    throw new DomainError('invalid', `unknown publication step ${input.step}`);
  }
  checkLength(input.where, Limits.placeChars, 'where');
  checkLength(input.note ?? '', Limits.noteChars, 'note');
  const id = input.id ?? newId();
  write(doc, opts, () =>
    roots(doc).publications.push([
      { id, caseId, step: input.step, at: input.at, where: input.where, note: input.note ?? '' },
    ]),
  );
  return id;
}

/**
 * Removes a publication as a whole (IDX-6); it is never edited in place (IDX-5). Every entry with
 * its id goes, so a copy appended twice does not come back.
 */
export function removePublication(doc: Y.Doc, publicationId: string, opts?: OpOptions): void {
  const list = roots(doc).publications;
  const at: number[] = [];
  list.toArray().forEach((p, i) => {
    if (p?.id === publicationId) at.push(i);
  });
  if (at.length === 0) throw new DomainError('not-found', `no publication ${publicationId}`);
  write(doc, opts, () => {
    for (const i of at.reverse()) list.delete(i, 1);
  });
}

/** CAD-8: a stored preset reads as this build's rules for it; custom rules as stored. */
function readCadence(v: unknown): CadenceSetting {
  const parsed = cadenceSettingSchema.safeParse(v);
  if (!parsed.success) return cadencePreset('seed');
  const { preset } = parsed.data;
  return preset === 'custom' ? parsed.data : cadencePreset(preset);
}

/** Plain data of the index (passes `indexSchema`). Never writes. */
export function readIndex(source: Y.Doc): IndexData {
  const doc = readableDoc(source, INDEX_VERSIONING);
  const r = roots(doc);
  const meta = doc.getMap<unknown>('meta');
  const docs: IndexEntry[] = [];
  const unknownDocs: IndexData['unknownDocs'] = [];
  r.docs.forEach((v, id) => {
    if (!(v instanceof Y.Map)) return;
    const m = v as Y.Map<unknown>;
    const kind = m.get('kind');
    const title = textField(m, 'title');
    // KIND-1: a kind this build does not know is reported as such, never shown as another kind.
    if (!(DOC_KINDS as readonly unknown[]).includes(kind)) {
      // What a device wrote, never converted: `String()` of an object can throw (and read nothing).
      unknownDocs.push({ id, kind: typeof kind === 'string' ? kind : '', title });
      return;
    }
    docs.push({
      id,
      kind: kind as DocKind,
      title,
      createdAt: numberOr(m.get('createdAt'), 0),
      archived: m.get('archived') === true,
    });
  });
  docs.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  unknownDocs.sort((a, b) => (a.id < b.id ? -1 : 1));
  const services: (Service & { order: number })[] = [];
  r.services.forEach((v, id) => {
    if (!(v instanceof Y.Map)) return;
    const m = v as Y.Map<unknown>;
    services.push({
      id,
      name: stringOr(m.get('name'), id) || id,
      kind: oneOf(SERVICE_KINDS, m.get('kind'), 'policy'),
      archived: m.get('archived') === true,
      order: numberOr(m.get('order'), 0),
    });
  });
  // SVC-1: a default service the index does not hold reads as the default.
  for (const s of virtualDefaults(doc)) services.push({ ...s, archived: false });
  services.sort(byOrder);
  const publications = new Map<string, Publication[]>();
  const seen = new Set<string>();
  for (const p of r.publications.toArray()) {
    if (typeof p?.caseId !== 'string' || typeof p.id !== 'string' || seen.has(p.id)) continue;
    seen.add(p.id);
    const list = publications.get(p.caseId) ?? [];
    list.push({
      id: p.id,
      step: oneOf(PUBLIC_STEPS, p.step, 'resolution-public'),
      at: numberOr(p.at, 0),
      where: stringOr(p.where, ''),
      note: stringOr(p.note, ''),
    });
    publications.set(p.caseId, list);
  }
  const cases: DecisionCase[] = [];
  r.cases.forEach((v, id) => {
    if (!(v instanceof Y.Map)) return;
    const m = v as Y.Map<unknown>;
    cases.push({
      id,
      title: textField(m, 'title'),
      createdAt: numberOr(m.get('createdAt'), 0),
      publications: publications.get(id) ?? [],
    });
  });
  cases.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  return {
    kind: 'index',
    meta: { schemaVersion: numberOr(meta.get('schemaVersion'), 0) },
    name: textField(r.workspace, 'name'),
    docs,
    unknownDocs,
    services: services.map(({ order: _o, ...s }) => s),
    cadence: readCadence(r.workspace.get('cadence')),
    cases,
  };
}

/** Kinds a workspace has few of, shown first in the list (IDX-8), in this order. */
export const PINNED_KINDS: readonly DocKind[] = ['plan', 'feedback', 'roster'];

/** What the list shows (IDX-8): query text, a kind or every kind, and whether archived ones show. */
export type DocListQuery = { text: string; kind: DocKind | 'all'; showArchived: boolean };

/** What the device knows of a doc beyond its index entry: searchable text and its date. */
export type DocListDetail = {
  /**
   * Text searched besides the title, one field a line (`feedbackSearchText`, `minutesSearchText`,
   * `planSearchText`); empty when none.
   */
  text: string;
  /** `text` in search form (`searchKey(text)`), when the caller keeps it: saves work per query. */
  key?: string;
  /** The instant the list sorts and groups by (a meeting's start); null: when it was created. */
  at: number | null;
  /** IDX-9: a record of minutes not yet finalised (the list marks it). */
  isDraft?: boolean;
};

export type DocListItem = IndexEntry & {
  at: number;
  /** IDX-9: a record of minutes not yet finalised. */
  isDraft?: boolean;
  /** Where a search matched in the doc's text (SEARCH-4); absent when not searching or in the title. */
  snippet?: SearchSnippet;
};

export type DocList = {
  /** Plans, feedback logs and the roster, in `PINNED_KINDS` order, newest first within a kind. */
  pinned: DocListItem[];
  /** Minutes by Beijing month (`2025-03`), newest month first, newest first within it. */
  months: { month: string; docs: DocListItem[] }[];
  /** Archived docs that match: every one when asked for, else only when searching. */
  archived: DocListItem[];
  /** Docs shown in all, and how many archived docs the filter hides. */
  shown: number;
  hiddenArchived: number;
};

/**
 * The text of a feedback entry it is searched by (IDX-8, FB search): summary, source, relays,
 * responses and status notes, one field each.
 */
export function feedbackEntrySearchFields(
  e: Pick<FeedbackEntry, 'summary' | 'source' | 'relays' | 'responses' | 'transitions'>,
): string[] {
  const parts: string[] = [e.summary];
  if (e.source) parts.push(e.source);
  for (const r of e.relays) parts.push(r.to, r.note);
  for (const r of e.responses) parts.push(r.text);
  for (const t of e.transitions) if (t.note) parts.push(t.note);
  return parts.filter(Boolean);
}

/** The text a feedback log is searched by besides its title (IDX-8): every entry's fields. */
export function feedbackSearchText(log: Pick<FeedbackLogData, 'entries'>): string {
  return log.entries.flatMap(feedbackEntrySearchFields).join('\n');
}

/**
 * The text minutes are searched by besides their title (IDX-8): place, chair, recorder, lecturer,
 * agenda, votes' motions, decisions, action items and the body, one field a line.
 */
export function minutesSearchText(
  m: Pick<
    MinutesData,
    | 'place'
    | 'chair'
    | 'recorder'
    | 'lecturer'
    | 'agenda'
    | 'votes'
    | 'decisions'
    | 'actionItems'
    | 'bodyText'
  >,
): string {
  const parts: string[] = [m.place, m.chair?.name ?? '', m.recorder?.name ?? ''];
  parts.push(m.lecturer?.name ?? '');
  for (const a of m.agenda) parts.push(a.title);
  for (const v of m.votes) parts.push(v.motion);
  for (const d of m.decisions) parts.push(d.text);
  for (const a of m.actionItems) parts.push(a.what, a.owner?.name ?? '');
  parts.push(...m.bodyText.split('\n'));
  return parts.filter((p) => p.trim() !== '').join('\n');
}

/**
 * The text a plan is searched by besides its title (IDX-8): village, phases' titles and goals,
 * tasks' titles, owners and notes (unassigned ones too) and the notes, one field a line.
 */
export function planSearchText(
  p: Pick<PlanData, 'village' | 'phases' | 'unassigned' | 'notesText'>,
): string {
  const parts: string[] = [p.village];
  const tasks = (list: PlanData['unassigned']) => {
    for (const t of list) parts.push(t.title, t.owner?.name ?? '', ...t.notes.split('\n'));
  };
  for (const phase of p.phases) {
    parts.push(phase.title, ...phase.goals.split('\n'));
    tasks(phase.tasks);
  }
  tasks(p.unassigned);
  parts.push(...p.notesText.split('\n'));
  return parts.filter((part) => part.trim() !== '').join('\n');
}

/**
 * The document list (IDX-8): every word of the query must appear in the title or the doc's
 * searchable text (as `matchesQuery` matches: Uyghur, Chinese and English alike); `kind`
 * filters; archived docs go to their own section, shown when searching or when asked for. Pure
 * and linear in the number of docs.
 */
export function docList(
  entries: readonly IndexEntry[],
  query: DocListQuery,
  detailOf: (docId: string) => DocListDetail | undefined,
): DocList {
  const q = compileQuery(query.text);
  const isSearching = !isEmptyQuery(q);
  const pinned: DocListItem[] = [];
  const archived: DocListItem[] = [];
  const minutes: DocListItem[] = [];
  let hiddenArchived = 0;
  for (const entry of entries) {
    if (query.kind !== 'all' && entry.kind !== query.kind) continue;
    const detail = detailOf(entry.id);
    let snippet: SearchSnippet | null = null;
    if (isSearching) {
      const text = detail?.key ?? searchKey(detail?.text ?? '');
      const titleKey = searchKey(entry.title);
      if (!matchesKey(`${titleKey}\n${text}`, q)) continue;
      if (detail?.text) snippet = searchSnippet(detail.text, q, titleKey, text);
    }
    const item: DocListItem = { ...entry, at: detail?.at ?? entry.createdAt };
    if (detail?.isDraft) item.isDraft = true;
    if (snippet) item.snippet = snippet;
    if (entry.archived) {
      if (isSearching || query.showArchived) archived.push(item);
      else hiddenArchived++;
    } else if (entry.kind === 'minutes') minutes.push(item);
    else pinned.push(item);
  }
  const newestFirst = (a: DocListItem, b: DocListItem) =>
    b.at - a.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const rank = (k: DocKind) => {
    const i = PINNED_KINDS.indexOf(k);
    return i < 0 ? PINNED_KINDS.length : i;
  };
  pinned.sort((a, b) => rank(a.kind) - rank(b.kind) || newestFirst(a, b));
  minutes.sort(newestFirst);
  archived.sort(newestFirst);
  const months: DocList['months'] = [];
  for (const item of minutes) {
    const month = periodOf('month', item.at).key;
    const last = months[months.length - 1];
    if (last?.month === month) last.docs.push(item);
    else months.push({ month, docs: [item] });
  }
  return {
    pinned,
    months,
    archived,
    shown: pinned.length + minutes.length + archived.length,
    hiddenArchived,
  };
}
