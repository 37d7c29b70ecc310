import type { MessageKey } from '@grassroots/shared';
import {
  createEffect,
  createMemo,
  createSignal,
  createUniqueId,
  For,
  type JSX,
  onMount,
  Show,
} from 'solid-js';
import { Attachments } from '../attachments/Attachments.tsx';
import { useComments } from '../comments/CommentsContext.tsx';
import { ItemCommentButton } from '../comments/CommentsPanel.tsx';
import { createOpRunner, OpError, SelectInput, TextInput } from '../components/fields.tsx';
import { focusWhenShown } from '../components/focusWhenShown.ts';
import { PresenceBar } from '../components/PresenceBar.tsx';
import { ScrollRegion } from '../components/ScrollRegion.tsx';
import { Sentence } from '../components/Sentence.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { beijingDay, formatBeijingDateTime } from '../i18n/time.ts';
import { dueAtOf, isOverdue, isResolvedLate } from '../model/ageing.ts';
import {
  type AgeingItem,
  addEntry,
  addResponse,
  ageFeedback,
  compileQuery,
  correctEntry,
  DAY_MS,
  DomainError,
  dueAtOfDay,
  FEEDBACK_CATEGORIES,
  FEEDBACK_CHANNELS,
  FEEDBACK_STATUSES,
  type FeedbackCategory,
  type FeedbackChannel,
  type FeedbackEntry,
  type FeedbackStatus,
  feedbackEntrySearchFields,
  feedbackEvents,
  Limits,
  ledgerDays,
  matchesKey,
  moveStatus,
  readFeedbackLog,
  receivedAtOfDay,
  relayEntry,
  searchKey,
  URGENCIES,
  URGENCY_ALLOWANCE_MS,
  type Urgency,
} from '../model/domain.ts';
import { createDocProjection } from '../projection/createDocProjection.ts';
import { hrefOf } from '../routing/routes.ts';
import { createDraft, draftKey, hasDraft } from '../sync/createDraft.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import type { EditorProps } from './editorProps.ts';

/** A next step of a case that needs words: its own form (FB-12). */
type Step = 'answer-back' | 'relay' | 'respond' | 'move-back';
const STEPS: readonly Step[] = ['answer-back', 'relay', 'respond', 'move-back'];
const STEP_LABELS = {
  'answer-back': 'fb.answerBack',
  relay: 'fb.relay',
  respond: 'fb.respond',
  'move-back': 'fb.moveBack',
} as const satisfies Record<Step, MessageKey>;

