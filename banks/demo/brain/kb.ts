import { accountTopics } from './kb-accounts.ts';
import { cardTopics } from './kb-cards.ts';
import { otherTopics } from './kb-other.ts';
import { serviceTopics } from './kb-service.ts';
import type { FollowSlot, Topic } from './topic.ts';

// The demo bank's FAQ knowledge base and the bot's canned phrases. Order
// matters: on a tie between topics of one intent the earlier, more specific
// topic wins.

export const topics: Topic[] = [...accountTopics, ...cardTopics, ...serviceTopics, ...otherTopics];

export const BANK_NAME = '示例银行';

export const welcomeText = `您好，我是${BANK_NAME}智能客服小示，请问有什么可以帮您？您可以直接输入问题，如“银行卡挂失”“查询余额”“网点查询”。`;
export const welcomeButtons = ['银行卡挂失', '查询余额', '查询网点', '开户'];

export const fallbackTexts = [
  '抱歉，我没有理解您的意思，请换个说法试试。',
  '不好意思，我还在学习中，暂时无法回答这个问题，您可以换种说法再问我。',
  '抱歉，没能理解您的问题，请您描述得再详细一些。',
];

export const clarifyText = '请问您想咨询以下哪个问题？';

/** A bare word that could mean several things, and the standard questions offered for it. */
export const ambiguous: Array<{ words: string[]; titles: string[] }> = [
  { words: ['卡', '银行卡', '我的卡', '卡的问题', '借记卡'], titles: ['银行卡挂失', '查询余额', '销户', '开户'] },
  { words: ['手机号', '手机', '电话', '手机号码', '号码'], titles: ['查询预留手机号', '修改预留手机号', '绑卡手机丢失', '网点电话'] },
  { words: ['查询', '查', '查一下', '我要查询', '帮我查'], titles: ['查询余额', '反馈进度查询', '查询网点', '查询预留手机号'] },
  { words: ['账户', '账号', '户'], titles: ['开户', '销户', '查询余额'] },
  { words: ['钱', '我的钱'], titles: ['查询余额', '卡内余额异常减少', '转账限额'] },
];

export const handoffWords = ['转人工', '人工客服', '人工服务', '找人工', '接人工', '真人', '人工坐席', '人工'];
export const handoffText = '正在为您转接人工客服，请稍候。';

export const angryWords = ['垃圾', '破银行', '气死', '骗子', '坑人', '太过分', '忍无可忍', '什么玩意', '无语死', '烂银行'];
export const angryText = '非常抱歉给您带来不好的体验，您的问题我们非常重视，正在为您转接人工客服，请稍候。';

export const greetingWords = ['你好', '您好', '在吗', '在不在', 'hello', 'hi', '哈喽', '有人吗'];
export const thanksWords = ['谢谢', '多谢', '好的', '明白了', '知道了', '感谢'];
export const thanksText = '不客气，请问还有其他可以帮您的吗？';

/** Refusing to give data: the bot then explains the general process. */
export const refusalWords = ['不方便', '不想提供', '不提供', '不想给', '不给', '只想了解', '先了解', '不想说', '没带', '不记得'];
export const refusalPrefix = '好的，没关系。';
export const dataReceivedPrefix = '已收到。为保护您的信息安全，具体信息请登录手机银行查看。';

/** Words that make a short message a follow-up about one aspect of the topic. */
export const followWords: Record<FollowSlot, string[]> = {
  freeze: ['冻结', '先冻', '锁卡', '止付'],
  docs: ['带什么', '带啥', '什么材料', '哪些材料', '需要什么', '要什么', '什么证件', '证件', '材料', '手续'],
  fee: ['收费', '费用', '多少钱', '手续费', '要钱', '免费', '花钱'],
  time: ['多久', '几天', '多长时间', '什么时候', '啥时候', '时间', '多快', '生效'],
  where: ['在哪', '哪里', '去哪', '什么地方', '哪儿'],
  online: ['手机上', '网上', '线上', 'app', '手机银行', '不去网点', '不用去'],
  proxy: ['代办', '别人', '家人', '朋友', '替我'],
};

/**
 * Dialect and colloquial forms the demo bot was not trained on: each one
 * lowers the match score, the way an intent model drifts on unseen words.
 * `good` bots know 啥.
 */
export const dialectWords = ['咋', '怎么整', '整丢', '整没', '整掉', '咋整', '弄丢', '怎么弄', '弄掉', '弄没', '啥子', '俺', '侬', '晓得', '阿拉', '木有', '么得', '啷个', '哪能', '伐', '嘞', '咋个'];
export const dialectKnownByGood = ['啥'];
