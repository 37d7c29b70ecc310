import { joinSentences, type MessageKey } from '@grassroots/shared';
import { createSignal, For, type JSX, Show } from 'solid-js';
import { PublishToBoard } from '../board/PublishToBoard.tsx';
import { CaseStateTag } from '../components/CaseStateTag.tsx';
import { Day } from '../components/Day.tsx';
import { createOpRunner, DateInput, OpError, SelectInput } from '../components/fields.tsx';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { publicationPlace } from '../i18n/place.ts';
import { beijingDay } from '../i18n/time.ts';
import {
  addDecisionCase,
  type DecisionCase,
  decisionSnapshot,
  type MinutesData,
  PUBLIC_STEPS,
  PublicLimits,
  type PublicStep,
  type RosterData,
  recordPublication,
  removePublication,
  startOfBeijingDate,
  type Tally,
  traceDecisionCase,
  type VoteCheck,
} from '../model/domain.ts';
import { hrefOf } from '../routing/routes.ts';
import { safeReadIndex, useWorkspace } from '../WorkspaceContext.tsx';

/**
 * The workspace's 四议两公开 cases: each traced through the meetings whose decisions are linked to
 * it and through its publications, with the problems the trace finds; new cases and
 * publications are recorded here.
 */
export function DecisionCasesPanel(props: {
  meetings: () => readonly { docId: string; data: MinutesData }[];
  /** The roster, so votes are counted against each meeting's 应到. */
  roster: () => RosterData | null;
}): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const op = createOpRunner();
  const [title, setTitle] = createSignal('');
  return (
    <section class="panel cases" aria-labelledby="dash-cases">
      <h2 id="dash-cases">{t('case.title')}</h2>
      <p class="small muted">{t('case.hint')}</p>
      <Show when={ws.index.cases.length > 0} fallback={<p class="empty">{t('case.none')}</p>}>
        <ul class="plain-list case-list">
          <For each={ws.index.cases}>
            {(c) => <CaseTrace decisionCase={c} meetings={props.meetings} roster={props.roster} />}
          </For>
        </ul>
      </Show>
      <Show when={ws.can('write')}>
        <form
          class="form inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const text = title().trim();
            if (!text) return;
            op.run(() => addDecisionCase(ws.sync.indexDoc, { title: text }));
            setTitle('');
          }}
        >
          <label class="field">
            <span>{t('case.newTitle')}</span>
            <input
              dir="auto"
              name="caseTitle"
              value={title()}
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="btn">
            {t('case.add')}
          </button>
        </form>
      </Show>
      <OpError op={op} class="small" />
    </section>
  );
}

/**
 * A step's vote as the minutes editor states it (VOTE-1…4): the votes for against the base its
 * meeting's rule counts them from (党员大会: the members entitled to vote, not those present),
 * and how many were needed; the bare tally while the counts are unknown (VOTE-7).
 */
function TallyLine(props: { tally: Tally; check: VoteCheck | null }): JSX.Element {
  const { t } = useI18n();
  return (
    <Show
      when={props.check?.complete ? props.check.threshold : null}
      fallback={t('case.tally', { ...props.tally })}
    >
      {(th) => (
        // In JSX, so the line follows a change of language (Show runs its children untracked).
        <>
          {t(th().of === 'entitled' ? 'case.tallyOfEntitled' : 'case.tallyOfPresent', {
            for: th().for,
            base: th().base,
            required: th().required,
          })}
        </>
      )}
    </Show>
  );
}

