import type { MessageKey } from '@grassroots/shared';
import type { HistoryEntryInfo, HistoryMarkInfo } from '../api/relayApi.ts';
import type { Locale } from '../i18n/locale.ts';
import { formatAt } from './formatSpan.ts';

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** HIST-8: what a marked entry was, as one line ("恢复到「初稿」", "撤销 张三 自 … 以来的修改"). */
export function markLabel(mark: HistoryMarkInfo, t: Translate, locale: Locale): string {
  if (mark.kind === 'restore') {
    const { to } = mark;
    const version =
      to.name ??
      (to.number === 0
        ? t('history.start')
        : t('history.versionNumbered', {
            n: to.number,
            time: to.at ? formatAt(Date.parse(to.at), locale) : '',
          }));
    return t('history.restoredTo', { version });
  }
  return t('history.revertedMember', {
    name: mark.member.displayName,
    time: formatAt(Date.parse(mark.since), locale),
  });
}

/**
 * An entry as a version to pick, told apart from its neighbours: number, time, author and what
 * it did ("#12 · 12月1日 11:32 · 张三 · 正文 +12 −3 字"). It is an `<option>`'s text, so the name and
 * what it did are each a first-strong isolate (U+2068 … U+2069): a Uyghur name among Chinese, or a Chinese title in
 * a Uyghur line, keeps its own direction without moving the dots and numbers beside it.
 */
export function entryVersionLabel(e: HistoryEntryInfo, t: Translate, locale: Locale): string {
  const what = e.mark ? markLabel(e.mark, t, locale) : (e.changes[0]?.label ?? '');
  const typed = [e.author.displayName, what].filter(Boolean).map((part) => `\u2068${part}\u2069`);
  return [
    t('history.entryNumber', { n: e.number }),
    formatAt(Date.parse(e.lastAt), locale),
    ...typed,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * Whether a change's label already shows both values ("负责人：张伟 → 王建国"; in Uyghur the arrow
 * points the other way): then the compare does not show them again.
 */
export function labelShowsValues(label: string): boolean {
  return /[→←]/.test(label);
}
