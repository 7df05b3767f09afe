import type { Locale, Pack } from '../config/scenario.ts';
import { normalise } from './normalise.ts';
import { mentions, segment } from './seg.ts';
import { firstOccurring, occurring } from './terms.ts';
import { askedWords, clusterFrequency, isServiceWord, nameTerms, productWords, topicIndex, turnText, type ScenarioCaseLike, type TurnLike } from './topic.ts';

// What business a reply opens with, and what it does to it. A bank bot
// states its subject in its first sentence ("短信验证码有效期为5分钟……",
// "U盾密码输错被锁定的，请……", "您可以登录手机银行，在……中查看已绑定的登录设备").
// When that sentence names a business of the bank that the question and its
// case never name, and none of the words the question asks about, the reply
// answers a neighbouring question — however many generic words (身份证, 网点,
// 手机银行, 办理) it shares with the right answer, and even when one of them
// happens to be a key point's. So does a sentence that does to the question's
// object only an act the question never asks for ("修改预留手机号请……").

/**
 * Products bots confuse with the question, as businesses a reply may open
 * with; the locale's `businesses:` list extends them. 额度 (a limit) and ETC
 * are products a reply names, not a business it is about.
 */
const PRODUCTS = productWords.filter((w) => w !== '额度' && w !== 'etc');

interface TurnContext {
  /** What the question, its wordings, its key points, its case's questions and its scenario say, normalised. */
  own: string;
  /** Words the questions of the case ask about that few scenarios use, and the scenario's name: an opening naming one answers it. */
  asked: string[];
}

// Keyed on the packs the caller holds and the turn: what the turn asks depends on nothing else.
const contextCache = new WeakMap<Pack[], WeakMap<object, TurnContext>>();
const businessCache = new WeakMap<Locale, string[]>();

const headCache = new WeakMap<Locale, string[]>();

/** The lexicon's words, as the normalised text reads them (each group as its first word). */
function lexiconHeads(locale: Locale): string[] {
  let list = headCache.get(locale);
  if (!list) headCache.set(locale, (list = [...new Set((locale.lexicon ?? []).map((g) => normalise(g[0], locale)).filter((h) => [...h].length >= 3))]));
  return list;
}

function businesses(locale: Locale): string[] {
  let list = businessCache.get(locale);
  if (!list) {
    const all = [...PRODUCTS, ...(locale.businesses ?? [])].map((b) => normalise(b, locale)).filter((b) => [...b].length >= 2);
    businessCache.set(locale, (list = [...new Set(all)]));
  }
  return list;
}

interface CaseLike {
  turns: TurnLike[];
}

function turnContext(pack: Pack, scenarioCase: CaseLike, turnIndex: number, packs: Pack[], locale: Locale): TurnContext {
  const turn = scenarioCase.turns[turnIndex];
  let byTurn = contextCache.get(packs);
  if (!byTurn) contextCache.set(packs, (byTurn = new WeakMap()));
  let c = byTurn.get(turn);
  if (c) return c;
  // The other questions of the case set the context of a follow-up; what they ask, not the story
  // around it ("平时存钱和转账用" does not make 转账 part of a question about a card's fees).
  const others = scenarioCase.turns.filter((t) => t !== turn);
  const texts = [
    turn.say,
    ...turn.paraphrases,
    ...turn.expect.keypoints.flatMap((k) => [k.text, ...k.any, ...(k.all ?? [])]),
    ...others.map((t) => t.say),
    pack.name,
    pack.intent.description,
  ];
  const own = [...texts.map((t) => normalise(t, locale)), ...others.flatMap((t) => askedWords(t, locale))].join('|');
  // Term weights across the loaded packs: a word most scenarios' texts use (银行卡, 手机) says nothing of what is asked.
  const loaded = packs.length ? packs : [pack];
  const index = topicIndex(loaded.includes(pack) ? loaded : [...loaded, pack], locale);
  const maxDf = index.clusterText.length >= 6 ? 2 : 1;
  const df = (w: string) => clusterFrequency(index, w);
  const names = nameTerms(pack.name).map((t) => normalise(t, locale));
  // A follow-up is asked about what its case's first question asked ("改完以后多久生效？" about 预留手机号).
  const said = scenarioCase.turns.flatMap((t) => askedWords(t, locale)).filter((w) => !isServiceWord(w) && df(w) <= maxDf);
  const asked = [...new Set([...said, ...names])].filter((w) => [...w].length >= 2);
  c = { own, asked };
  byTurn.set(turn, c);
  return c;
}

/** The reply's first sentence, without greetings ("您好，", "温馨提示："). */
export function openingSentence(text: string): string {
  const t = text
    .trim()
    .replace(/《[^》]*》/g, '')
    .replace(/^(?:(?:您好|你好|亲爱的客户|亲|尊敬的(?:客户|用户)|温馨提示|感谢您的(?:咨询|来电))[，,！!：:～~。\s]*)+/, '');
  return t.split(/[。！？!?；;\n]/).find((s) => s.trim().length >= 4) ?? '';
}

/**
 * The businesses the reply's opening sentence names that the question and its
 * case never name, when that sentence names nothing the question asks about:
 * empty when the opening is the question's own (or names no business at all).
 * `norm` is the whole reply, normalised.
 */
