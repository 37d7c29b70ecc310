import { type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import type { DecisionTrace } from '../model/domain.ts';

/**
 * Where a 四议两公开 case stands, as a tag: the next step, or every step recorded, which reads as
 * done only when its trace has no problem (a later meeting that took over a step can leave the
 * steps out of order).
 */
export function CaseStateTag(props: { trace: DecisionTrace }): JSX.Element {
  const { t, label } = useI18n();
  return (
    <Show
      when={props.trace.next}
      fallback={
        <Show
          when={props.trace.issues.length > 0}
          fallback={
            <span class="tag ok" data-case-state="complete">
              {t('case.complete')}
            </span>
          }
        >
          <span class="tag warn" data-case-state="issues">
            {t('case.completeWithIssues', { n: props.trace.issues.length })}
          </span>
        </Show>
      }
    >
      {(next) => (
        <span class="tag warn" data-case-state="next">
          {t('case.next', { step: label('decisionStep', next()) })}
        </span>
      )}
    </Show>
  );
}
