import { createMemo, type JSX, Show } from 'solid-js';
import { type I18n, useI18n } from '../i18n/I18nProvider.tsx';
import {
  type MeetingCount,
  type MinutesData,
  type MinutesIssue,
  type RosterData,
  type VoteCheck,
  type VoteOutcome,
  voteCheck,
} from '../model/domain.ts';

const mark = (ok: boolean) => (ok ? '✓' : '✗');

/**
 * Quorum and threshold of one vote by the national rules (VOTE-1…4), as the shared `voteCheck`
 * judged them: "有表决权的应到 30 · 实到 18 · 需 20 人到会 ✗", then the votes for against those needed.
 */
export function VoteCheckLine(props: {
  check: VoteCheck;
  /** On paper: what was not checked, said as a fact (no "add them in Roster first"). */
  isPrint?: boolean;
}): JSX.Element {
  const { t, label } = useI18n();
  const c = () => props.check;
  return (
    <div
      class="vote-check small"
      data-quorum-met={c().quorum ? String(c().quorum?.met) : 'none'}
      data-passed={String(c().passed)}
    >
      <Show
        when={c().complete}
        fallback={
          <>
            <p class="warning vote-check-line" data-missing={c().missing ?? ''}>
              {props.isPrint
                ? t(c().missing === 'roster' ? 'min.print.noRoster' : 'min.print.noCounts')
                : t(c().missing === 'roster' ? 'min.check.noRoster' : 'min.check.noCounts')}
            </p>
            {/* More votes than the people listed as present: said at the vote, whatever the
                roster (it was said only beside 定稿, far below). */}
            <Show when={c().missing === 'roster' && !c().tallyFits}>
              <p class="warning vote-check-line" data-check="tally">
                {t('min.check.tallyTooBig')}
              </p>
            </Show>
          </>
        }
      >
        <Show when={c().quorum}>
          {(q) => (
            <p class={`vote-check-line ${q().met ? 'ok-text' : 'warning'}`} data-check="quorum">
              {t('min.check.quorum', {
                entitled: q().entitled,
                present: q().present,
                required: q().required,
                mark: mark(q().met),
              })}
            </p>
          )}
        </Show>
        <p
          class={`vote-check-line ${c().threshold.passed && c().tallyFits ? 'ok-text' : 'warning'}`}
          data-check="threshold"
        >
          {t(c().threshold.of === 'entitled' ? 'min.check.ofEntitled' : 'min.check.ofPresent', {
            for: c().threshold.for,
            base: c().threshold.base,
            required: c().threshold.required,
            // Votes that do not add up are judged by nobody: no tick beside the line that says so.
            mark: c().tallyFits ? mark(c().threshold.passed) : '?',
          })}
        </p>
        <Show when={!c().tallyFits}>
          <p class="warning vote-check-line" data-check="tally">
            {t('min.check.tallyTooBig')}
          </p>
        </Show>
        <p class="vote-check-line">
          <span class={`tag ${c().passed ? 'ok' : 'bad'}`} data-outcome>
            {c().passed
              ? t('min.check.passes')
              : c().tallyFits
                ? t('min.check.fails')
                : t('min.check.cannotJudge')}
          </span>{' '}
          <span class="muted">{label('voteRule', c().rule)}</span>
        </p>
      </Show>
    </div>
  );
}

/**
 * VOTE-10: the result a meeting declared set against what its rule gives. None recorded yet: a
 * button records the rule's (one tap, not a second reading of the check) where `onUse` is given;
 * one recorded that the rule does not give: a warning says which each is. Nothing while the rule
 * cannot judge the vote (counts missing, or a tally larger than the voters).
 */
export function OutcomeAgreement(props: {
  check: VoteCheck;
  declared: VoteOutcome | null;
  /** Records a result; none on a record that cannot change. */
  onUse?: ((outcome: VoteOutcome) => void) | undefined;
}): JSX.Element {
  const { t, label } = useI18n();
  const ruled = (): VoteOutcome | null =>
    props.check.complete && props.check.tallyFits
      ? props.check.passed
        ? 'passed'
        : 'rejected'
      : null;
  return (
    <Show when={ruled()}>
      {(rule) => (
        <Show
          when={props.declared}
          fallback={
            <Show when={props.onUse}>
              {(use) => (
                <button
                  type="button"
                  class="btn small"
                  name="useRuleOutcome"
                  onClick={() => use()(rule())}
                >
                  {t('min.useRuleOutcome', { outcome: label('voteOutcome', rule()) })}
                </button>
              )}
            </Show>
          }
        >
          {(declared) => (
            <Show when={declared() !== rule()}>
              <p class="warning vote-check-line small" data-outcome-mismatch>
                {t('min.outcomeMismatch', {
                  declared: label('voteOutcome', declared()),
                  rule: label('voteOutcome', rule()),
                })}
              </p>
            </Show>
          )}
        </Show>
      )}
    </Show>
  );
}

/** A vote's check by its rule and, under it, a declared result the rule does not give. */
export function VoteVerdict(props: {
  check: VoteCheck;
  declared: VoteOutcome | null;
  isPrint?: boolean;
}): JSX.Element {
  const check = createMemo(() => props.check);
  return (
    <>
      <VoteCheckLine check={check()} isPrint={props.isPrint} />
      <OutcomeAgreement check={check()} declared={props.declared} />
    </>
  );
}

/** A finalising issue (MIN-5, VOTE-5) in the reader's language, with the figures behind it. */
export function issueText(
  issue: MinutesIssue,
  m: MinutesData,
  roster: RosterData | null,
  count: MeetingCount,
  t: I18n['t'],
): string {
  const vote = m.votes.find((v) => v.id === issue.ref);
  const motion = vote?.motion ?? '';
  switch (issue.code) {
    case 'no-start-time':
      return t('min.issue.noStart');
    case 'no-group':
      return t('min.issue.noGroup');
    case 'missing-vote':
      return t('min.issue.missingVote');
    case 'vote-no-outcome':
      return t('min.issue.noOutcome', { motion });
    case 'tally-exceeds-attendance': {
      const total = vote ? vote.tally.for + vote.tally.against + vote.tally.abstain : 0;
      return t('min.issue.tally', { motion, total, present: count.votersPresent });
    }
    case 'vote-not-carried': {
      if (!vote) return t('min.issue.missingVote');
      const c = voteCheck(m, vote, roster);
      if (!c.complete)
        return t(c.missing === 'roster' ? 'min.issue.noRosterForVote' : 'min.issue.noCounts', {
          motion,
        });
      if (c.quorum && !c.quorum.met) {
        return t('min.issue.noQuorum', {
          motion,
          entitled: c.quorum.entitled,
          present: c.quorum.present,
          required: c.quorum.required,
        });
      }
      return t('min.issue.notCarried', {
        motion,
        for: c.threshold.for,
        required: c.threshold.required,
      });
    }
  }
}
