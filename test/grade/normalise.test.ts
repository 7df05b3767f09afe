import { describe, expect, it } from 'vitest';
import { normalise } from '../../harness/grade/normalise.ts';
import { matchKeypoint } from '../../harness/grade/match.ts';
import { locale } from '../helpers/grade.ts';

describe('normalise', () => {
  it('turns traditional characters into simplified ones (掛失, 身份證)', () => {
    expect(normalise('請攜帶身份證辦理掛失', locale)).toBe('请携带身份证办理挂失');
  });

  it('reads full-width digits and spoken digit strings as the same number', () => {
    expect(normalise('请拨打１２３７８', locale)).toBe('请拨打12378');
    expect(normalise('请拨打一二三七八', locale)).toBe('请拨打12378');
  });

  const reads = (pairs: [string, string][]) => {
    for (const [text, read] of pairs) expect(normalise(text, locale), text).toBe(read);
  };

  it('turns Chinese numerals with a unit into digits but leaves words like 一般 alone', () => {
    reads([
      ['二十四小时', '24小时'],
      ['五天内有效', '5天内有效'],
      ['十五日内答复', '15日内答复'],
      ['一般两个工作日', '一般2个工作日'],
      ['两三天', '两三天'],
      ['一万元以上', '10000元以上'],
    ]);
  });

  it('reads a price per unit the same however it is written (2元/月 is 每月2元), and Ⅱ类 as 2类', () => {
    reads([
      ['短信通知收费2元/月', '短信通知收费每月2元'],
      ['每笔五元 / 次', '每笔每次5元'],
      ['信用卡年费200元', '信用卡年费200元'],
      ['Ⅱ类账户', '2类账户'],
      ['i类账户和iii类户', '1类账户和3类户'],
    ]);
  });

  it('strips punctuation, spaces and case, and maps locale variants to the canonical word', () => {
    expect(normalise('可以用 手机APP、掌上银行！', locale)).toBe('可以用手机银行手机银行');
    expect(normalise('请到营业网点。', locale)).toBe('请到网点');
  });
});

describe('matchKeypoint', () => {
  const kp = { id: 'formal', text: '本人携带身份证到网点办理正式挂失', any: ['身份证', '本人携带有效证件到网点办理'], weight: 2 };

  it('records the synonym that matched', () => {
    const hit = matchKeypoint(normalise('请带上身份證', locale), kp, { locale, transcribed: false });
    expect(hit).toEqual({ id: 'formal', weight: 2, hit: true, how: 'synonym', matched: '身份证' });
  });

  it('credits a long synonym said slightly differently by fuzzy match', () => {
    const hit = matchKeypoint(normalise('需本人携带有效证件去网点办理', locale), kp, { locale, transcribed: false });
    expect(hit.hit).toBe(true);
    expect(hit.how).toBe('fuzzy');
  });

  it('credits 身份证 heard as 身份正 only when the reply was transcribed', () => {
    const reply = normalise('带上身份正到网点', locale);
    expect(matchKeypoint(reply, kp, { locale, transcribed: false }).hit).toBe(false);
    const heard = matchKeypoint(reply, kp, { locale, transcribed: true });
    expect(heard).toMatchObject({ hit: true, how: 'pinyin', matched: '身份正' });
  });

  it('hears a polyphone in any of its readings: 银腥卡 is how 银行卡 (yin-xing) was misheard', () => {
    const card = { id: 'card', text: '带上银行卡', any: ['银行卡'], weight: 1 };
    expect(matchKeypoint(normalise('请携带银腥卡', locale), card, { locale, transcribed: true })).toMatchObject({ hit: true, how: 'pinyin', matched: '银腥卡' });
    expect(matchKeypoint(normalise('请携带银腥卡', locale), card, { locale, transcribed: false }).hit).toBe(false);
  });

  it('requires every `all` word as well', () => {
    const both = { id: 'fee', text: '短信提醒每月2元', any: ['短信提醒'], all: ['2元'], weight: 1 };
    expect(matchKeypoint(normalise('短信提醒收费', locale), both, { locale, transcribed: false }).hit).toBe(false);
    expect(matchKeypoint(normalise('短信提醒每月两元', locale), both, { locale, transcribed: false }).hit).toBe(true);
  });
});
