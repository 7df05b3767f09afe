import { localeSchema, packSchema, type Locale, type Pack, type PackInput } from '../../harness/config/scenario.ts';
import type { AttemptKind, BotReply, ConversationRecord, Exchange } from '../../harness/types.ts';
import type { GradeContext } from '../../harness/grade/types.ts';

// Small inline packs and a locale for the grader tests: the real packs are
// content, these pin behaviour.

export const locale: Locale = localeSchema.parse({
  locale: 'zh-CN',
  fallback: ['没有理解', '没听懂', '换个说法', '换种说法', '请您再说一遍', '不太明白', '我还在学习', '暂时无法回答'],
  handoff: ['转人工', '人工客服', '为您转接', '正在为您接通', '坐席'],
  clarify: ['您是想问', '请问您要咨询的是', '请选择', '以下哪个问题'],
  numerals: { 〇: '0', 零: '0', 一: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9', 十: '10' },
  synonyms: { 手机app: '手机银行', 掌上银行: '手机银行', 网上银行: '网银', 营业网点: '网点', 营业厅: '网点', 身份证件: '身份证', 口头挂失: '临时挂失', 客服电话: '客服热线' },
});

function pack(input: PackInput): Pack {
  return packSchema.parse(input) as unknown as Pack;
}

export const cardLoss = pack({
  id: 'card-loss',
  name: '卡挂失',
  intent: { id: 'card.report_loss', description: '银行卡丢失需要挂失' },
  cases: [
    {
      id: 'lost-card',
      turns: [
        {
          say: '我的银行卡丢了，怎么挂失？',
          paraphrases: ['卡丢了咋办', '银行卡找不到了怎么弄', '我卡掉了要挂失'],
          expect: {
            keypoints: [
              { id: 'quick-freeze', text: '可立即通过手机银行/客服热线/网银办理临时（口头）挂失', any: ['临时挂失', '电话挂失', '手机银行挂失', '热线挂失', '立即挂失'] },
              { id: 'formal', text: '正式挂失与补卡需本人携带有效身份证件到网点办理', any: ['身份证', '有效证件', '本人到网点', '柜台办理'], weight: 2 },
              { id: 'reissue', text: '可同时办理补卡', any: ['补卡', '补办新卡', '换卡'] },
            ],
            forbid: ['无法挂失'],
          },
        },
      ],
      replies: [{ when: ['卡号', '身份证号'], say: '不方便提供，我只想先了解流程' }],
    },
    {
      id: 'limit',
      turns: [
        {
          say: '临时挂失多久有效？',
          paraphrases: ['口头挂失管几天', '临时挂失有效期', '挂失了能管多久'],
          expect: {
            keypoints: [{ id: 'days', text: '临时挂失一般有效5天', any: ['5天', '5日'] }],
          },
        },
      ],
    },
  ],
});

export const balance = pack({
  id: 'balance-inquiry',
  name: '余额查询',
  intent: { id: 'balance.inquiry', description: '查询账户余额与动账提醒' },
  cases: [
    {
      id: 'channels',
      turns: [
        {
          say: '余额查询渠道有哪些？',
          paraphrases: ['咋查余额', '怎么看卡里还有多少钱', '余额在哪查'],
          expect: {
            keypoints: [
              { id: 'channels', text: '手机银行、网银、ATM、柜台均可查询余额', any: ['手机银行', '网银', 'atm', '柜台', '查询余额', '余额查询'], weight: 2 },
              { id: 'alerts', text: '可开通动账提醒', any: ['动账提醒', '短信提醒', '余额变动提醒'] },
            ],
          },
        },
      ],
    },
  ],
});

export const closing = pack({
  id: 'account-closing',
  name: '注销/销户',
  intent: { id: 'account.close', description: '注销银行账户' },
  cases: [
    {
      id: 'how-to-close',
      turns: [
        {
          say: '怎么销户？',
          paraphrases: ['卡不用了咋注销', '我想把账户注销掉', '销户怎么弄'],
          expect: {
            keypoints: [
              { id: 'branch', text: '本人携带身份证和银行卡到网点办理', any: ['身份证', '网点', '柜台'], weight: 2 },
              { id: 'settle', text: '销户前结清余额、解绑第三方支付', any: ['结清', '解绑', '余额转出', '销户'] },
            ],
          },
        },
      ],
    },
  ],
});

export const complaint = pack({
  id: 'complaint-suggestion',
  name: '投诉与建议',
  intent: { id: 'complaint.submit', description: '投诉与建议' },
  cases: [
    {
      id: 'angry',
      turns: [{ say: '你们服务太差了，我要找人工投诉！', paraphrases: ['我要投诉', '叫你们人工来', '太气人了我要投诉'], expect: { keypoints: [{ id: 'record', text: '受理投诉并给出工单号', any: ['工单号', '受理'] }], handoff: 'require' } }],
    },
    {
      id: 'how-to-complain',
      turns: [{ say: '怎么投诉？', paraphrases: ['投诉找谁', '在哪投诉', '投诉渠道'], expect: { keypoints: [{ id: 'channels', text: '可通过客服热线、网点或手机银行投诉', any: ['客服热线', '投诉渠道', '意见簿'] }, { id: 'time', text: '15日内处理', any: ['15日', '15天', '15个工作日'] }], handoff: 'accept' } }],
    },
    {
      id: 'answer-yourself',
      turns: [{ say: '投诉多久处理完？', paraphrases: ['投诉要等多久', '多久给答复', '投诉处理时限'], expect: { keypoints: [{ id: 'time', text: '15日内处理', any: ['15日', '15天'] }], handoff: 'forbid' } }],
    },
  ],
});

export const packs = [cardLoss, balance, closing, complaint];

export function ctx(over: Partial<GradeContext> = {}): GradeContext {
  return { packs, locale, cannedReplies: new Set(), fuzzyThreshold: 0.8, lang: 'en', ...over };
}

export function reply(text: string, extra: Partial<BotReply> = {}): BotReply {
  return { text, messages: text ? [{ text }] : [], buttons: [], latency: { firstMs: 100, settledMs: 200 }, ...extra };
}

export function ex(text: string, attempt: AttemptKind = 'first', extra: Partial<BotReply> = {}): Exchange {
  return { utterance: { index: 0, text: 'q', attempt }, reply: reply(text, extra) };
}

/** A one-exchange-per-turn API conversation of the demo bank with these replies. */
export function record(pack: string, caseId: string, texts: string[], extra: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id: `demo/api/${pack}/${caseId}#0.0`,
    bank: 'demo',
    channel: 'api',
    kind: 'online',
    pack,
    case: caseId,
    variant: 0,
    repeat: 0,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 100,
    attempts: 1,
    turns: texts.map((t, index) => ({ index, exchanges: [ex(t)] })),
    ...extra,
  };
}
