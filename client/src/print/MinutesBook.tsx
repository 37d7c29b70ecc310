import { createMemo, For, type JSX, Show } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider.tsx';
import { beijingDay } from '../i18n/time.ts';
import { readMinutes } from '../model/domain.ts';
import { hrefOf } from '../routing/routes.ts';
import { useWorkspace } from '../WorkspaceContext.tsx';
import { MinutesSheet } from './MinutesPrint.tsx';
import { PageFooter, PrintBar } from './PrintParts.tsx';
import { footerTitle } from './pageFooter.ts';

/**
 * Every minutes record of a year (by the meeting's Beijing day, else the day it was created),
 * oldest first, each its own 会议记录 starting on a new page: the year's book of records to print
 * or save as one PDF for an inspection, instead of each record alone. Drafts say they are.
 * Reads the docs the device holds (offline too) without opening a connection for each.
 */
export default function MinutesBook(props: { year: number }): JSX.Element {
  const { t } = useI18n();
  const ws = useWorkspace();
  const records = createMemo(() =>
    ws.index.docs
      .filter((d) => d.kind === 'minutes')
      .map((d) => {
        const doc = ws.sync.doc(d.id).doc;
        let at = d.createdAt;
        try {
          at = readMinutes(doc).startsAt ?? d.createdAt;
        } catch {
          // A doc of a newer version, or a damaged one: dated by its creation.
        }
        return { id: d.id, doc, at };
      })
      .filter((r) => Number(beijingDay(r.at).slice(0, 4)) === props.year)
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)),
  );
  return (
    <div class="minutes-book">
      <PrintBar
        back={hrefOf({ name: 'workspace', workspaceId: ws.entry.id, view: 'meetings-ledger' })}
        backLabel={t('print.backToLedger')}
        hint={t('print.bookHint')}
      />
      <PageFooter
        title={footerTitle(
          ws.index.name || ws.entry.name,
          t('print.bookTitle', { year: props.year, n: records().length }),
        )}
      />
      <h1 class="no-print minutes-book-title">
        {t('print.bookTitle', { year: props.year, n: records().length })}
      </h1>
      <Show when={records().length > 0} fallback={<p>{t('print.bookEmpty')}</p>}>
        <For each={records()}>
          {(r) => (
            <div class="minutes-book-sheet" data-doc-id={r.id}>
              <MinutesSheet doc={r.doc} pageFooter={false} />
            </div>
          )}
        </For>
      </Show>
    </div>
  );
}
