import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadPacks } from '../../harness/config/load.ts';
import type { Pack } from '../../harness/config/scenario.ts';
import { analyseReply } from '../../harness/grade/analyse.ts';
import { matchKeypoint } from '../../harness/grade/match.ts';
import { plainText } from '../../harness/grade/markup.ts';
import { normalise } from '../../harness/grade/normalise.ts';
import { rulesGrader } from '../../harness/grade/rules.ts';
import type { GradeContext } from '../../harness/grade/types.ts';
import type { AttemptKind, BotReply, Exchange, TurnGrade } from '../../harness/types.ts';

// What a reply is, decided before key points count — on the shapes real bank
// bots send: rich text from web widgets, "猜你想问" buttons after every
// answer, transfer messages that name the business, menus of wrong guesses,
// answers that first restate the question, and the words customers and
// recognisers use instead of the packs' synonyms.

const { packs, locale } = loadPacks(fileURLToPath(new URL('../../scenarios/zh-CN/', import.meta.url)));
const ctx = (over: Partial<GradeContext> = {}): GradeContext => ({ packs, locale, cannedReplies: new Set(), fuzzyThreshold: 0.8, lang: 'en', ...over });
const pack = (id: string) => packs.find((p) => p.id === id)!;

function reply(text: string, extra: Partial<BotReply> = {}): BotReply {
  return { text, messages: text ? [{ text }] : [], buttons: [], latency: { firstMs: null, settledMs: null }, ...extra };
}
function ex(text: string, attempt: AttemptKind = 'first', extra: Partial<BotReply> = {}): Exchange {
  return { utterance: { index: 0, text: 'q', attempt }, reply: reply(text, extra) };
}
async function grade(packId: string, caseId: string, exchanges: Exchange[], over: Partial<GradeContext> & { transcribed?: boolean; pack?: Pack } = {}): Promise<TurnGrade> {
  const p = over.pack ?? pack(packId);
  const c = p.cases.find((x) => x.id === caseId)!;
  return rulesGrader.gradeTurn({ pack: p, case: c, turnIndex: 0, exchanges, transcribed: over.transcribed ?? false }, ctx(over));
}
const score = (g: TurnGrade) => [g.level, g.recognition, g.completeness];

const lostCardAnswer = '您好，银行卡丢失后请立即拨打客服热线或登录手机银行办理临时挂失，挂失即时生效；之后请本人携带身份证到网点办理正式挂失并补办新卡。';

describe('markup is text, never a menu', () => {
  it('strips HTML, Markdown and entities and grades what a customer reads', async () => {
    expect(plainText('正式<a href="/help?id=1" title="挂失 说明">挂失</a>并<b>补</b>卡&nbsp;')).toBe('正式挂失并补卡');
    expect(plainText('**临时挂失**：拨打[客服热线](tel:95588)\n- 第一步')).toBe('临时挂失：拨打客服热线\n第一步');
    const html = lostCardAnswer.replace('临时挂失', '<span class="kw">临时挂失</span>').replace('正式挂失并补办新卡', '正式<a href="/loss">挂失</a>并<b>补办新卡</b>');
    const plain = await grade('card-loss', 'lost-card', [ex(lostCardAnswer)]);
    const marked = await grade('card-loss', 'lost-card', [ex(html)]);
    expect(score(marked)).toEqual(score(plain));
    expect(marked.reasons[0]).toContain('markup stripped');
  });

  it('does not read quoted attributes or an onerror payload as a numbered menu', async () => {
    const text = `<img src="x" onerror="alert('1')" alt="“挂失”"><a href="a" title="“补卡”">${lostCardAnswer}</a><script>var a="1. 2.";</script>`;
    const g = await grade('card-loss', 'lost-card', [ex(text)]);
    expect(g.level).toBe('first');
    expect(g.recognition).toBe(5);
  });
});

