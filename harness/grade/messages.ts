import type { Lang } from '../types.ts';
import type { Locale } from '../config/scenario.ts';
import type { MatchHow } from '../types.ts';

// Every reason a grader gives, in each report language. Reasons are plain
// strings in the record, so every renderer prints them as they are.

export type { Lang };

const q = (s: string) => `"${s}"`;
const zq = (s: string) => `“${s}”`;

export interface Messages {
  silence: string;
  emptyReply: string;
  neverSent: string;
  /** A cross-channel turn that needs a value (a ticket number) no earlier reply gave. */
  notRemembered(names: string[]): string;
  noReply(fault: string): string;
  handedOver: string;
  handoffPhrase(p: string): string;
  handoffOk(why: string, required: boolean): string;
  handoffNotWanted(why: string): string;
  requiredHandoffHappened: string;
  requiredHandoffMissing(capped: boolean): string;
  clarifyPhrase(p: string): string;
  menuOf(n: number, options: string[]): string;
  numberedMenu: string;
  menuMisses(why: string): string;
  onlyMenu(why: string): string;
  asksData(word: string): string;
  fallbackPhrase(p: string, heard: boolean): string;
  canned(text: string): string;
  unrelated(text: string): string;
  offTopic(pack: string, terms: string[]): string;
  offFocus(focus: string[]): string;
  otherCase(caseId: string, words: string[]): string;
  foreignProduct(products: string[]): string;
  elsewhere(words: string[]): string;
  otherSubject(words: string[]): string;
  onTopic(anyHit: boolean): string;
  recognition0(why: string): string;
  notRecognised: string;
  level(level: 'first' | 'after-clarify' | 'after-rephrase', viaData: boolean): string;
  noKeypoints: string;
  /** How a reason names a key point: its id in English, its own words in Chinese (a manager reads no ids). */
  keypoint(id: string, text: string): string;
  hit(id: string, weight: number, how: MatchHow | undefined, matched: string): string;
  missed(id: string, weight: number, text: string): string;
  /** A key point whose only words in the reply restate the question inside another key point's claim. */
  restated(id: string, weight: number, matched: string): string;
  completeness(c: number, got: number, total: number): string;
  forbidden(list: string[], capped: boolean): string;
  relatedIgnored(buttons: string[]): string;
  markupStripped: string;
  // The LLM judge
  judgeLevel(level: string, recognition: number): string;
  judgeHit(id: string, weight: number, evidence: string): string;
  judgeMissedEvidence(id: string, weight: number, evidence: string): string;
  judgeSays(r: string): string;
}

const w = (weight: number, en: boolean) => (weight !== 1 ? (en ? ` (weight ${weight})` : `（权重 ${weight}）`) : '');

