import { describe, expect, it } from 'vitest';
import { findCannedReplies, isFallback } from '../../harness/grade/fallback.ts';
import { assessReply } from '../../harness/grade/assess.ts';
import { gradeConversation, graders } from '../../harness/grade/index.ts';
import { rulesGrader } from '../../harness/grade/rules.ts';
import { normalise } from '../../harness/grade/normalise.ts';
import { balance, cardLoss, closing, complaint, ctx, ex, locale, packs, record, reply } from '../helpers/grade.ts';

describe('fallback replies', () => {
  it('recognises the usual ways a bot says it did not understand', () => {
    const c = ctx();
    expect(isFallback('抱歉，我没有理解您的意思。', false, c)).toBe(true);
    expect(isFallback('您可以换个说法再问我哦~', false, c)).toBe(true);
    expect(isFallback('   ', false, c)).toBe(true);
    expect(isFallback('', false, c)).toBe(true);
  });

  it('hears a fallback phrase through speech-recognition errors on the hotline only', () => {
    const misheard = '抱歉，我没有解您的意思，请痪个说法试氏。';
    expect(isFallback(misheard, false, ctx(), true)).toBe(true);
    expect(isFallback(misheard, false, ctx(), false)).toBe(false);
  });

  it('does not call an answer a fallback because it also says a fallback phrase', () => {
    expect(isFallback('如果没有理解清楚，请注意：挂失需携带身份证到网点。', true, ctx())).toBe(false);
  });

  it('treats the same reply given to three unrelated questions as canned', () => {
    const canned = '感谢您的咨询，更多信息请关注我行官网。';
    const records = [
      record('card-loss', 'lost-card', [canned]),
      record('balance-inquiry', 'channels', [canned]),
      record('account-closing', 'how-to-close', [canned]),
      record('card-loss', 'limit', ['临时挂失一般5天内有效。']),
      record('balance-inquiry', 'channels', ['请问您要咨询的是以下哪个问题？']),
      record('card-loss', 'lost-card', ['请问您要咨询的是以下哪个问题？']),
      record('account-closing', 'how-to-close', ['请问您要咨询的是以下哪个问题？']),
    ];
    const set = findCannedReplies(records, packs, locale);
    expect([...set]).toEqual([normalise(canned, locale)]);
    expect(isFallback(canned, false, ctx({ cannedReplies: set }))).toBe(true);
  });

  it('does not call a reply canned when two scenarios share it', () => {
    const shared = '请您本人携带身份证到网点柜台办理。';
    const set = findCannedReplies([record('card-loss', 'lost-card', [shared]), record('account-closing', 'how-to-close', [shared])], packs, locale);
    expect(set.size).toBe(0);
  });

  it('grades a canned reply as a fallback with a reason that quotes it', async () => {
    const canned = '感谢您的咨询，更多信息请关注我行官网。';
    const g = await rulesGrader.gradeTurn(
      { pack: cardLoss, case: cardLoss.cases[0], turnIndex: 0, exchanges: [ex(canned)], transcribed: false },
      ctx({ cannedReplies: new Set([normalise(canned, locale)]) }),
    );
    expect(g).toMatchObject({ recognition: 0, level: 'fallback' });
    expect(g.reasons[0]).toContain('canned reply "感谢您的咨询');
  });
});

describe('assessReply (live conversation driver)', () => {
  const input = { pack: cardLoss, case: cardLoss.cases[0], turnIndex: 0, transcribed: false };
  it('tells the driver what the bot did', () => {
    const c = ctx();
    expect(assessReply(reply(''), input, c)).toBe('silence');
    expect(assessReply(reply('正在为您转接人工客服'), input, c)).toBe('handoff');
    expect(assessReply(reply('好的', { handoff: true }), input, c)).toBe('handoff');
    expect(assessReply(reply('请选择您要办理的业务', { buttons: ['挂失', '补卡'] }), input, c)).toBe('clarify');
    expect(assessReply(reply('', { buttons: ['借记卡挂失', '信用卡挂失'] }), input, c)).toBe('clarify');
    expect(assessReply(reply('请提供您的卡号和身份证号'), input, c)).toBe('ask-data');
    expect(assessReply(reply('不好意思，我没听懂'), input, c)).toBe('fallback');
    expect(assessReply(reply('您可以通过手机银行、网银或ATM查询余额，也可开通动账提醒'), input, c)).toBe('off-topic');
    expect(assessReply(reply('请立即拨打客服热线办理临时挂失，再带身份证到网点补卡'), input, c)).toBe('on-topic');
  });

  it('does not mistake a statement about the card number for a request for it', () => {
    expect(assessReply(reply('您尾号1234的卡号已临时挂失成功。'), input, ctx())).toBe('on-topic');
    expect(assessReply(reply('您的卡号是多少？'), input, ctx())).toBe('ask-data');
  });

  it('does not mistake a full answer that mentions the ID card for a request for data', () => {
    expect(assessReply(reply('挂失需本人携带身份证到网点办理，也可先在手机银行临时挂失，登录时需输入验证码。'), input, ctx())).toBe('on-topic');
  });
});

describe('gradeConversation', () => {
  it('averages the turns and passes a case only when both means reach the threshold', async () => {
    const g = await gradeConversation(record('card-loss', 'lost-card', ['请立即拨打客服电话办理临时挂失，再带身份证到网点补卡。']), cardLoss, rulesGrader, ctx());
    expect(g).toMatchObject({ id: 'demo/api/card-loss/lost-card#0.0', recognition: 5, completeness: 5, passed: true });
    const partial = await gradeConversation(record('card-loss', 'lost-card', ['挂失请带身份证到网点。']), cardLoss, rulesGrader, ctx());
    expect(partial).toMatchObject({ recognition: 5, completeness: 2.5, passed: false });
    const lenient = await gradeConversation(record('card-loss', 'lost-card', ['挂失请带身份证到网点。']), cardLoss, rulesGrader, ctx(), 2.5);
    expect(lenient.passed).toBe(true);
  });

  it('scores a turn the conversation never reached as an error that names the fault', async () => {
    const r = record('balance-inquiry', 'channels', [], { error: { kind: 'timeout', message: 'no reply in 30 s' } });
    const g = await gradeConversation(r, balance, rulesGrader, ctx());
    expect(g.turns[0]).toMatchObject({ level: 'error', recognition: 0, completeness: 0 });
    expect(g.turns[0].reasons[0]).toContain('timeout: no reply in 30 s');
    expect(g.passed).toBe(false);
  });

  it('grades hotline conversations with homophone credit', async () => {
    const r = record('card-loss', 'lost-card', ['请拨打热线挂湿，再带身份正到网点补卡'], { kind: 'hotline', channel: 'hotline' });
    const g = await gradeConversation(r, cardLoss, rulesGrader, ctx());
    expect(g.completeness).toBe(5);
  });

  it('offers both graders by kind, loading each only when asked', async () => {
    expect((await graders.rules()).id).toBe('rules');
    expect((await graders.llm()).id).toBe('llm');
  });
});

void [closing, complaint];