export function foreignOpening(text: string, norm: string, pack: Pack, scenarioCase: CaseLike, turnIndex: number, packs: Pack[], locale: Locale): string[] {
  if (!scenarioCase.turns[turnIndex]) return [];
  // Most replies name no business at all: the whole normalised reply says so before any sentence is read.
  const list = businesses(locale);
  if (firstOccurring(list, norm) === undefined) return [];
  const opening = normalise(openingSentence(text), locale);
  if ([...opening].length < 4) return [];
  const present = occurring(list, opening);
  if (!present.length) return [];
  const { own, asked } = turnContext(pack, scenarioCase, turnIndex, packs, locale);
  // Most openings name only businesses the question names too: then the opening need not be segmented.
  if (present.every((b) => own.includes(b))) return [];
  const named = present.filter((b) => mentions(opening, b));
  const foreign = named.filter((b) => !own.includes(b));
  if (!foreign.length) return [];
  // A word that only qualifies a longer name the opening uses ("手机" in 手机银行, "密码" in
  // 密码解锁) is that name's: it does not make the opening the question's.
  const whole = [...named, ...lexiconHeads(locale).filter((h) => opening.includes(h)), ...segment(opening).words.filter((w) => [...w].length >= 3)];
  const inside = (w: string) => whole.some((b) => b !== w && b.startsWith(w) && !asked.includes(b));
  const answers = asked.some((w) => opening.includes(w) && mentions(opening, w) && !inside(w));
  return answers ? [] : foreign.filter((b) => !foreign.some((o) => o !== b && o.includes(b)));
}

/** Acts a reply may do to the question's object, each group the words that say it: "解除挂失" is not "挂失". */
const LOOK_UP = ['查询', '查看', '查到'];
const SUBMIT = ['提交', '填写', '上传'];
const ACT_GROUPS: string[][] = [
  LOOK_UP,
  ['修改', '变更', '更换', '更改'],
  ['撤销', '取消', '撤诉'],
  ['解挂', '解除挂失'],
  ['解冻', '解除冻结'],
  SUBMIT,
  ['预约'],
  ['取号'],
  ['取现', '取款'],
  ['销户', '注销'],
  ['开户', '开立'],
  ['表扬'],
];
const SUBMITTED = /投诉|建议|意见|反馈|表扬|留言/;
/** Said of something already done ("您提交的投诉", "已预约的", "取消后"): not the act the sentence does. */
const BEFORE_DONE = /(?:您|已|已经|曾)$/;
const AFTER_DONE = /^(?:的|后|过|成功)/;

interface ActContext {
  /** What the question, its key points and its case's questions say (turnText): acts named there are the question's. */
  own: string;
  /** The act groups the question's wordings ask for ("查询" of "查询预留手机号"). */
  acts: string[][];
  /** It asks to complain, suggest or give feedback, not to look one up: to submit is its own act. */
  submits: boolean;
}

// Read once a turn: a big pack's replies each reach this with their own turn.
const actCache = new WeakMap<object, ActContext>();

function actContext(pack: Pack, scenarioCase: ScenarioCaseLike, turnIndex: number, locale: Locale): ActContext {
  const turn = scenarioCase.turns[turnIndex];
  let c = actCache.get(turn);
  if (!c) {
    const wordings = [turn.say, ...turn.paraphrases].map((x) => normalise(x, locale)).join('|');
    const acts = ACT_GROUPS.filter((g) => g.some((w) => wordings.includes(w)));
    // To complain is to submit a complaint: "提交投诉" does what "我要投诉" asks, not what "怎么查投诉进度" asks.
    actCache.set(turn, (c = { own: turnText(pack, scenarioCase, turnIndex, locale), acts, submits: SUBMITTED.test(wordings) && !acts.includes(LOOK_UP) }));
  }
  return c;
}

/** Does the sentence do one of these acts, as a word ("了解挂失" holds no 解挂), rather than name it as done. */
function performs(sentence: string, words: string[]): boolean {
  return words.some((w) => {
    if (!sentence.includes(w) || !mentions(sentence, w)) return false;
    for (let at = sentence.indexOf(w); at >= 0; at = sentence.indexOf(w, at + 1)) {
      if (!BEFORE_DONE.test(sentence.slice(Math.max(0, at - 2), at)) && !AFTER_DONE.test(sentence.slice(at + w.length, at + w.length + 2))) return true;
    }
    return false;
  });
}

/**
 * The acts the reply's opening sentence does ("修改预留手机号请…" to "查询预留手机号"),
 * when the question, its key points and its case speak of none of them and
 * the sentence does none the question asks for: the answer to another request
 * about the same thing. Empty otherwise.
 */
export function foreignActs(text: string, pack: Pack, scenarioCase: ScenarioCaseLike, turnIndex: number, locale: Locale): string[] {
  if (!scenarioCase.turns[turnIndex]) return [];
  const opening = normalise(openingSentence(text), locale);
  if ([...opening].length < 4) return [];
  const { own, acts, submits } = actContext(pack, scenarioCase, turnIndex, locale);
  if (acts.some((g) => g.some((w) => opening.includes(w)))) return [];
  const performed = ACT_GROUPS.filter((g) => performs(opening, g));
  // One act of the question's own beside it ("做一笔查询或取款") keeps the sentence on the question.
  if (performed.some((g) => (g === SUBMIT && submits) || g.some((w) => own.includes(w)))) return [];
  return performed.map((g) => g.find((w) => opening.includes(w))!);
}
