/** UI languages come from the shared catalogues (zh-CN default, ug, en). */
export type { Locale } from '@grassroots/shared';