describe('related-question buttons after an answer', () => {
  const partial = '销户需要本人携带身份证和银行卡到开户网点办理。';
  const related = ['信用卡还款', '理财产品推荐', '附近网点'];

  it('are not a menu: the partial answer scores as it does without them, and the driver does not click', async () => {
    const without = await grade('account-closing', 'how-to-close', [ex(partial)]);
    const withButtons = await grade('account-closing', 'how-to-close', [ex(partial, 'first', { buttons: related })]);
    expect(without.recognition).toBe(5);
    expect(score(withButtons)).toEqual(score(without));
    expect(withButtons.reasons.join('\n')).toContain('related-question buttons after the answer are not a menu');
    const p = pack('account-closing');
    const a = analyseReply(reply(partial, { buttons: related }), { pack: p, case: p.cases.find((c) => c.id === 'how-to-close')!, turnIndex: 0, transcribed: false }, ctx());
    expect(a.kind).toBe('on-topic');
    expect(a.related).toEqual(related);
  });

  it('written into the text after the answer are set aside too, and add no key point', async () => {
    const text = `${partial}\n猜你想问：\n1. 信用卡挂失\n2. 补办新卡要多久\n3. 附近网点`;
    const g = await grade('account-closing', 'how-to-close', [ex(text)]);
    expect(score(g)).toEqual(score(await grade('account-closing', 'how-to-close', [ex(partial)])));
  });

  it('alone, without an answer before them, are a menu', async () => {
    const g = await grade('card-loss', 'lost-card', [ex('猜您想问：', 'first', { buttons: ['银行卡挂失', '信用卡挂失', '身份证挂失'] })]);
    expect(g).toMatchObject({ recognition: 0, level: 'fallback' });
  });
});

