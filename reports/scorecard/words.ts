import type { Scorecard } from '../../harness/score/scorecard-schema.ts';
import type { Lang } from '../../harness/types.ts';
import { pct } from '../html/escape.ts';

// The scorecard's words, in the survey's terms, for every renderer of it
// (report.md, index.html, the banks' comparison); part of the one glossary,
// which carries them as `scorecard`. Formatting only: every figure was
// computed by harness/score/scorecard.ts.

const zh = {
  title: '调研评分卡：渠道建设与智能服务',
  diversity: '渠道多样性',
  convenience: '渠道便捷性',
  integration: '渠道整合',
  effectiveness: '智能服务有效性',
  method: '方法说明',
  channel: '渠道',
  kind: '类型',
  medium: '渠道形态',
  conversations: '会话数',
  answered: '机器人自行作答占比',
  ai: 'AI服务（实测）',
  online: '在线',
  hotline: '热线',
  onlineAi: '在线AI',
  hotlineAi: '热线AI',
  industry: '行业',
  yes: '有',
  no: '无',
  none: '—',
  integratedNote: '占可跨渠道查询反馈银行的比例',
  channelsOf: (online: number, hotline: number) => `在线渠道 ${online} 个，热线渠道 ${hotline} 个`,
  ivrDepth: 'IVR层级',
  bucket: '区间',
  humanFirst: '首层菜单有人工入口',
  timeToHuman: '转人工等待',
  notReached: '等待期内未接通人工',
  calls: '通话数',
  from: '留言渠道',
  to: '查询渠道',
  cases: '用例',
  passed: '通过',
  result: '结果',
  found: '可查询',
  notFound: '查询不到',
  notTested: '未测试',
  skipped: (c: string, r: string) => `未测：${c}（${r}）`,
  noCross: '本次运行没有跨渠道用例（反馈信息查询场景中的 cross-channel 用例）。',
  noHotline: '本次运行没有热线渠道的IVR测量。',
  recognition: '问题识别能力',
  completeness: '问题解答能力',
  effectivenessShort: '智能服务有效性',
  survey: '调研参考',
  surveyIndustry: '调研行业均值',
  indicator: '指标',
  bank: '银行',
  onlineHotline: '在线⇄热线互通',
  integrated: '跨渠道可查询反馈',
  waitSeconds: '转人工等待（秒）',
  channelCount: '渠道数',
  refs: {
    ai: (r: Scorecard['reference']) => `调研：${pct(r.onlineAiShare)} 的银行提供在线AI，${pct(r.hotlineAiShare)} 提供热线AI；渠道多样性得分均值 ${r.dimensionScores.diversity}`,
    ivr: (r: Scorecard['reference']) => `调研：${pct(r.ivr23Share)} 的银行IVR为 2–3 层，约 ${pct(r.humanFirstMenuShare)} 在首层菜单设人工入口，${pct(r.waitLe20Share)} 的银行转人工等待 ≤20 秒（其次 20–40 秒、40–60 秒）；渠道便捷性得分均值 ${r.dimensionScores.convenience}`,
    integration: (r: Scorecard['reference']) => `调研：${pct(r.integrationShare)} 的银行可在其他渠道查询已提交的反馈，其中仅 ${pct(r.onlineHotlineShareOfIntegrated)} 在线与热线互通；渠道整合得分均值 ${r.dimensionScores.integration}`,
    effectiveness: (r: Scorecard['reference']) => `调研：行业识别 ${r.industry.recognition} + 解答 ${r.industry.completeness} = ${r.industry.effectiveness}（满分10）；在线AI ${r.online.recognition}/${r.online.completeness}，热线AI ${r.hotline.recognition}/${r.hotline.completeness}`,
  },
  methodNote: [
    '渠道多样性：统计本次运行实际访问的渠道（按在线/热线及网页、微信、接口、热线形态）；“AI服务”为实测——机器人在至少一半会话中自行切题作答，而非看配置声明。调研还计入手机银行、网点等本工具不访问的渠道。',
    'IVR层级：热线适配器从接通到进入语音机器人所按键或所说短语的次数（各通话中位数）；首层菜单人工入口：对首个菜单提示的转写判断是否提供“人工服务请按…”。',
    '转人工等待：每次运行额外拨打一通电话，到达机器人后请求人工，计时至坐席侧首句（含“人工、客服、坐席、工号、转接”）；排队提示若含这些词会被提前计时。调研由测评员人工拨测计时。',
    '渠道整合：反馈信息查询场景的跨渠道用例在一个渠道留言反馈、记下机器人给出的工单号，再到另一个渠道凭工单号查询；查询轮不得出现“未查询到”等否定答复。调研由测评员人工留言和查询，并计入人工坐席。',
    '智能服务有效性：识别与解答各 0–5 分，按规则评分（或大模型评审）逐轮打分后逐级平均；热线经语音识别（可能为模拟）。本工具不评价人工坐席服务，调研的人工服务、服务创新等维度不在此列。',
    '调研参考值来自中国银行业协会 2022 年对 177 家中小银行的服务体验测评，仅作参照线：调研为人工拨测，评分口径与本工具的自动测评并不完全相同。',
  ],
  media: { web: '网页', wechat: '微信', api: '接口', hotline: '热线', other: '其他' } as Record<string, string>,
};

