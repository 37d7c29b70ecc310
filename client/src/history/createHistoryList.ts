import type { AnyDocKind } from '@grassroots/shared';
import { type Accessor, createEffect, createSignal, on } from 'solid-js';
import {
  type DocAddress,
  type HistoryEntryInfo,
  historyApi,
  type NamedVersionInfo,
} from '../api/relayApi.ts';
import type { Locale } from '../i18n/locale.ts';

/** Entries fetched per page. */
export const HISTORY_PAGE_SIZE = 20;

export type HistoryList = {
  entries: Accessor<HistoryEntryInfo[]>;
  named: Accessor<NamedVersionInfo[]>;
  kind: Accessor<AnyDocKind | null>;
  total: Accessor<number>;
  hasMore: Accessor<boolean>;
  /** True until the first page has arrived (or failed). */
  isLoading: Accessor<boolean>;
  isLoadingMore: Accessor<boolean>;
  error: Accessor<unknown>;
  /** Fetches the newest page again (after naming or restoring, or to retry). */
  reload: () => Promise<void>;
  loadMore: () => Promise<void>;
};

/**
 * A doc's history entries, newest first, fetched page by page while `isEnabled` (online) and
 * fetched again when the locale changes (descriptions are written by the server in that locale).
 */
export function createHistoryList(
  address: () => DocAddress,
  locale: Accessor<Locale>,
  isEnabled: Accessor<boolean>,
): HistoryList {
  const [entries, setEntries] = createSignal<HistoryEntryInfo[]>([]);
  const [named, setNamed] = createSignal<NamedVersionInfo[]>([]);
  const [kind, setKind] = createSignal<AnyDocKind | null>(null);
  const [total, setTotal] = createSignal(0);
  const [nextBefore, setNextBefore] = createSignal<number | null>(null);
  const [isLoading, setLoading] = createSignal(true);
  const [isLoadingMore, setLoadingMore] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  // Answers to an older request (before a reload) are dropped.
  let generation = 0;

  const reload = async () => {
    const mine = ++generation;
    setLoading(true);
    setError(null);
    try {
      const page = await historyApi.page(address(), {
        limit: HISTORY_PAGE_SIZE,
        locale: locale(),
      });
      if (mine !== generation) return;
      setEntries(page.entries);
      setNamed(page.named);
      setKind(page.kind);
      setTotal(page.total);
      setNextBefore(page.nextBefore);
    } catch (e) {
      if (mine === generation) setError(e);
    } finally {
      if (mine === generation) setLoading(false);
    }
  };

  const loadMore = async () => {
    const before = nextBefore();
    if (before === null || isLoadingMore()) return;
    const mine = generation;
    setLoadingMore(true);
    setError(null);
    try {
      const page = await historyApi.page(address(), {
        limit: HISTORY_PAGE_SIZE,
        before,
        locale: locale(),
      });
      if (mine !== generation) return;
      setEntries((old) => [...old, ...page.entries]);
      setNamed(page.named);
      setTotal(page.total);
      setNextBefore(page.nextBefore);
    } catch (e) {
      if (mine === generation) setError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  createEffect(
    on([locale, isEnabled], ([, enabled]) => {
      if (enabled) void reload();
    }),
  );

  return {
    entries,
    named,
    kind,
    total,
    hasMore: () => nextBefore() !== null,
    isLoading,
    isLoadingMore,
    error,
    reload,
    loadMore,
  };
}
