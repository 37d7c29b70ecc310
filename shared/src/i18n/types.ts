import type { LabelTables, LocaleMeta } from './shape.ts';
import type { MessageKey } from './zh-CN.ts';

export type { MessageKey } from './zh-CN.ts';

/** One locale's whole catalogue: its facts, every message (same keys as zh-CN) and enum labels. */
export type Catalogue = {
  readonly meta: LocaleMeta;
  readonly messages: Readonly<Record<MessageKey, string>>;
  readonly labels: LabelTables;
};