const en: typeof zh = {
  title: 'Survey scorecard: channel construction and AI service',
  diversity: 'Channel diversity',
  convenience: 'Channel convenience',
  integration: 'Channel integration',
  effectiveness: 'AI service effectiveness',
  method: 'How each indicator was measured',
  channel: 'Channel',
  kind: 'Kind',
  medium: 'Medium',
  conversations: 'Conversations',
  answered: 'Answered by the bot itself',
  ai: 'AI service (measured)',
  online: 'Online',
  hotline: 'Hotline',
  onlineAi: 'Online AI',
  hotlineAi: 'Hotline AI',
  industry: 'Industry',
  yes: 'yes',
  no: 'no',
  none: '—',
  integratedNote: 'share of the banks whose channels are integrated',
  channelsOf: (online, hotline) => `${online} online channel(s), ${hotline} hotline channel(s)`,
  ivrDepth: 'IVR depth',
  bucket: 'Bucket',
  humanFirst: 'Human entry in the first menu',
  timeToHuman: 'Time to a human',
  notReached: 'no agent within the wait',
  calls: 'Calls',
  from: 'Feedback left on',
  to: 'Queried on',
  cases: 'Cases',
  passed: 'Passed',
  result: 'Result',
  found: 'found',
  notFound: 'not found',
  notTested: 'not tested',
  skipped: (c, r) => `not tested: ${c} (${r})`,
  noCross: 'This run has no cross-channel cases (the cross-channel cases of the feedback-lookup scenario).',
  noHotline: 'This run has no IVR measurements of a hotline.',
  recognition: 'Recognition',
  completeness: 'Completeness',
  effectivenessShort: 'Effectiveness',
  survey: 'Survey reference',
  surveyIndustry: 'Survey industry mean',
  indicator: 'Indicator',
  bank: 'Bank',
  onlineHotline: 'Online ⇄ hotline',
  integrated: 'Feedback found across channels',
  waitSeconds: 'Time to a human (s)',
  channelCount: 'Channels',
  refs: {
    ai: (r) => `Survey: ${pct(r.onlineAiShare)} of banks offer online AI, ${pct(r.hotlineAiShare)} hotline AI; mean diversity score ${r.dimensionScores.diversity}`,
    ivr: (r) => `Survey: ${pct(r.ivr23Share)} of banks keep the IVR at 2–3 levels, about ${pct(r.humanFirstMenuShare)} put a human entry in the first menu, ${pct(r.waitLe20Share)} reach a human within 20 s (then 20–40 s, 40–60 s); mean convenience score ${r.dimensionScores.convenience}`,
    integration: (r) => `Survey: ${pct(r.integrationShare)} of banks let feedback left on one channel be queried on another, and only ${pct(r.onlineHotlineShareOfIntegrated)} of those between online and hotline; mean integration score ${r.dimensionScores.integration}`,
    effectiveness: (r) => `Survey: industry recognition ${r.industry.recognition} + answering ${r.industry.completeness} = ${r.industry.effectiveness} (of 10); online AI ${r.online.recognition}/${r.online.completeness}, hotline AI ${r.hotline.recognition}/${r.hotline.completeness}`,
  },
  methodNote: [
    'Channel diversity: the channels this run talked to, by kind (online, hotline) and medium (web, WeChat, API, hotline); "AI service" is measured — the bot answered on topic itself in at least half of the conversations — not read from the profile. The survey also counts channels the harness does not visit (mobile app, branches).',
    'IVR depth: keys pressed or phrases said by the hotline adapter from the answer to the voice bot (median over calls); human entry in the first menu: whether the transcript of the first prompt offers "人工服务请按…".',
    'Time to a human: one extra call per run reaches the bot, asks for an agent and times the first agent-side utterance (one naming 人工, 客服, 坐席, 工号 or 转接); a queue message with those words stops the clock early. The survey timed its own test calls by hand.',
    'Channel integration: the cross-channel cases of feedback lookup leave feedback on one channel, keep the ticket number the bot gives, and ask about it on another channel; the lookup must not say "未查询到" or the like. The survey left and queried feedback by hand, human agents included.',
    'AI effectiveness: recognition and answering, 0–5 each, graded per turn by the rules grader (or the LLM judge) and averaged up; the hotline goes through speech recognition (possibly simulated). The harness does not score human agents; the survey\'s human service and innovation dimensions are not covered.',
    'Reference figures: the China Banking Association\'s 2022 service-experience evaluation of 177 small and mid-size banks — reference lines only: the survey scored test calls by hand, and its scoring differs from the harness\'s automated one.',
  ],
  media: { web: 'web', wechat: 'WeChat', api: 'API', hotline: 'hotline', other: 'other' },
};

