import { type MessageKey, type Params, translate } from '@grassroots/shared';
import { describe, expect, it } from 'vitest';
import { publicationPlace } from './place.ts';

const tOf =
  (locale: 'zh-CN' | 'ug' | 'en') =>
  (key: MessageKey, params?: Params): string =>
    translate(locale, key, params);

describe('where a step was made public', () => {
  it('names the online board, recorded in the publisher’s language, in the reader’s', () => {
    const recordedInChinese = translate('zh-CN', 'board.whereOnline');
    expect(recordedInChinese).toBe('网上村务公开栏');
    expect(publicationPlace(recordedInChinese, tOf('ug'))).toBe(
      translate('ug', 'board.whereOnline'),
    );
    expect(publicationPlace(recordedInChinese, tOf('ug'))).not.toMatch(/[\u4e00-\u9fff]/);
    expect(publicationPlace(translate('ug', 'board.whereOnline'), tOf('zh-CN'))).toBe(
      recordedInChinese,
    );
  });

  it('keeps a place a person typed as typed', () => {
    expect(publicationPlace('村委会门口公开栏', tOf('ug'))).toBe('村委会门口公开栏');
    expect(publicationPlace('', tOf('en'))).toBe('');
  });
});