describe('menus and handoffs by their main content', () => {
  it('a menu of guesses none of which is the question is a wrong answer: recognition 1', async () => {
    const g = await grade('card-loss', 'lost-card', [ex('请问您要咨询的是以下哪个问题？', 'first', { buttons: ['信用卡还款', '理财产品推荐', '贷款利率'] })]);
    expect(g).toMatchObject({ recognition: 1, completeness: 0, level: 'off-topic' });
    expect(g.reasons[0]).toContain('none of them the question asked');
  });

  it('a menu with the right option, then the answer to the pick: recognition 4', async () => {
    const g = await grade('card-loss', 'lost-card', [ex('您是想问：1. 银行卡挂失 2. 信用卡还款 3. 网点查询'), ex(lostCardAnswer, 'clarify-answer')]);
    expect(g).toMatchObject({ recognition: 4, level: 'after-clarify' });
    expect(g.completeness).toBeGreaterThan(3);
  });

  it('a phone menu whose last choice is a human agent is a menu, and the answer to the pick scores: recognition 4', async () => {
    const ivr = '您好，欢迎致电。办理挂失请按1，查询余额请按2，信用卡业务请按3，转人工请按0。';
    const alone = await grade('card-loss', 'lost-card', [ex(ivr)]);
    expect(alone.level).toBe('fallback');
    expect(alone.reasons.join('\n')).not.toContain('handoff');
    const g = await grade('card-loss', 'lost-card', [ex(ivr), ex(lostCardAnswer, 'clarify-answer')]);
    expect(g).toMatchObject({ recognition: 4, level: 'after-clarify' });
    expect(g.completeness).toBeGreaterThan(3);
  });

  it('a phone menu none of whose choices is the question is a wrong answer', async () => {
    const g = await grade('card-loss', 'lost-card', [ex('按1查询余额，按2转账汇款，按3信用卡还款，按0转人工服务')]);
    expect(g).toMatchObject({ recognition: 1, level: 'off-topic' });
  });

  it('a menu option that names the question word inside another thing misses it: 数字人民币钱包 is no lost wallet', async () => {
    const g = await grade('card-loss', 'wallet-lost', [ex('您想了解的是不是：① 如何申请手机银行 ② 钱包类理财产品介绍 ③ 数字人民币钱包开通')]);
    expect(g).toMatchObject({ recognition: 1, completeness: 0, level: 'off-topic' });
  });

  it('the answer to a picked option is read with the pick: an opening answer in words closing also uses is still an answer', async () => {
    const menu = ex('请问您想办理以下哪项业务？', 'first', { buttons: ['借记卡开户', '信用卡申请', '社保卡激活', '补办银行卡'] });
    const answer = '开立借记卡请您本人携带身份证到就近网点柜台办理，手续简单，当场即可领卡。';
    const picked: Exchange = { utterance: { index: 0, text: '借记卡开户', click: '借记卡开户', attempt: 'clarify-answer' }, reply: reply(answer) };
    const g = await grade('account-opening', 'how-to-open', [menu, picked]);
    expect(g).toMatchObject({ recognition: 4, level: 'after-clarify' });
    expect(g.completeness).toBeGreaterThan(3);
  });

  it("the agents' hours, where no transfer is asked for, answer another question: not a handoff", async () => {
    const hours = '我行人工客服服务时间为每日8:00-22:00，电话银行自助语音服务7×24小时提供。';
    const g = await grade('branch-lookup', 'opening-hours', [ex(hours)]);
    expect(g).toMatchObject({ recognition: 1, completeness: 0, level: 'off-topic' });
    // Where the customer asks for an agent, the agents' hours speak to that very request.
    const asked = await grade('complaint-suggestion', 'bot-not-understanding', [ex('抱歉给您带来不便。当前为非人工服务时间（人工服务时间为每日8:00-22:00），您可以先留言，我们会在人工上线后第一时间联系您。')]);
    expect(asked.recognition).toBeGreaterThanOrEqual(3);
  });

  it('a bot introducing itself and what it can be asked is a greeting: a fallback', async () => {
    const g = await grade('info-inquiry', 'query-reserved-phone', [ex('您好，我是您的智能助手小e，您可以问我账户、理财、信用卡等相关问题哦~')]);
    expect(g).toMatchObject({ recognition: 0, completeness: 0, level: 'fallback' });
  });

  it('asks for data in the words bots use ("请您输入…卡号"), and a forbidden statement before an ask is that wrong answer', async () => {
    const ask = await grade('balance-inquiry', 'balance-channels', [ex('好的，请您输入需要查询的银行卡号，并完成短信验证码验证，我来为您查询余额。')]);
    expect(ask).toMatchObject({ recognition: 0, completeness: 0 });
    expect(ask.reasons.join('\n')).toContain('卡号');
    const wrong = await grade('balance-inquiry', 'others-balance', [ex('可以的，配偶可以查询。请提供您老公的姓名和银行卡号，我帮您查询。')]);
    expect(wrong).toMatchObject({ recognition: 5, level: 'first' });
    expect(wrong.forbidHits.length).toBeGreaterThan(0);
    expect(wrong.completeness).toBeLessThanOrEqual(1);
  });

  it('a transfer message that names the business is a handoff, not an answer', async () => {
    const g = await grade('card-loss', 'lost-card', [ex('正在为您转接人工客服处理挂失业务，请稍候。')]);
    expect(g).toMatchObject({ recognition: 0, completeness: 0, level: 'handoff' });
  });

  it('an answer that ends with an offer of a human agent is still an answer', async () => {
    const g = await grade('card-loss', 'lost-card', [ex(`${lostCardAnswer}如需人工服务请转人工。`)]);
    expect(g).toMatchObject({ recognition: 5, level: 'first' });
  });

  it('an answer that first restates the question is an answer', async () => {
    const g = await grade('card-loss', 'lost-card', [ex(`您是想咨询银行卡丢失后怎么挂失对吧？${lostCardAnswer}`)]);
    expect(g).toMatchObject({ recognition: 5, level: 'first' });
    expect(g.completeness).toBe((await grade('card-loss', 'lost-card', [ex(lostCardAnswer)])).completeness);
  });
});

