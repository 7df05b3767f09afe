import { fnv1a } from './hash.ts';

// The demo bank's feedback desk: a customer leaves a message (留言反馈) on
// any channel and gets a ticket number; asking with the number later finds
// it. An integrated bank keeps one store for all its channels; a bank
// without integration keeps one per channel, so a ticket left on the web is
// unknown on the hotline — the survey's "channel integration" indicator.

export interface Ticket {
  id: string;
  channel: string;
  text: string;
}

/** What a customer says to leave feedback (not to ask about it). */
const submitWords = ['留言', '我要反馈', '我想反馈', '想反馈一', '反馈一下', '反馈一个', '我要反映', '想反映一', '反映一下', '登记一下', '提交反馈', '帮我记录', '记录一下', '帮我登记'];
const lookupWords = ['进度', '查一下', '查询', '帮我查', '怎么样了', '结果', '处理了吗', '有回复', '上次', '之前'];
/** Content shorter than this is a question about how to leave feedback, not feedback. */
const MIN_CONTENT = 12;
/** A ticket as the bot gives it (FK + 8 digits); the caller's recogniser may drop one of the letters. */
const TICKET = /(?:fk|f|k)(\d{6,8})/;

const channelNames: Record<string, string> = {
  api: '开放接口',
  web: '网页在线客服',
  wechat: '微信公众号',
  'wechat-mp': '微信公众号',
  hotline: '客服热线',
};

export interface FeedbackDesk {
  /** A reply when the message leaves feedback or asks about a ticket; undefined otherwise. */
  handle(message: string, channel: string, seed: number): string | undefined;
}

export function createFeedbackDesk(integration: boolean): FeedbackDesk {
  const stores = new Map<string, Map<string, Ticket>>();
  const storeOf = (channel: string) => {
    // WeChat H5 and the official account are one WeChat service; the hotline's WebSocket and SIP lines one hotline.
    const key = integration ? 'all' : channel.startsWith('wechat') ? 'wechat' : channel.startsWith('hotline') ? 'hotline' : channel;
    let s = stores.get(key);
    if (!s) stores.set(key, (s = new Map()));
    return s;
  };
  return {
    handle(m, channel, seed) {
      const asked = TICKET.exec(m);
      if (asked) return lookup(storeOf(channel), asked[1], channel);
      if (!submitWords.some((w) => m.includes(w)) || lookupWords.some((w) => m.includes(w)) || m.length < MIN_CONTENT) return undefined;
      const digits = String(fnv1a(`${channel}\u0001${m}`, seed) % 100_000_000).padStart(8, '0');
      const ticket: Ticket = { id: `FK${digits}`, channel, text: m };
      storeOf(channel).set(digits, ticket);
      return `您的反馈已受理，工单号${ticket.id}，请记下工单号。我们将在受理后15日内处理并回复您，您可凭工单号在我行各渠道查询处理进度。`;
    },
  };
}

function lookup(store: Map<string, Ticket>, heard: string, channel: string): string {
  // A caller's digits come through the voice bot's recogniser: a dropped digit still finds the ticket, as an agent's read-back would.
  const ticket = store.get(heard) ?? (channel.startsWith('hotline') && heard.length >= 6 ? [...store.values()].find((t) => isSubsequence(heard, t.id.slice(2))) : undefined);
  if (!ticket) {
    return `抱歉，未查询到工单号FK${heard}的反馈记录。请核对工单号；如您是通过其他渠道提交的反馈，请通过原渠道查询。`;
  }
  const via = channelNames[ticket.channel] ?? ticket.channel;
  return `已查询到您的反馈（工单号${ticket.id}，通过${via}提交）：目前正在处理中，已转交相关部门核实，我们将在受理后15日内回复您，请保持电话畅通。`;
}

function isSubsequence(short: string, long: string): boolean {
  if (long.length - short.length > 2) return false;
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}