const en: Messages = {
  silence: 'no reply (silence)',
  emptyReply: 'empty reply',
  neverSent: 'the turn was never sent',
  notRemembered: (names) => `not asked: no earlier reply gave ${names.map((n) => `{{${n}}}`).join(', ')}`,
  noReply: (fault) => `no reply (${fault}): recognition 0, completeness 0`,
  handedOver: 'the bot handed over to a human agent',
  handoffPhrase: (p) => `handoff phrase ${q(p)}`,
  handoffOk: (why, required) => `${why}: a handoff is ${required ? 'required' : 'accepted'} here`,
  handoffNotWanted: (why) => `${why} where the bot should answer itself: recognition 0`,
  requiredHandoffHappened: 'completeness 5: the required handoff happened',
  requiredHandoffMissing: (capped) => `a handoff to a human is required here and none happened${capped ? ': completeness capped at 2' : ''}`,
  clarifyPhrase: (p) => `clarifying question ${q(p)}`,
  menuOf: (n, options) => `a menu of ${n} options (${options.slice(0, 4).join(' / ')})`,
  numberedMenu: 'a numbered menu of guesses',
  menuMisses: (why) => `${why}, none of them the question asked: recognition 1`,
  onlyMenu: (why) => `only ${why}, never an answer`,
  asksData: (word) => `asks for the customer's data (${q(word)})`,
  fallbackPhrase: (p, heard) => `fallback phrase ${q(p)}${heard ? ' (as heard)' : ''}`,
  canned: (text) => `canned reply ${q(text)} given to unrelated questions`,
  unrelated: (text) => `the reply ${q(text)} addresses neither the question's key points nor any scenario`,
  offTopic: (pack, terms) => `answered ${pack} instead (hit its key points ${terms.join(', ')})`,
  offFocus: (focus) => `the reply does not address what was asked (${focus.join(', ')})`,
  otherCase: (caseId, words) => `answered the neighbouring question ${caseId} instead (its words ${words.join(', ')})`,
  foreignProduct: (products) => `answered about ${products.join(', ')}, which was not asked about, and made no key point`,
  elsewhere: (words) => `answered another question (its words ${words.join(', ')}) and made no key point of this one in words of its own`,
  otherSubject: (words) => `the reply is about ${words.join(', ')}, which the question does not ask about, and makes no key point in words of its own`,
  onTopic: (anyHit) => (anyHit ? 'on topic' : 'on topic (no key point made)'),
  recognition0: (why) => `${why}: recognition 0`,
  notRecognised: 'completeness 0: not recognised',
  level: (level, viaData) =>
    ({ first: 'on topic at the first ask', 'after-clarify': "on topic after the bot's own clarifying question", 'after-rephrase': 'on topic only after the question was rephrased' })[level] +
    (viaData ? " (the bot asked for the customer's data first)" : ''),
  noKeypoints: 'completeness 5: the turn has no key points and the bot recognised it',
  keypoint: (id) => id,
  hit: (id, weight, how, matched) => {
    const by = how === 'fuzzy' ? 'fuzzily by' : how === 'pinyin' ? 'by the sound of' : 'by synonym';
    return `hit ${id}${w(weight, true)} ${by} ${q(matched)}`;
  },
  missed: (id, weight, text) => `missed ${id}${w(weight, true)}: ${text}`,
  restated: (id, weight, matched) => `missed ${id}${w(weight, true)}: ${q(matched)} only restates the question within another key point`,
  completeness: (c, got, total) => `completeness ${c}: key points worth ${got} of ${total}`,
  forbidden: (list, capped) => `forbidden ${list.map(q).join(', ')} in reply${capped ? ': completeness capped at 1' : ''}`,
  relatedIgnored: (buttons) => `related-question buttons after the answer are not a menu (${buttons.slice(0, 4).join(' / ')})`,
  markupStripped: 'markup stripped before grading (the raw reply is kept)',
  judgeLevel: (level, recognition) => `${({ first: 'on topic at the first ask', 'after-clarify': "on topic after the bot's own clarifying question", 'after-rephrase': 'on topic only after the question was rephrased', 'off-topic': 'answered another topic', fallback: 'a fallback reply' } as Record<string, string>)[level] ?? level}: recognition ${recognition}`,
  judgeHit: (id, weight, evidence) => `hit ${id}${w(weight, true)} by the judge, quoting ${q(evidence)}`,
  judgeMissedEvidence: (id, weight, evidence) => `missed ${id}${w(weight, true)}: the judge's quoted evidence ${q(evidence)} is not in the reply`,
  judgeSays: (r) => `judge: ${r}`,
};

const levelZh = { first: '首次提问即切题', 'after-clarify': '机器人追问澄清后切题', 'after-rephrase': '换个说法重问后才切题' };