/** 民情日志: a ledger of requests with filters, an entry form and the handling timeline. */
export default function FeedbackEditor(props: EditorProps): JSX.Element {
  const { docTitle, t, label } = useI18n();
  const doc = props.session.synced.doc;
  const ws = useWorkspace();
  const log = createDocProjection(doc, readFeedbackLog);
  const op = createOpRunner();
  const ro = () => !props.canEdit;
  const comments = useComments();
  const me = () => ({ name: props.user.name, memberId: props.user.memberId });
  const [status, setStatus] = createSignal('');
  const [category, setCategory] = createSignal('');
  const [onlyOverdue, setOnlyOverdue] = createSignal(false);
  // Opened from a search of the document list: its entries are filtered by those words.
  const [query, setQuery] = createSignal(props.find ?? '');
  const [open, setOpen] = createSignal<string | null>(null);
  const [isFormOpen, setFormOpen] = createSignal(false);
  /** The request just registered, said where the form was: the new row may be out of sight. */
  const [justSaved, setJustSaved] = createSignal<string | null>(null);
  let newEntryButton: HTMLButtonElement | undefined;
  /** The form was opened with its button (not restored with a draft on load): focus goes in. */
  let isOpenedByButton = false;
  /** Closes the entry form; focus goes back to the button that opens it, where it was before. */
  const closeForm = () => {
    setFormOpen(false);
    newEntryButton?.focus();
  };
  const now = Date.now();
  /** Each entry's text in search form, made again only when the log changes (SEARCH-2). */
  const searchKeys = createMemo(
    () =>
      new Map(log.entries.map((e) => [e.id, searchKey(feedbackEntrySearchFields(e).join('\n'))])),
  );
  /**
   * The document list matched its search against the log's title and all entries together: the
   * words of it that no entry holds are dropped, and when the rest together find no entry, the
   * first word that does is kept, so the log never opens empty with a search that found it.
   */
  const findInEntries = (find: string): string => {
    const keys = [...searchKeys().values()];
    const finds = (text: string) => {
      const q = compileQuery(text);
      return keys.some((key) => matchesKey(key, q));
    };
    const words = find.split(/\s+/).filter((w) => w !== '' && finds(w));
    return finds(words.join(' ')) ? words.join(' ') : (words[0] ?? '');
  };
  let isFindApplied = false;
  createEffect(() => {
    if (isFindApplied || !props.find || log.entries.length === 0) return;
    isFindApplied = true;
    setQuery(findInEntries(props.find));
  });
  // Opened for one entry (a ledger row, the dashboard): it is shown open, whatever the filters,
  // and scrolled to once the log has it; a later address for another entry shows that one.
  let shownEntry: string | undefined;
  createEffect(() => {
    const id = props.entry;
    if (!id || id === shownEntry || !log.entries.some((e) => e.id === id)) return;
    shownEntry = id;
    setStatus('');
    setCategory('');
    setOnlyOverdue(false);
    setQuery('');
    setOpen(id);
    // Two frames on: a link opens its page at the top in the next frame (createHashRoute), and
    // that must not undo this.
    const reveal = () => {
      const row = document.querySelector<HTMLElement>(
        `.entry-row[data-entry-id="${CSS.escape(id)}"]`,
      );
      row?.scrollIntoView({ block: 'start' });
      row?.querySelector<HTMLElement>('.fb-open')?.focus({ preventScroll: true });
    };
    requestAnimationFrame(() => requestAnimationFrame(reveal));
  });
  const compiledQuery = createMemo(() => compileQuery(query()));
  /**
   * AGE-2 flags by entry: overdue and unresolved, or resolved and not answered back in time.
   * 只看逾期 lists both, as the dashboard's 需要关注的民情 counts them (it said 16 where the log
   * found 9).
   */
  const flags = createMemo(
    () => new Map<string, AgeingItem>(ageFeedback(log.entries, now).map((i) => [i.entryId, i])),
  );
  const visible = createMemo(() => {
    const q = compiledQuery();
    const keys = searchKeys();
    return log.entries.filter(
      (e) =>
        (!status() || e.status === status()) &&
        (!category() || e.category === category()) &&
        (!onlyOverdue() || flags().has(e.id)) &&
        matchesKey(keys.get(e.id) ?? '', q),
    );
  });
  const rankOf = (s: FeedbackStatus) => FEEDBACK_STATUSES.indexOf(s);
  /** The statuses an entry can move on to (FB-4, FB-5: answering back only once resolved). */
  const nextStatuses = (e: FeedbackEntry) =>
    FEEDBACK_STATUSES.filter(
      (s) => rankOf(s) > rankOf(e.status) && (s !== 'answered-back' || e.status === 'resolved'),
    );
  /** The statuses an entry can be moved back to, with a note saying why (FB-4). */
  const earlierStatuses = (e: FeedbackEntry) =>
    FEEDBACK_STATUSES.filter((s) => rankOf(s) < rankOf(e.status));
  /** An empty request is said, not silently ignored. */
  const requireSummary = (text: string): boolean => {
    if (text.trim() !== '') return true;
    op.run(() => {
      throw new DomainError('invalid', 'summary is required', 'summaryRequired');
    });
    return false;
  };

  /** Drafts of this log's forms are kept per workspace and log (LOCAL-5). */
  const formDraftKey = (form: string) => draftKey(ws.entry.id, props.docId, form);
  const EMPTY_ENTRY = {
    day: beijingDay(Date.now()),
    time: '',
    source: '',
    channel: 'home-visit',
    category: 'livelihood',
    urgency: 'normal',
    due: '',
    summary: '',
  };
  const entryDraft = createDraft(formDraftKey('entry'), EMPTY_ENTRY);
  // A half-typed entry from before a reload is shown at once.
  if (entryDraft.hasContent()) setFormOpen(true);

  /** The urgency's allowance, said as the hint of a 办理时限 left empty (AGE-1). */
  const dueRules = () =>
    URGENCIES.map((u) =>
      t('fb.dueRule', { urgency: label('urgency', u), n: URGENCY_ALLOWANCE_MS[u] / DAY_MS }),
    ).join(t('common.comma'));
  /**
   * What registers a request, in the new-entry form and in a correction (FB-8): source,
   * channel, category, urgency, a 办理时限 typed as a day (empty: the urgency decides; its hint
   * is read after the field's name, not as part of it) and the request itself. `fixedDue`: a
   * resolved entry's due day, shown locked with its urgency (`dueOfClosed`).
   */
  const RegistrationFields = (p: {
    get: (field: RegistrationField) => string;
    set: (field: RegistrationField, value: string) => void;
    dueMin: string;
    fixedDue?: string;
  }): JSX.Element => {
    const hint = createUniqueId();
    const isFixed = () => p.fixedDue !== undefined;
    return (
      <>
        <TextInput
          label={t('fb.source')}
          name="source"
          maxLength={Limits.sourceChars}
          value={p.get('source')}
          onCommit={(v) => p.set('source', v)}
        />
        <SelectInput
          label={t('fb.channel')}
          name="channel"
          value={p.get('channel')}
          options={FEEDBACK_CHANNELS.map((c) => ({ value: c, label: label('feedbackChannel', c) }))}
          onChange={(v) => p.set('channel', v)}
        />
        <SelectInput
          label={t('fb.category')}
          name="category"
          value={p.get('category')}
          options={FEEDBACK_CATEGORIES.map((c) => ({
            value: c,
            label: label('feedbackCategory', c),
          }))}
          onChange={(v) => p.set('category', v)}
        />
        <SelectInput
          label={t('fb.urgency')}
          name="urgency"
          value={p.get('urgency')}
          isReadOnly={isFixed()}
          options={URGENCIES.map((u) => ({ value: u, label: label('urgency', u) }))}
          onChange={(v) => p.set('urgency', v)}
        />
        <div class="field">
          <label class="field">
            <span>{t('fb.dueDay')}</span>
            <input
              type="date"
              name="dueDay"
              value={p.fixedDue ?? p.get('due')}
              min={p.dueMin}
              disabled={isFixed()}
              aria-describedby={hint}
              onInput={(e) => p.set('due', e.currentTarget.value)}
            />
          </label>
          <span id={hint} class="small muted">
            {isFixed() ? t('fb.dueFixed') : t('fb.dueDayHint', { rules: dueRules() })}
          </span>
        </div>
        <TextInput
          class="wide"
          isMultiline
          label={t('fb.summary')}
          name="summary"
          maxLength={Limits.summaryChars}
          value={p.get('summary')}
          onCommit={(v) => p.set('summary', v)}
        />
      </>
    );
  };

  const NewEntryForm = (): JSX.Element => {
    const d = entryDraft;
    const timeHint = createUniqueId();
    let form!: HTMLFormElement;
    onMount(() => {
      if (isOpenedByButton) form.querySelector<HTMLElement>('input, select, textarea')?.focus();
    });
    return (
      <form
        ref={form}
        class="panel form"
        aria-label={t('fb.newEntry')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!requireSummary(d.get('summary'))) return;
          const isSaved = op.run(() =>
            addEntry(doc, {
              receivedAt: receivedAtOfDay(d.get('day'), Date.now(), d.get('time')),
              source: d.get('source') || null,
              channel: d.get('channel') as FeedbackChannel,
              category: d.get('category') as FeedbackCategory,
              urgency: d.get('urgency') as Urgency,
              dueAt: dueAtOfDay(d.get('due')),
              summary: d.get('summary').trim(),
              recordedBy: me(),
            }),
          );
          if (!isSaved) return;
          setJustSaved(d.get('summary').trim());
          d.clear();
          closeForm();
        }}
      >
        <div class="fields">
          <label class="field">
            <span>{t('fb.receivedAt')}</span>
            <input
              type="date"
              name="receivedAt"
              value={d.get('day')}
              max={beijingDay(Date.now())}
              onInput={(e) => d.set('day', e.currentTarget.value)}
            />
          </label>
          <div class="field">
            <label class="field">
              <span>{t('fb.receivedTime')}</span>
              <input
                type="time"
                name="receivedTime"
                value={d.get('time')}
                aria-describedby={timeHint}
                onInput={(e) => d.set('time', e.currentTarget.value)}
              />
            </label>
            <span id={timeHint} class="small muted">
              {t('fb.receivedTimeHint')}
            </span>
          </div>
          <RegistrationFields
            get={(k) => d.get(k)}
            set={(k, v) => d.set(k, v)}
            dueMin={d.get('day')}
          />
        </div>
        <div class="btn-row">
          <button type="submit" class="btn primary">
            {t('common.save')}
          </button>
          <button
            type="button"
            class="btn"
            onClick={() => {
              // Cancelling is the person discarding what they typed.
              d.clear();
              closeForm();
            }}
          >
            {t('common.cancel')}
          </button>
        </div>
      </form>
    );
  };

  /** The registration of a saved entry as form fields (FB-8). */
  const correctionFields = (e: FeedbackEntry) => ({
    source: e.source ?? '',
    channel: e.channel as string,
    category: e.category as string,
    urgency: e.urgency as string,
    due: e.dueAt === null ? '' : beijingDay(e.dueAt),
    summary: e.summary,
  });
  type RegistrationField = keyof ReturnType<typeof correctionFields>;
  const correctionKey = (id: string) => formDraftKey(`correct:${id}`);

  /**
   * Corrects a saved entry's registration; its status history stays as it is (FB-8). The draft
   * keeps each field's value as the person found it (`was:…`) beside what they typed: only a
   * field they changed is written, and a field they left alone shows the entry as it is now
   * when the draft comes back (someone else may have corrected it meanwhile).
   */
  const CorrectEntryForm = (p: { entry: FeedbackEntry; onDone: () => void }): JSX.Element => {
    const now = correctionFields(p.entry);
    const keys = Object.keys(now) as RegistrationField[];
    const initial: Record<string, string> = { ...now };
    for (const k of keys) initial[`was:${k}`] = now[k];
    const d = createDraft(correctionKey(p.entry.id), initial);
    /** A field the person changed from the value they found. */
    const changed = (k: RegistrationField) => d.get(k) !== d.get(`was:${k}`);
    for (const k of keys) {
      if (!changed(k) && d.get(k) !== now[k]) {
        d.set(`was:${k}`, now[k]);
        d.set(k, now[k]);
      }
    }
    const isClosed = p.entry.status === 'resolved' || p.entry.status === 'answered-back';
    let form!: HTMLFormElement;
    onMount(() => form.querySelector<HTMLElement>('input, select, textarea')?.focus());
    const done = () => {
      d.clear();
      p.onDone();
    };
    return (
      <form
        ref={form}
        class="panel form fb-correct"
        aria-label={t('fb.editEntryTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          if (!requireSummary(d.get('summary'))) return;
          const isSaved = op.run(() =>
            correctEntry(doc, p.entry.id, {
              ...(changed('summary') ? { summary: d.get('summary').trim() } : {}),
              ...(changed('source') ? { source: d.get('source') || null } : {}),
              ...(changed('channel') ? { channel: d.get('channel') as FeedbackChannel } : {}),
              ...(changed('category') ? { category: d.get('category') as FeedbackCategory } : {}),
              ...(changed('urgency') ? { urgency: d.get('urgency') as Urgency } : {}),
              ...(changed('due') ? { dueAt: dueAtOfDay(d.get('due')) } : {}),
            }),
          );
          if (isSaved) done();
        }}
      >
        <div class="fields">
          <RegistrationFields
            get={(k) => d.get(k)}
            set={(k, v) => d.set(k, v)}
            dueMin={beijingDay(p.entry.receivedAt)}
            fixedDue={isClosed ? beijingDay(dueAtOf(p.entry)) : undefined}
          />
        </div>
        <div class="btn-row">
          <button type="submit" class="btn primary">
            {t('common.save')}
          </button>
          <button type="button" class="btn" onClick={done}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    );
  };

  /** Submit and cancel of a step's form (FB-12). */
  const StepButtons = (p: { label: string; onCancel: () => void }): JSX.Element => (
    <div class="btn-row">
      <button type="submit" class="btn small primary">
        {p.label}
      </button>
      <button type="button" class="btn small" onClick={() => p.onCancel()}>
        {t('common.cancel')}
      </button>
    </div>
  );

  const EntryDetails = (p: { entry: FeedbackEntry }): JSX.Element => {
    // A correction half typed before a reload is shown again at once.
    const [isCorrecting, setCorrecting] = createSignal(hasDraft(correctionKey(p.entry.id)));
    let correctButton: HTMLButtonElement | undefined;
    /** The form is closed: focus goes back to the button that opens it. */
    const endCorrecting = () => {
      setCorrecting(false);
      correctButton?.focus();
    };
    const draftKeys: Record<Step, string> = {
      'answer-back': formDraftKey(`visit:${p.entry.id}`),
      'move-back': formDraftKey(`back:${p.entry.id}`),
      relay: formDraftKey(`relay:${p.entry.id}`),
      respond: formDraftKey(`response:${p.entry.id}`),
    };
    const relay = createDraft(draftKeys.relay, { to: '' });
    const reply = createDraft(draftKeys.respond, { text: '' });
    const back = createDraft(draftKeys['move-back'], { to: '', note: '' });
    const visit = createDraft(draftKeys['answer-back'], { note: '' });
    const drafts = { 'answer-back': visit, 'move-back': back, relay, respond: reply } as const;
    const [visitError, setVisitError] = createSignal(false);
    // FB-12: which step's form is open; a step with a half-typed draft opens as it was left.
    const canRelay = () => p.entry.status !== 'resolved' && p.entry.status !== 'answered-back';
    const steps = (): Step[] => [
      ...(canAnswerBack() ? (['answer-back'] as const) : []),
      ...(canRelay() ? (['relay'] as const) : []),
      'respond',
      ...(earlierStatuses(p.entry).length > 0 ? (['move-back'] as const) : []),
    ];
    const [step, setStep] = createSignal<Step | null>(
      STEPS.find((s) => hasDraft(draftKeys[s])) ?? null,
    );
    const stepId = createUniqueId();
    const openStep = (s: Step | null) => {
      setStep(s);
      setVisitError(false);
      if (s !== null) focusWhenShown([`#${stepId}-${s} :is(input, select, textarea)`]);
    };
    /** A step done or cancelled: its form closes and focus goes back to its button. */
    const closeStep = (s: Step) => {
      setStep(null);
      focusWhenShown([`button[aria-controls="${stepId}-${s}"]`]);
    };
    /** Cancelled: what was typed goes with the form. */
    const cancelStep = (s: Step) => {
      drafts[s].clear();
      setVisitError(false);
      closeStep(s);
    };
    /**
     * A step's form, shown while its step is open (and `when` holds); `submit` says whether the
     * step was done, which clears its draft and closes it. `after` goes below its buttons.
     */
    const StepForm = (f: {
      step: Step;
      when?: boolean;
      submit: () => boolean;
      children: JSX.Element;
      after?: JSX.Element;
    }): JSX.Element => (
      <Show when={step() === f.step && (f.when ?? true)}>
        <form
          id={`${stepId}-${f.step}`}
          class={`form inline-form fb-step fb-${f.step}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (!f.submit()) return;
            drafts[f.step].clear();
            closeStep(f.step);
          }}
        >
          {f.children}
          <StepButtons label={t(STEP_LABELS[f.step])} onCancel={() => cancelStep(f.step)} />
          {f.after}
        </form>
      </Show>
    );
    // FB-9: 交办 goes through its form, which names the department; 回访 through its own, which
    // says how the visit went. A bare status button for either left a 办理单 with neither.
    const plainMoves = () =>
      nextStatuses(p.entry).filter((s) => s !== 'relayed' && s !== 'answered-back');
    const canAnswerBack = () => nextStatuses(p.entry).includes('answered-back');
    const timeline = () =>
      feedbackEvents(p.entry).map((x) => {
        // What someone wrote (why a case moved back, FB-4; how a visit went; a response) goes on
        // a line of its own, in its own direction: set in a sentence of the other language, a
        // Uyghur note broke across lines with its bracket on the wrong side.
        const line: { template: string; params: Record<string, string>; note: string } =
          x.kind === 'status'
            ? {
                template: t('fb.statusTo'),
                params: { status: label('feedbackStatus', x.to) },
                note: x.note,
              }
            : x.kind === 'relay'
              ? { template: t('fb.relayedTo'), params: { to: x.to }, note: x.note }
              : { template: t('fb.responseHeading'), params: {}, note: x.text };
        return { ...line, at: x.at, by: x.by?.name ?? '' };
      });
    return (
      <div class="entry-details">
        <p dir="auto">{p.entry.summary}</p>
        <p class="small muted entry-facts">
          {[
            label('feedbackChannel', p.entry.channel),
            label('feedbackCategory', p.entry.category),
            label('urgency', p.entry.urgency),
            t('fb.dueAt', { date: beijingDay(dueAtOf(p.entry)) }) +
              (p.entry.dueAt === null ? '' : t('fb.dueByHand')),
          ].join(' · ')}
        </p>
        <Show when={!ro()}>
          <Show
            when={isCorrecting()}
            fallback={
              <p>
                <button
                  ref={correctButton}
                  type="button"
                  class="btn small"
                  data-action="correct-entry"
                  onClick={() => setCorrecting(true)}
                >
                  {t('fb.editEntry')}
                </button>
              </p>
            }
          >
            <CorrectEntryForm entry={p.entry} onDone={endCorrecting} />
          </Show>
        </Show>
        <h3>
          {t('fb.timeline')} <span class="small muted">{t('badge.timeZone')}</span>
        </h3>
        <ol class="timeline">
          <For each={timeline()}>
            {(x) => (
              <li class="small">
                <bdi dir="ltr" class="muted">
                  {formatBeijingDateTime(x.at)}
                </bdi>{' '}
                <Sentence template={x.template} params={x.params} />{' '}
                <bdi class="muted whole timeline-by">{x.by}</bdi>
                <Show when={x.note.trim()}>
                  <p class="timeline-note" dir="auto">
                    {x.note}
                  </p>
                </Show>
              </li>
            )}
          </For>
        </ol>
        <Attachments doc={doc} target={p.entry.id} canEdit={!ro()} by={me()} />
        <p>
          <a
            class="btn small"
            data-action="print-slip"
            href={hrefOf({
              name: 'print',
              workspaceId: ws.entry.id,
              docId: props.docId,
              entryId: p.entry.id,
            })}
          >
            {t('fb.printSlip')}
          </a>
        </p>
        <Show when={!ro()}>
          {/* FB-12: the next steps are one row of buttons; a step that needs words opens its
              own form below it, one at a time (on a phone, four forms were four screens). */}
          <h3>{t('fb.nextStep')}</h3>
          <div class="btn-row fb-steps">
            <For each={plainMoves()}>
              {(s) => (
                <button
                  type="button"
                  class="btn small"
                  onClick={() => op.run(() => moveStatus(doc, p.entry.id, s, { by: me() }))}
                >
                  {t('fb.moveTo', { status: label('feedbackStatus', s) })}
                </button>
              )}
            </For>
            <For each={steps()}>
              {(s) => (
                <button
                  type="button"
                  class="btn small"
                  name={`step-${s}`}
                  aria-expanded={step() === s}
                  aria-controls={`${stepId}-${s}`}
                  onClick={() => openStep(step() === s ? null : s)}
                >
                  {t(STEP_LABELS[s])}
                </button>
              )}
            </For>
          </div>
          <StepForm
            step="answer-back"
            when={canAnswerBack()}
            submit={() => {
              const note = visit.get('note').trim();
              setVisitError(note === '');
              return (
                note !== '' &&
                op.run(() => moveStatus(doc, p.entry.id, 'answered-back', { by: me(), note }))
              );
            }}
            after={
              <Show when={visitError()}>
                <p class="error" role="alert">
                  {t('fb.answerBackNoteRequired')}
                </p>
              </Show>
            }
          >
            <TextInput
              label={t('fb.answerBackNote')}
              name="answerBackNote"
              maxLength={Limits.noteChars}
              value={visit.get('note')}
              onCommit={(v) => visit.set('note', v)}
            />
          </StepForm>
          <StepForm
            step="move-back"
            when={earlierStatuses(p.entry).length > 0}
            submit={() => {
              const to = (back.get('to') || earlierStatuses(p.entry).at(-1)) as FeedbackStatus;
              const note = back.get('note').trim();
              return op.run(() => moveStatus(doc, p.entry.id, to, { by: me(), note }));
            }}
          >
            <SelectInput
              label={t('fb.moveBackTo')}
              name="moveBackTo"
              value={back.get('to') || (earlierStatuses(p.entry).at(-1) ?? '')}
              options={earlierStatuses(p.entry).map((s) => ({
                value: s,
                label: label('feedbackStatus', s),
              }))}
              onChange={(v) => back.set('to', v)}
            />
            <TextInput
              label={t('fb.moveBackWhy')}
              name="moveBackNote"
              maxLength={Limits.noteChars}
              value={back.get('note')}
              onCommit={(v) => back.set('note', v)}
            />
          </StepForm>
          <StepForm
            step="relay"
            when={canRelay()}
            // An empty department is said next to the form (FB-6), not silently ignored.
            submit={() =>
              op.run(() => relayEntry(doc, p.entry.id, { to: relay.get('to'), by: me() }))
            }
          >
            <TextInput
              label={t('fb.relayTo')}
              name="relayTo"
              maxLength={Limits.departmentChars}
              value={relay.get('to')}
              onCommit={(v) => relay.set('to', v)}
            />
          </StepForm>
          <StepForm
            step="respond"
            submit={() =>
              op.run(() => addResponse(doc, p.entry.id, { text: reply.get('text'), by: me() }))
            }
          >
            <TextInput
              label={t('fb.responseText')}
              name="responseText"
              maxLength={Limits.responseChars}
              value={reply.get('text')}
              onCommit={(v) => reply.set('text', v)}
            />
          </StepForm>
        </Show>
      </div>
    );
  };

  return (
    <article class="editor feedback-editor" classList={{ 'is-record': ro() }}>
      <PresenceBar awareness={props.session.awareness} />
      <h1>
        {/* A title nobody typed (2026年民情日志) is said in the reader's language (I18N-5). */}
        <bdi>{log.title.trim() ? docTitle(log.title) : t('fb.title')}</bdi>
      </h1>
      <OpError op={op} />
      <Show when={!ro()}>
        <Show
          when={isFormOpen()}
          fallback={
            <button
              type="button"
              class="btn primary fb-new-entry"
              ref={newEntryButton}
              onClick={() => {
                isOpenedByButton = true;
                setJustSaved(null);
                setFormOpen(true);
              }}
            >
              {t('fb.newEntry')}
            </button>
          }
        >
          <NewEntryForm />
        </Show>
        <p class="small fb-saved" role="status" data-saved-entry={justSaved() ?? ''}>
          <Show when={justSaved()}>
            {(summary) => (
              <Sentence template={t('fb.entrySaved')} params={{ summary: summary() }} />
            )}
          </Show>
        </p>
      </Show>
      <section class="panel filters" aria-label={t('fb.filters')}>
        <label class="field fb-search">
          <span>{t('common.search')}</span>
          <input
            dir="auto"
            type="search"
            placeholder={t('fb.searchPlaceholder')}
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        <SelectInput
          label={t('common.status')}
          value={status()}
          options={[
            { value: '', label: t('common.all') },
            ...FEEDBACK_STATUSES.map((s) => ({ value: s, label: label('feedbackStatus', s) })),
          ]}
          onChange={setStatus}
        />
        <SelectInput
          label={t('fb.category')}
          value={category()}
          options={[
            { value: '', label: t('common.all') },
            ...FEEDBACK_CATEGORIES.map((c) => ({ value: c, label: label('feedbackCategory', c) })),
          ]}
          onChange={setCategory}
        />
        <label class="check">
          <input
            type="checkbox"
            checked={onlyOverdue()}
            onChange={(e) => setOnlyOverdue(e.currentTarget.checked)}
          />
          {t('fb.overdue')}
        </label>
      </section>
      <p class="small muted">
        {t('fb.count', { n: visible().length })} · {t('fb.datesInBeijingTime')}
      </p>
      <Show
        when={visible().length > 0}
        fallback={
          // A new log has nothing to match yet: say how it starts, not that a filter found nothing.
          <p class="empty" data-empty={log.entries.length === 0 ? 'log' : 'filter'}>
            {t(
              log.entries.length > 0
                ? 'fb.noEntries'
                : props.canEdit
                  ? 'fb.emptyLog'
                  : 'fb.emptyLogReadOnly',
            )}
          </p>
        }
      >
        <ScrollRegion label={t('fb.title')}>
          <table class="fb-table">
            <thead>
              <tr>
                <th>{t('fb.receivedAt')}</th>
                <th>{t('fb.summary')}</th>
                <th>{t('fb.category')}</th>
                <th>{t('common.status')}</th>
              </tr>
            </thead>
            <tbody>
              <For each={visible()}>
                {(e) => (
                  <>
                    <tr
                      class="entry-row"
                      data-entry-id={e.id}
                      classList={{ 'is-open': open() === e.id }}
                    >
                      <td class="fb-date">{beijingDay(e.receivedAt)}</td>
                      <td class="fb-summary">
                        <button
                          type="button"
                          class="btn-link fb-open"
                          aria-expanded={open() === e.id}
                          onClick={() => setOpen(open() === e.id ? null : e.id)}
                        >
                          <bdi>{e.summary}</bdi>
                        </button>
                        <Show when={e.source}>
                          <span class="muted small fb-source">
                            <span class="fb-source-dot">{' · '}</span>
                            <bdi>{e.source}</bdi>
                          </span>
                        </Show>{' '}
                        <ItemCommentButton comments={comments} itemId={e.id} label={e.summary} />
                      </td>
                      <td class="fb-category">{label('feedbackCategory', e.category)}</td>
                      <td class="fb-status">
                        <Show when={e.urgency === 'urgent'}>
                          <span class="tag warn" data-urgent>
                            {label('urgency', 'urgent')}
                          </span>{' '}
                        </Show>
                        <span class="tag" data-status={e.status}>
                          {label('feedbackStatus', e.status)}
                        </span>
                        <Show when={isOverdue(e, now)}>
                          {' '}
                          <span
                            class="tag bad"
                            data-overdue-days={ledgerDays(dueAtOf(e), now)}
                            title={t('fb.dueAt', { date: beijingDay(dueAtOf(e)) })}
                          >
                            {t('dash.ageDays', { days: ledgerDays(dueAtOf(e), now) })}
                          </span>
                        </Show>
                        <Show when={e.status === 'resolved'}>
                          {' '}
                          <Show
                            when={
                              flags().get(e.id)?.flag === 'not-answered-back' && flags().get(e.id)
                            }
                            fallback={
                              <span class="tag warn" data-awaiting-visit>
                                {t('fb.awaitingVisit')}
                              </span>
                            }
                          >
                            {(item) => (
                              <span
                                class="tag bad"
                                data-awaiting-visit
                                data-visit-overdue-days={ledgerDays(item().deadline, now)}
                              >
                                {t('dash.visitAgeDays', { days: ledgerDays(item().deadline, now) })}
                              </span>
                            )}
                          </Show>
                        </Show>
                        <Show when={isResolvedLate(e)}>
                          {' '}
                          <span
                            class="tag warn"
                            data-resolved-late
                            title={t('fb.dueAt', { date: beijingDay(dueAtOf(e)) })}
                          >
                            {t('fb.isResolvedLate')}
                          </span>
                        </Show>
                      </td>
                    </tr>
                    <Show when={open() === e.id}>
                      <tr class="entry-details-row">
                        <td colSpan={4}>
                          <EntryDetails entry={e} />
                        </td>
                      </tr>
                    </Show>
                  </>
                )}
              </For>
            </tbody>
          </table>
        </ScrollRegion>
      </Show>
    </article>
  );
}

export type { FeedbackStatus };