describe('off topic by the question, not by shared words', () => {
  it('an answer to account opening shares 身份证 and 网点 with closing, and is off topic there', async () => {
    const g = await grade('account-closing', 'how-to-close', [ex('您好，开立个人账户需要本人携带身份证原件前往网点，也可以在手机银行线上开立二类户。')]);
    expect(g).toMatchObject({ recognition: 1, completeness: 0, level: 'off-topic' });
  });

  it('an answer to another case of the same pack is off topic: what to bring is not whether a friend may open it', async () => {
    const other = await grade('account-opening', 'friend-as-proxy', [ex('开立账户需携带本人有效身份证件和本人实名手机号，部分银行还会要求提供工作证明。')]);
    expect(other).toMatchObject({ recognition: 1, completeness: 0, level: 'off-topic' });
    expect(other.reasons[0]).toContain('neighbouring question');
    const right = await grade('account-opening', 'friend-as-proxy', [ex('开户须本人亲自到网点办理，朋友不能代办；未成年人可由监护人陪同办理。')]);
    expect(right).toMatchObject({ recognition: 5, level: 'first' });
  });

  it('an answer about a product nobody asked about, making no key point, is off topic', async () => {
    const g = await grade('branch-lookup', 'weekend-branches', [ex('信用卡在周末和节假日都能正常刷卡，还款日遇节假日不顺延。')]);
    expect(g).toMatchObject({ recognition: 1, level: 'off-topic' });
    // Named either by the product it spoke of or by the question's words it left out.
    expect(g.reasons[0]).toMatch(/信用卡|does not address what was asked \(.*网点/);
  });

  it('two packs on the same scenario never make each other answers off topic', async () => {
    const original = pack('card-loss');
    const twin = { ...original, id: 'card-loss-bank-b', name: '银行卡挂失' } as Pack;
    const withTwin = [...packs, twin];
    const g = await grade('card-loss', 'lost-card', [ex(lostCardAnswer)], { packs: withTwin });
    expect(g).toMatchObject({ recognition: 5, level: 'first' });
    expect(g.reasons.join('\n')).not.toContain('instead');
  });

  it('an explicit focus: list makes the question core a researcher wants', async () => {
    const original = pack('card-loss');
    const c = original.cases.find((x) => x.id === 'lost-card')!;
    const focused = { ...original, cases: [{ ...c, turns: [{ ...c.turns[0], focus: ['挂失'] }, ...c.turns.slice(1)] }] } as Pack;
    const g = await grade('card-loss', 'lost-card', [ex('请本人携带身份证到网点办理。')], { pack: focused, packs: packs.map((p) => (p.id === 'card-loss' ? focused : p)) });
    expect(g.level).toBe('off-topic');
    expect(g.reasons[0]).toContain('does not address what was asked (挂失)');
  });
});

describe('matching by meaning where rules reach it', () => {
  const opts = { locale, transcribed: false };
  const unlock = { id: 'unlock', text: '可以解除挂失', any: ['解挂'], weight: 1 };

  it('matches words, not fragments across two words, and not a negated word', () => {
    expect(matchKeypoint(normalise('您可以了解挂失流程', locale), unlock, opts).hit).toBe(false);
    expect(matchKeypoint(normalise('抱歉，目前无法解挂', locale), unlock, opts).hit).toBe(false);
    expect(matchKeypoint(normalise('找回卡片后可以到网点解挂', locale), unlock, opts).hit).toBe(true);
  });

  it('reads the banking lexicon: colloquial names, English and hotline numbers', () => {
    expect(normalise('请登录掌上银行', locale)).toBe(normalise('请登录手机银行', locale));
    expect(normalise('打开银行APP', locale)).toBe(normalise('打开手机银行', locale));
    expect(normalise('use our Mobile Banking app', locale)).toContain('手机银行');
    expect(normalise('拨打95588', locale)).toBe(normalise('拨打客服热线', locale));
    expect(normalise('去营业厅', locale)).toBe(normalise('去网点', locale));
    expect(normalise('去ATM', locale)).toBe(normalise('去取款机', locale));
    // A Latin word matches as a word only.
    expect(normalise('用whatsapp联系', locale)).toContain('whatsapp');
    expect(normalise('销户本身是不收费的', locale)).toBe(normalise('销户本身是免费的', locale));
    expect(normalise('直接打95xxx', locale)).toBe(normalise('直接打客服热线', locale));
    // A word before a number ends where the number starts ("valid for 5 days" loses its space); a longer number is no hotline.
    expect(normalise('It is valid for 5 days.', locale)).toContain('有效期5');
    expect(normalise('call 95588123', locale)).toContain('95588123');
  });

  it('hears ordinary homophone errors in a hotline transcript', async () => {
    // zheng → zhen, shi → si: what a recogniser writes for a southern speaker.
    const heard = '请立即拨打客服热线办理临时挂湿，然后带身份镇到往点办理正式挂失和补卡。';
    const g = await grade('card-loss', 'lost-card', [ex(heard, 'first', { transcribed: true })], { transcribed: true });
    expect(g.recognition).toBe(5);
    expect(g.completeness).toBe((await grade('card-loss', 'lost-card', [ex(lostCardAnswer)])).completeness);
  });
});

describe('reasons in the report language', () => {
  it('speaks Chinese by default for zh-CN packs and English with lang en', async () => {
    const zh = await grade('card-loss', 'lost-card', [ex(lostCardAnswer)], { lang: undefined });
    expect(zh.reasons[0]).toBe('首次提问即切题');
    expect(zh.reasons.some((r) => r.startsWith('解答 '))).toBe(true);
    const en = await grade('card-loss', 'lost-card', [ex(lostCardAnswer)], { lang: 'en' });
    expect(en.reasons[0]).toBe('on topic at the first ask');
    for (const r of zh.reasons) expect(r).not.toMatch(/\b(on topic|completeness|missed|hit)\b/);
  });
});

describe('an answer to another question, even in the words this one uses', () => {
  const channels = '非常抱歉给您带来不好的体验。您可以通过客服热线、在线客服、手机银行“投诉建议”入口，或到网点向大堂经理提出投诉。我行将在收到投诉之日起15日内作出处理决定，情况复杂的可延长至30日。';

  it('takes how to complain as an answer to "……我要投诉", not to whether the complainant stays anonymous', async () => {
    // "你们乱扣我卡里的钱，我要投诉" asks to complain: the channels answer that part of it.
    expect(score(await grade('complaint-suggestion', 'fee-dispute', [ex(channels)]))).toEqual(['first', 5, 1.25]);
    const privacy = await grade('complaint-suggestion', 'privacy-of-complainant', [ex(channels)]);
    expect(score(privacy)).toEqual(['off-topic', 1, 0]);
    expect(privacy.reasons[0]).toMatch(/neighbouring question how-to-complain/);
  });

  it('calls a procedure for another business off topic though its key points are all generic words', async () => {
    // 身份证, 网点, 手机银行 make every key point of "想开户怎么办" — about opening mobile banking.
    const g = await grade('account-opening', 'how-to-open', [ex('开通手机银行需要本人携带身份证和银行卡到网点柜台办理，也可以在手机银行APP上自助注册。')]);
    expect(score(g)).toEqual(['off-topic', 1, 0]);
    const own = await grade('account-opening', 'how-to-open', [ex('开户需要本人携带身份证到网点柜台办理，开户后可以顺便开通手机银行。')]);
    expect(score(own)).toEqual(['first', 5, 5]);
  });

  it('does not let an offer of an agent hide an answer to another question', async () => {
    const g = await grade('card-loss', 'wallet-lost', [ex('开户不收费哦，部分卡种会有工本费。还有其他疑问可以点击下方按钮联系人工客服~')]);
    expect(score(g)).toEqual(['off-topic', 1, 0]);
    // A lead-in to the transfer is part of the transfer: still a handoff, which this case accepts.
    const lead = await grade('card-loss', 'wallet-lost', [ex('关于开户的问题，正在为您转接人工客服，请稍候。')]);
    expect(lead.level).toBe('handoff');
  });

  it('scores an answer to another question after an ask for data as that wrong answer, not as a question back', async () => {
    const g = await grade('balance-inquiry', 'others-balance', [
      ex('请提供您的卡号以便查询。'),
      ex('您可以通过手机银行、网上银行或我行微信公众号查询账户余额，也可以拨打客服热线按语音提示自助查询，或在ATM插卡查询。', 'reply'),
    ]);
    expect(score(g)).toEqual(['off-topic', 1, 0]);
  });
});

describe('shapes met on replies written apart from the grader', () => {
  it('reads a lone "which one?" with buttons as a menu, and buttons that all miss as a wrong guess', async () => {
    const buttons = ['开立账户', '挂失补卡', '大额取现预约'];
    const g = await grade('account-closing', 'before-closing', [ex('请问您想办理哪项业务？', 'first', { buttons })]);
    expect(score(g)).toEqual(['off-topic', 1, 0]);
    // After an answer, the same buttons are related questions and change nothing.
    const answer = '销户前请先结清账户余额和欠费，解除绑定的代扣业务，再由本人携带身份证和银行卡到网点办理。请问您还想了解哪项业务？';
    expect(score(await grade('account-closing', 'before-closing', [ex(answer, 'first', { buttons })]))).toEqual(score(await grade('account-closing', 'before-closing', [ex(answer)])));
  });

  it('hears "请您先提供…" as an ask for data, as "请提供…" is', async () => {
    const g = await grade('account-opening', 'open-refused', [ex('为了帮您核实不予开户的具体原因，请您先提供本人身份证号码及办理业务的网点名称。')]);
    expect(g.level).toBe('fallback');
    expect(g.recognition).toBe(0);
  });

  it('does not call an answer another scenario\'s for words its own key points state (Ⅰ类 in opening)', async () => {
    // Closing's key points list Ⅰ类; opening's say "Ⅰ类户需本人到网点柜台或智能柜员机当面办理" in their text.
    const g = await grade('account-opening', 'how-to-open', [ex('您好，个人开立Ⅰ类借记账户，需要您本人带上有效身份证件原件，前往我行任意营业网点的柜台或智能柜员机办理。')]);
    expect(g.level).toBe('first');
    expect(g.recognition).toBe(5);
    expect(g.completeness).toBeGreaterThanOrEqual(3.75);
  });

  it('calls a password reset an answer to another question, whichever order its words come in', async () => {
    const g = await grade('card-loss', 'wallet-lost', [ex('如忘记银行卡密码，请本人携带有效身份证件及银行卡到网点柜台办理密码重置，也可在手机银行通过人脸识别在线重置。')]);
    expect(score(g)).toEqual(['off-topic', 1, 0]);
  });
});

describe('the same thing, another act', () => {
  it('calls an answer that does another act to the question\'s object an answer to another question', async () => {
    const g = await grade('info-inquiry', 'query-reserved-phone', [ex('您好，修改预留手机号请本人携带身份证和银行卡到网点柜台办理，也可在手机银行通过人脸识别在线修改。')]);
    expect(score(g)).toEqual(['off-topic', 1, 0]);
    expect(g.reasons[0]).toContain('修改');
  });

  it('keeps an answer that names the other act only as something done, or beside an act of the question\'s own', async () => {
    // "您提交的投诉" is the complaint made, not a request to make one.
    const done = await grade('complaint-suggestion', 'handling-time', [ex('您好，您提交的投诉我们会在15日内处理答复，情况复杂的最长不超过30日。')]);
    expect(done.level).toBe('first');
    // To complain is to submit a complaint.
    const submit = await grade('complaint-suggestion', 'how-to-complain', [ex('您可以在手机银行首页点击“我的”-“意见反馈”提交投诉，我们会尽快处理。')]);
    expect(submit.level).toBe('first');
  });
});