export type ScorecardWords = typeof zh;

export function scorecardWords(lang: Lang): ScorecardWords {
  return lang === 'en' ? en : zh;
}

export const yesNo = (W: ScorecardWords, v: boolean | null | undefined) => (v === null || v === undefined ? W.none : v ? W.yes : W.no);

export function waitText(W: ScorecardWords, h: Scorecard['convenience']['hotlines'][number]): string {
  if (h.timeToHumanS !== null) return `${h.timeToHumanS} s`;
  return h.humanNotReached ? W.notReached : W.none;
}

/** One bank's row values for the comparison table, in the order of `comparisonRows`. */
export function comparisonRows(W: ScorecardWords): { label: string; value(sc: Scorecard): string; reference(r: Scorecard['reference']): string }[] {
  const h = (sc: Scorecard) => sc.convenience.hotlines[0];
  const fmt2 = (v: number | null) => (v === null ? W.none : v.toFixed(2));
  return [
    { label: W.channelCount, value: (sc) => W.channelsOf(sc.diversity.online.channels, sc.diversity.hotline.channels), reference: () => W.none },
    { label: W.onlineAi, value: (sc) => yesNo(W, sc.diversity.online.channels ? sc.diversity.online.ai : null), reference: (r) => pct(r.onlineAiShare) },
    { label: W.hotlineAi, value: (sc) => yesNo(W, sc.diversity.hotline.channels ? sc.diversity.hotline.ai : null), reference: (r) => pct(r.hotlineAiShare) },
    { label: W.ivrDepth, value: (sc) => (h(sc)?.ivrDepth != null ? `${h(sc)!.ivrDepth} (${h(sc)!.ivrBucket})` : W.none), reference: (r) => `2–3: ${pct(r.ivr23Share)}` },
    { label: W.humanFirst, value: (sc) => yesNo(W, h(sc)?.humanInFirstMenu), reference: (r) => pct(r.humanFirstMenuShare) },
    { label: W.timeToHuman, value: (sc) => (h(sc) ? `${waitText(W, h(sc)!)}${h(sc)!.waitBucket ? ` (${h(sc)!.waitBucket})` : ''}` : W.none), reference: (r) => `≤20 s: ${pct(r.waitLe20Share)}` },
    {
      label: W.integrated,
      value: (sc) => (sc.integration.pairs.length ? `${sc.integration.pairs.filter((p) => p.ok).length}/${sc.integration.pairs.length} ${W.passed}` : W.notTested),
      reference: (r) => pct(r.integrationShare),
    },
    { label: W.onlineHotline, value: (sc) => (sc.integration.onlineHotline === null ? W.notTested : yesNo(W, sc.integration.onlineHotline)), reference: (r) => `${pct(r.onlineHotlineShareOfIntegrated)}*` },
    { label: `${W.onlineAi} ${W.effectivenessShort}`, value: (sc) => fmt2(sc.effectiveness.online.effectiveness), reference: (r) => String(r.online.effectiveness) },
    { label: `${W.hotlineAi} ${W.effectivenessShort}`, value: (sc) => fmt2(sc.effectiveness.hotline.effectiveness), reference: (r) => String(r.hotline.effectiveness) },
  ];
}
