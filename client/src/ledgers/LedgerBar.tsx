import { type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { hrefOf, type WorkspaceView } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';

/** The ledger and report screens, and the views that count as one of them in the main tabs. */
export const LEDGER_VIEWS = ['meetings-ledger', 'feedback-ledger', 'report'] as const;

/** Links between the three ledger screens (台账 and report), above each of them; not printed. */
export function LedgerNav(props: { active: (typeof LEDGER_VIEWS)[number] }): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const link = (view: WorkspaceView) =>
    hrefOf({ name: 'workspace', workspaceId: ws.entry.id, view });
  const item = (view: (typeof LEDGER_VIEWS)[number], text: string) => (
    <a href={link(view)} aria-current={props.active === view ? 'page' : undefined}>
      {text}
    </a>
  );
  return (
    <nav class="ledger-nav no-print" aria-label={t('nav.ledgers')}>
      {item('meetings-ledger', t('ledger.meetingsTab'))}
      {item('feedback-ledger', t('ledger.feedbackTab'))}
      {item('report', t('ledger.reportTab'))}
    </nav>
  );
}

/** Print and export buttons of a ledger; export says so while it works and if it fails. */
export function LedgerActions(props: {
  onPrint: () => void;
  exports: { label: string; run: () => Promise<void> }[];
  isBusy: boolean;
  error: string | null;
  isDisabled?: boolean;
}): JSX.Element {
  const { t } = useI18n();
  return (
    <div class="ledger-actions no-print">
      <button type="button" class="btn" disabled={props.isDisabled} onClick={() => props.onPrint()}>
        {t('ledger.print')}
      </button>
      {props.exports.map((e) => (
        <button
          type="button"
          class="btn"
          disabled={props.isBusy || props.isDisabled}
          onClick={() => void e.run()}
        >
          {e.label}
        </button>
      ))}
      <Show when={props.isBusy}>
        <span class="small muted" role="status">
          {t('ledger.exporting')}
        </span>
      </Show>
      <Show when={props.error}>
        {(message) => (
          <span class="small error" role="alert">
            {t('ledger.exportFailed', { message: message() })}
          </span>
        )}
      </Show>
    </div>
  );
}

/**
 * LEDGER-6: while records the index lists have not reached this device, a ledger's figures are
 * not whole (a meeting held looks missed): it says so, on screen and on paper, and its print and
 * exports wait (`isDisabled` of `LedgerActions`).
 */
export function LedgerIncomplete(props: { notHere: number }): JSX.Element {
  const { t } = useI18n();
  return (
    <Show when={props.notHere > 0}>
      <p class="warning ledger-incomplete" role="status" data-testid="ledger-incomplete">
        {t('ledger.notHere', { n: props.notHere })}
      </p>
    </Show>
  );
}
