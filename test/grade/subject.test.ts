import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPacks } from '../../harness/config/load.ts';
import type { Locale } from '../../harness/config/scenario.ts';
import { rulesGrader } from '../../harness/grade/rules.ts';
import type { GradeContext } from '../../harness/grade/types.ts';
import type { TurnGrade } from '../../harness/types.ts';

// Bank bots often answer the business next door: the question is about a
// phone number that is gone, the answer about unlocking a U盾; the question is
// how long a phone loss report lasts, the answer how long an SMS code does.
// Such answers share 身份证, 网点, 手机银行 — sometimes a key point's word —
// with the right one; what they open on is another business.

const { packs, locale } = loadPacks(fileURLToPath(new URL('../../scenarios/zh-CN/', import.meta.url)));

async function grade(packId: string, caseId: string, turnIndex: number, text: string, loc: Locale = locale): Promise<TurnGrade> {
  const pack = packs.find((p) => p.id === packId)!;
  const c = pack.cases.find((x) => x.id === caseId)!;
  const ctx: GradeContext = { packs, locale: loc, cannedReplies: new Set(), fuzzyThreshold: 0.8, lang: 'en' };
  const reply = { text, messages: [{ text }], buttons: [], latency: { firstMs: null, settledMs: null } };
  return rulesGrader.gradeTurn({ pack, case: c, turnIndex, exchanges: [{ utterance: { index: turnIndex, text: 'q', attempt: 'first' }, reply }], transcribed: false }, ctx);
}

describe('a reply that opens on a neighbouring business', () => {
  it('answers another question though it names 身份证, 网点 and the U盾 of a key point', async () => {
    const g = await grade('info-inquiry', 'old-number-gone', 0, '您好，U盾（网银盾）密码输错被锁定的，请本人携带身份证、银行卡和U盾到开户网点柜台办理解锁，部分网点可当场解锁。');
    expect([g.level, g.recognition, g.completeness]).toEqual(['off-topic', 1, 0]);
    expect(g.reasons.join(' ')).toContain('the reply is about 解锁');
  });

  it('answers another question though the validity it speaks of is a key point\'s word', async () => {
    const g = await grade('card-loss', 'temporary-report-validity', 0, '您好，短信验证码有效期为5分钟，请在有效期内完成验证；超时请重新获取，每日获取次数不超过10次。');
    expect([g.level, g.recognition]).toEqual(['off-topic', 1]);
    expect(g.reasons.join(' ')).toContain('验证码有效期');
  });

  it('reads the locale\'s businesses list: without the neighbouring business in it, the same reply is not moved by its opening', async () => {
    const text = '您好，忘记网银登录用户名的，可在网银登录页点击“忘记用户名”，输入身份证号和预留手机号收到的验证码即可找回。';
    expect((await grade('feedback-lookup', 'no-reply-then-lost-number', 1, text)).level).toBe('off-topic');
    const without: Locale = { ...locale, businesses: (locale.businesses ?? []).filter((b) => b !== '用户名') };
    expect((await grade('feedback-lookup', 'no-reply-then-lost-number', 1, text, without)).level).toBe('first');
  });

  it('stays on topic when the neighbouring business comes only after the answer', async () => {
    const g = await grade('card-loss', 'lost-card', 0, '您好，银行卡丢失请立即拨打客服热线或登录手机银行办理临时挂失，再本人携带身份证到网点办理正式挂失和补卡。卡内的理财、定期存款等产品在挂失期间不受影响。');
    expect([g.level, g.recognition, g.completeness]).toEqual(['first', 5, 5]);
  });

  it('reads a follow-up in its case: an opening on the number the first question asked to change answers "改完以后多久生效？"', async () => {
    const g = await grade('info-inquiry', 'change-then-effect', 1, '预留手机号修改成功后一般即时生效，之后的验证码和动账通知会发送到新号码。');
    expect([g.level, g.recognition]).toEqual(['first', 5]);
  });
});