const zh: Messages = {
  silence: '无回复（静默）',
  emptyReply: '空回复',
  neverSent: '该轮未发出',
  notRemembered: (names) => `未发问：此前的回复未给出 ${names.map((n) => `{{${n}}}`).join('、')}`,
  noReply: (fault) => `无回复（${fault}）：识别 0 分，解答 0 分`,
  handedOver: '机器人转接了人工',
  handoffPhrase: (p) => `转人工用语${zq(p)}`,
  handoffOk: (why, required) => `${why}：此处${required ? '要求' : '允许'}转人工`,
  handoffNotWanted: (why) => `${why}，而此处应由机器人自行解答：识别 0 分`,
  requiredHandoffHappened: '解答 5 分：按要求转接了人工',
  requiredHandoffMissing: (capped) => `此处要求转人工，但未转接${capped ? '：解答最高 2 分' : ''}`,
  clarifyPhrase: (p) => `澄清追问${zq(p)}`,
  menuOf: (n, options) => `${n} 个选项的菜单（${options.slice(0, 4).join(' / ')}）`,
  numberedMenu: '带编号的猜测菜单',
  menuMisses: (why) => `${why}，没有一个是所问的问题：识别 1 分`,
  onlyMenu: (why) => `只给了${why}，未作解答`,
  asksData: (word) => `向客户索要信息（${zq(word)}）`,
  fallbackPhrase: (p, heard) => `兜底用语${zq(p)}${heard ? '（按读音识别）' : ''}`,
  canned: (text) => `对不相关的问题都给出同一固定回复${zq(text)}`,
  unrelated: (text) => `回复${zq(text)}既未涉及问题要点，也不属于任何场景`,
  offTopic: (pack, terms) => `答非所问：回答的是“${pack}”（命中其要点 ${terms.join('、')}）`,
  offFocus: (focus) => `答非所问：回复未涉及所问的核心（${focus.join('、')}）`,
  otherCase: (caseId, words) => `答非所问：回答的是同场景的另一个问题 ${caseId}（其用词 ${words.join('、')}）`,
  foreignProduct: (products) => `答非所问：回复讲的是未被问到的${products.join('、')}，且未命中任何要点`,
  elsewhere: (words) => `答非所问：回复讲的是另一个问题（其用词 ${words.join('、')}），本问题的要点仅以通用词出现或未出现`,
  otherSubject: (words) => `答非所问：回复讲的是未被问到的${words.join('、')}，本问题的要点仅以通用词出现或未出现`,
  onTopic: (anyHit) => (anyHit ? '切题' : '切题（未命中要点）'),
  recognition0: (why) => `${why}：识别 0 分`,
  notRecognised: '解答 0 分：未识别问题',
  level: (level, viaData) => levelZh[level] + (viaData ? '（机器人先索要了客户信息）' : ''),
  noKeypoints: '解答 5 分：该轮没有要点，机器人识别了问题',
  keypoint: (_id, text) => `要点“${text.length > 24 ? text.slice(0, 24) + '…' : text}”`,
  hit: (id, weight, how, matched) => {
    const by = how === 'fuzzy' ? '近似匹配' : how === 'pinyin' ? '按读音匹配' : '同义词匹配';
    return `命中${id}${w(weight, false)}：${by}${zq(matched)}`;
  },
  missed: (id, weight) => `未命中${id}${w(weight, false)}`,
  restated: (id, weight, matched) => `未命中${id}${w(weight, false)}：${zq(matched)}只是在另一要点中复述问题`,
  completeness: (c, got, total) => `解答 ${c} 分：命中要点权重 ${got} / ${total}`,
  forbidden: (list, capped) => `回复含错误信息 ${list.map(zq).join('、')}${capped ? '：解答最高 1 分' : ''}`,
  relatedIgnored: (buttons) => `答案后的“猜你想问”按钮不是菜单（${buttons.slice(0, 4).join(' / ')}）`,
  markupStripped: '评分前已去除标记（HTML/Markdown），原始回复保留为证据',
  judgeLevel: (level, recognition) => `${({ ...levelZh, 'off-topic': '答非所问', fallback: '兜底回复' } as Record<string, string>)[level] ?? level}：识别 ${recognition} 分`,
  judgeHit: (id, weight, evidence) => `命中${id}${w(weight, false)}：评审引用${zq(evidence)}`,
  judgeMissedEvidence: (id, weight, evidence) => `未命中${id}${w(weight, false)}：评审引用的${zq(evidence)}不在回复中`,
  judgeSays: (r) => `评审：${r}`,
};

export const messages: Record<Lang, Messages> = { en, zh };

/** The report language of a locale: Chinese for zh-*, else English. */
export function langOf(locale: Pick<Locale, 'locale'> | undefined): Lang {
  return !locale || locale.locale.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function messagesFor(ctx: { lang?: Lang; locale?: Pick<Locale, 'locale'> }): Messages {
  return messages[ctx.lang ?? langOf(ctx.locale)];
}
