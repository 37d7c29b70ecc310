import { type JSX, Match, Switch } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { useWorkspace } from '../WorkspaceContext.tsx';
import FeedbackSlipPrint from './FeedbackSlipPrint.tsx';
import MinutesPrint from './MinutesPrint.tsx';
import PlanPrint from './PlanPrint.tsx';
import RosterPrint from './RosterPrint.tsx';

/** The paper form of a doc (minutes, plans, the roster, a feedback entry's 办理单), by its kind in the index; other kinds have none. */
export default function DocPrint(props: { docId: string; entryId?: string }): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  // A kind this version does not know has no paper form either.
  const kind = () =>
    ws.index.docs.find((d) => d.id === props.docId)?.kind ??
    (ws.index.unknownDocs.some((d) => d.id === props.docId) ? 'unknown' : null);
  return (
    <Switch fallback={<p class="muted">{t('print.none')}</p>}>
      {/* Not listed (yet): the index may still be loading on this device. */}
      <Match when={kind() === null}>
        <p class="muted">{t('app.loading')}</p>
      </Match>
      <Match when={kind() === 'minutes'}>
        <MinutesPrint docId={props.docId} />
      </Match>
      <Match when={kind() === 'plan'}>
        <PlanPrint docId={props.docId} />
      </Match>
      <Match when={kind() === 'roster'}>
        <RosterPrint docId={props.docId} />
      </Match>
      <Match when={kind() === 'feedback' && props.entryId}>
        {(entryId) => <FeedbackSlipPrint docId={props.docId} entryId={entryId()} />}
      </Match>
    </Switch>
  );
}