function CaseTrace(props: {
  decisionCase: DecisionCase;
  meetings: () => readonly { docId: string; data: MinutesData }[];
  roster: () => RosterData | null;
}): JSX.Element {
  const { t, label } = useI18n();
  const ws = useWorkspace();
  const op = createOpRunner();
  const trace = () => traceDecisionCase(props.decisionCase, props.meetings(), props.roster());
  const [step, setStep] = createSignal<PublicStep>('resolution-public');
  const [day, setDay] = createSignal<string | null>(null);
  const [where, setWhere] = createSignal('');
  const [dayError, setDayError] = createSignal<string | null>(null);
  const [result, setResult] = createSignal('');
  const dayErrorId = () => `publicAt-error-${props.decisionCase.id}`;
  /** PUB-8: publishing records the publication steps only once the resolution has passed. */
  const isResolutionPassed = () =>
    trace().steps.some((s) => s.step === 'resolution' && s.done && s.passed === true);
  const docHref = (docId: string) => hrefOf({ name: 'doc', workspaceId: ws.entry.id, docId });
  return (
    <li class="case" data-case-id={props.decisionCase.id}>
      <h3>
        <bdi>{props.decisionCase.title}</bdi>
      </h3>
      <p class="small">
        <CaseStateTag trace={trace()} />
      </p>
      <ol class="case-steps">
        <For each={trace().steps}>
          {(s) => (
            <li class="case-step" data-step={s.step} data-done={s.done ? 'true' : 'false'}>
              <span class={`tag ${s.done ? 'ok' : ''}`}>{label('decisionStep', s.step)}</span>
              <Show
                when={s.done}
                fallback={<span class="muted small">{t('case.stepNotDone')}</span>}
              >
                <span class="small">
                  <Show when={s.at !== null}>
                    <Day at={s.at ?? 0} />{' '}
                  </Show>
                  <Show when={s.meetingType}>{(mt) => <>{label('meetingType', mt())} </>}</Show>
                  <Show when={s.isFinal === false}>
                    <span class="tag warn" data-record-state="draft">
                      {t('case.stepDraft')}
                    </span>{' '}
                  </Show>
                  <Show when={s.tally}>
                    {(tally) => (
                      <span data-tally>
                        <TallyLine tally={tally()} check={s.check} />{' '}
                      </span>
                    )}
                  </Show>
                  <Show when={s.passed !== null}>
                    <span class={`tag ${s.passed ? 'ok' : 'bad'}`}>
                      {s.passed ? t('case.passed') : t('case.rejected')}
                    </span>{' '}
                  </Show>
                  <Show when={s.docId === null ? s.where : null}>
                    {(w) => <bdi>{publicationPlace(w(), t)}</bdi>}
                  </Show>
                  <Show when={s.docId}>
                    {(docId) => <a href={docHref(docId())}>{t('case.openMeeting')}</a>}
                  </Show>
                </span>
              </Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={ws.can('write') && props.decisionCase.publications.length > 0}>
        <ul class="plain-list case-publications small">
          <For each={props.decisionCase.publications}>
            {(p) => (
              <li class="btn-row" data-publication-id={p.id}>
                <span>
                  {label('decisionStep', p.step)} <Day at={p.at} />{' '}
                  <bdi>{publicationPlace(p.where, t)}</bdi>
                </span>
                <button
                  type="button"
                  class="btn-link small remove-item"
                  name="removePublication"
                  aria-label={t('case.removePublicationNamed', {
                    step: label('decisionStep', p.step),
                  })}
                  onClick={() => {
                    const question = t('case.removePublicationConfirm', {
                      step: label('decisionStep', p.step),
                      day: beijingDay(p.at),
                    });
                    if (!confirm(question)) return;
                    op.run(() => removePublication(ws.sync.indexDoc, p.id));
                  }}
                >
                  {t('common.remove')}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={trace().issues.length > 0}>
        <div class="case-issues" role="note">
          <strong class="small">{t('case.issues')}</strong>
          <ul class="small warning">
            <For each={trace().issues}>
              {(issue) => (
                <li data-issue={issue.code}>
                  {t(`case.issue.${issue.code}` as MessageKey, {
                    step: label('decisionStep', issue.step),
                  })}
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>
      <Show when={ws.can('publish')}>
        <details class="case-board">
          <summary>{t('board.publishToBoard')}</summary>
          <PublishToBoard
            hint={joinSentences(
              t('board.decisionHint'),
              t(isResolutionPassed() ? 'board.recordsSteps' : 'board.recordsNoSteps'),
            )}
            prepare={() => {
              // The board is where the case is made public: its steps say so, dated now, unless
              // they are recorded already (a republish) or the resolution is not yet passed (PUB-8).
              const isDone = (step: string) => trace().steps.some((s) => s.step === step && s.done);
              if (!isResolutionPassed()) return undefined;
              const at = Date.now();
              const where = t('board.whereOnline');
              const added: string[] = [];
              const steps: PublicStep[] = ['resolution-public'];
              if (result().trim()) steps.push('result-public');
              for (const step of steps) {
                if (isDone(step)) continue;
                added.push(
                  recordPublication(ws.sync.indexDoc, props.decisionCase.id, { step, at, where }),
                );
              }
              return () => {
                for (const id of added) removePublication(ws.sync.indexDoc, id);
              };
            }}
            snapshot={() => {
              // Read from the doc itself: the projection shows what `prepare` just recorded
              // only a microtask later, and the board would say 尚未进行 of the steps it records.
              const fresh =
                safeReadIndex(ws.sync.indexDoc).cases.find((c) => c.id === props.decisionCase.id) ??
                props.decisionCase;
              const meetings = props.meetings();
              return decisionSnapshot(
                fresh,
                traceDecisionCase(fresh, meetings, props.roster()),
                meetings,
                result(),
              );
            }}
          >
            <label class="field">
              <span>{t('board.resultField')}</span>
              <textarea
                dir="auto"
                name="boardResult"
                rows={3}
                maxLength={PublicLimits.textChars}
                value={result()}
                onInput={(e) => setResult(e.currentTarget.value)}
              />
            </label>
          </PublishToBoard>
        </details>
      </Show>
      <Show when={ws.can('write')}>
        <details class="case-publish">
          <summary>{t('case.publish')}</summary>
          <form
            class="form"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              const d = day();
              if (!d || !where().trim()) return;
              // DEC-8: what has not been made public yet is not registered as if it had been.
              const today = beijingDay(Date.now());
              if (d > today) {
                setDayError(t('case.publishAtFuture', { today }));
                e.currentTarget.querySelector<HTMLInputElement>('input[name="publicAt"]')?.focus();
                return;
              }
              const saved = op.run(() =>
                recordPublication(ws.sync.indexDoc, props.decisionCase.id, {
                  step: step(),
                  at: startOfBeijingDate(d),
                  where: where().trim(),
                }),
              );
              if (!saved) return;
              // Emptied, so the same publication is not registered twice by a second tap.
              setStep('resolution-public');
              setDay(null);
              setWhere('');
            }}
          >
            <div class="fields">
              <SelectInput
                label={t('case.publishStep')}
                name="publicStep"
                value={step()}
                options={PUBLIC_STEPS.map((s) => ({ value: s, label: label('decisionStep', s) }))}
                onChange={(v) => setStep(v as PublicStep)}
              />
              <div class="field-with-error">
                <DateInput
                  label={t('case.publishAt')}
                  name="publicAt"
                  value={day()}
                  max={beijingDay(Date.now())}
                  errorId={dayError() ? dayErrorId() : null}
                  onChange={(v) => {
                    setDay(v);
                    setDayError(null);
                  }}
                />
                <Show when={dayError()}>
                  {(msg) => (
                    <p class="error small" id={dayErrorId()} role="alert">
                      {msg()}
                    </p>
                  )}
                </Show>
              </div>
              <label class="field">
                <span>{t('case.publishWhere')}</span>
                <input
                  dir="auto"
                  name="publicWhere"
                  placeholder={t('case.publishWherePlaceholder')}
                  value={where()}
                  onInput={(e) => setWhere(e.currentTarget.value)}
                />
              </label>
            </div>
            <button type="submit" class="btn">
              {t('case.publish')}
            </button>
          </form>
          <OpError op={op} class="small" />
        </details>
      </Show>
    </li>
  );
}
