import { describe, expect, it } from 'vitest';
import { rulesGrader } from '../../harness/grade/rules.ts';
import type { Exchange, TurnGrade } from '../../harness/types.ts';
import type { Pack } from '../../harness/config/scenario.ts';
import { balance, cardLoss, complaint, ctx, ex } from '../helpers/grade.ts';

async function grade(exchanges: Exchange[], opts: { pack?: Pack; caseIndex?: number; transcribed?: boolean; canned?: string[] } = {}): Promise<TurnGrade> {
  const pack = opts.pack ?? cardLoss;
  return rulesGrader.gradeTurn(
    { pack, case: pack.cases[opts.caseIndex ?? 0], turnIndex: 0, exchanges, transcribed: opts.transcribed ?? false },
    ctx({ cannedReplies: new Set(opts.canned ?? []) }),
  );
}

const fullAnswer = '您可以立即通过手机APP或拨打客服电话办理口头挂失，随后请本人携带身份证件到营业网点办理正式挂失，并可同时补卡。';

describe('rules grader: recognition and completeness', () => {
  it('gives full marks to a correct answer in other words (synonyms)', async () => {
    const g = await grade([ex(fullAnswer)]);
    expect(g).toMatchObject({ recognition: 5, completeness: 5, level: 'first', grader: 'rules' });
    expect(g.reasons).toContain('on topic at the first ask');
    expect(g.reasons).toContain('hit formal (weight 2) by synonym "身份证"');
    expect(g.reasons).toContain('hit quick-freeze by synonym "临时挂失"');
  });

  it('scores a partial answer by the weight of the key points it makes', async () => {
    const g = await grade([ex('挂失请本人带身份证到网点柜台办理。')]);
    expect(g.recognition).toBe(5);
    expect(g.completeness).toBe(2.5);
    expect(g.reasons).toContain('missed quick-freeze: 可立即通过手机银行/客服热线/网银办理临时（口头）挂失');
    expect(g.hits.filter((h) => h.hit).map((h) => h.id)).toEqual(['formal']);
  });

  it('marks a card-loss question answered with balance inquiry as the wrong topic', async () => {
    const g = await grade([ex('您可以通过手机银行、网上银行、ATM或柜台查询余额，还可以开通动账提醒。')]);
    expect(g).toMatchObject({ recognition: 1, completeness: 0, level: 'off-topic', topic: 'balance-inquiry' });
    expect(g.reasons[0]).toMatch(/^answered balance-inquiry instead \(hit its key points .*查询余额/);
  });

  it('does not call an answer off topic for generic words other scenarios share', async () => {
    const g = await grade([ex('请携带身份证到网点柜台办理挂失手续，同时可以补卡。')]);
    expect(g.level).toBe('first');
    expect(g.topic).toBeUndefined();
  });

  it('reads traditional characters and full-width digits like simplified ones', async () => {
    const g = await grade([ex('請立即撥打客服電話辦理臨時掛失，再攜帶身份證到網點補卡。')]);
    expect(g).toMatchObject({ recognition: 5, completeness: 5 });
    const days = await grade([ex('临时挂失一般五天内有效。')], { caseIndex: 1 });
    expect(days.completeness).toBe(5);
    const fullWidth = await grade([ex('临时挂失有效期为５日。')], { caseIndex: 1 });
    expect(fullWidth.completeness).toBe(5);
  });

  it('credits 挂失 heard as 挂湿 over the phone, but not in a typed chat', async () => {
    const heard = '您可以拨打热线挂湿，然后带身份正到网点补卡。';
    const phone = await grade([ex(heard)], { transcribed: true });
    expect(phone).toMatchObject({ recognition: 5, completeness: 5 });
    expect(phone.hits.find((h) => h.id === 'quick-freeze')).toMatchObject({ hit: true, how: 'pinyin', matched: '热线挂湿' });
    const chat = await grade([ex(heard)]);
    expect(chat.completeness).toBeLessThan(5);
    expect(chat.hits.find((h) => h.id === 'formal')?.hit).toBe(false);
  });

  it('caps completeness at 1 when the reply states forbidden wrong information', async () => {
    const g = await grade([ex('很抱歉，信用卡以外的借记卡无法挂失，请携带身份证到网点补卡。')]);
    expect(g.completeness).toBe(1);
    expect(g.forbidHits).toEqual(['无法挂失']);
    expect(g.reasons).toContain('forbidden "无法挂失" in reply: completeness capped at 1');
  });

  it('gives level 4 when the bot answers after its own clarifying question', async () => {
    const g = await grade([
      ex('请问您要咨询的是以下哪个问题？', 'first', { buttons: ['银行卡挂失', '信用卡挂失'] }),
      ex(fullAnswer, 'clarify-answer'),
    ]);
    expect(g).toMatchObject({ recognition: 4, level: 'after-clarify', completeness: 5 });
    expect(g.reasons[0]).toBe("on topic after the bot's own clarifying question");
  });

  it('gives level 3 when the bot answers only after the question was rephrased', async () => {
    const g = await grade([ex('抱歉，我没有理解您的意思，请换个说法试试。'), ex(fullAnswer, 'rephrase')]);
    expect(g).toMatchObject({ recognition: 3, level: 'after-rephrase', completeness: 5 });
  });

  it('does not hold a request for the card number against the bot when it then answers', async () => {
    const g = await grade([ex('请提供您的卡号以便为您查询'), ex(fullAnswer, 'reply')]);
    expect(g).toMatchObject({ recognition: 5, level: 'first', completeness: 5 });
    expect(g.reasons[0]).toContain('asked for the customer');
  });

  it('scores 0 for silence and for a menu of guesses that never becomes an answer', async () => {
    const silent = await grade([ex('')]);
    expect(silent).toMatchObject({ recognition: 0, completeness: 0, level: 'silence' });
    expect(silent.reasons[0]).toContain('silence');
    const menu = await grade([ex('您是想问：1.挂失 2.销户 3.余额查询？')]);
    expect(menu).toMatchObject({ recognition: 0, level: 'fallback' });
  });

  it('a turn without key points is complete once recognised', async () => {
    const pack = { ...balance, cases: [{ ...balance.cases[0], turns: [{ ...balance.cases[0].turns[0], expect: { keypoints: [], forbid: [] } }] }] } as Pack;
    const g = await grade([ex('您可以在手机银行查询余额。')], { pack });
    expect(g).toMatchObject({ recognition: 5, completeness: 5 });
  });
});

describe('rules grader: handoff', () => {
  const handoff = (attempt: 'first' = 'first') => ex('正在为您转接人工客服，请稍候。', attempt, { handoff: true });

  it('gives full marks when a required handoff happens', async () => {
    const g = await grade([handoff()], { pack: complaint, caseIndex: 0 });
    expect(g).toMatchObject({ recognition: 5, completeness: 5, level: 'handoff' });
    expect(g.reasons[0]).toContain('required');
  });

  it('recognises a handoff by its words when the channel does not flag it', async () => {
    const g = await grade([ex('抱歉给您带来不便，正在为您转接人工客服。')], { pack: complaint, caseIndex: 0 });
    expect(g).toMatchObject({ recognition: 5, completeness: 5, level: 'handoff' });
    expect(g.reasons[0]).toBe('handoff phrase "人工客服": a handoff is required here');
  });

  it('caps completeness at 2 when a required handoff does not happen', async () => {
    const g = await grade([ex('您的投诉我们已受理，工单号稍后短信发送给您。')], { pack: complaint, caseIndex: 0 });
    expect(g.recognition).toBe(5);
    expect(g.completeness).toBe(2);
    expect(g.reasons).toContain('a handoff to a human is required here and none happened: completeness capped at 2');
  });

  it('accepts a handoff where the scenario allows it', async () => {
    const g = await grade([handoff()], { pack: complaint, caseIndex: 1 });
    expect(g).toMatchObject({ recognition: 5, level: 'handoff' });
    expect(g.reasons[0]).toContain('accepted');
  });

  it('scores 0 for a handoff where the bot should answer itself', async () => {
    const g = await grade([handoff()], { pack: complaint, caseIndex: 2 });
    expect(g).toMatchObject({ recognition: 0, completeness: 0, level: 'handoff' });
    expect(g.reasons[0]).toContain('should answer itself');
  });
});

describe('rules grader: reasons', () => {
  it('gives every score a reason a user can read', async () => {
    const cases: Exchange[][] = [
      [ex(fullAnswer)],
      [ex('')],
      [ex('换种说法再问一下吧')],
      [ex('您可以通过手机银行查询余额，开通动账提醒。')],
      [ex('请提供您的卡号')],
    ];
    for (const exchanges of cases) {
      const g = await grade(exchanges);
      expect(g.reasons.length).toBeGreaterThan(0);
      expect(g.reasons.join(' ')).toMatch(/recognition|on topic|instead/);
      expect(g.reasons.join(' ')).toMatch(/completeness/);
    }
  });
});
