import type { Brain, BrainReply } from '../../banks/demo/brain/types.ts';

// A small deterministic brain for the online-channel tests: enough intents to
// exercise bubbles, buttons, news and fallbacks without the full demo brain.

const reply = (r: Partial<BrainReply> & { text: string }): BrainReply => ({
  parts: [r.text],
  intent: null,
  buttons: [],
  handoff: false,
  kind: 'answer',
  ...r,
});

export function tinyBrain(): Brain {
  return {
    session() {
      let turns = 0;
      return {
        welcome: () => reply({ text: '您好，我是示例银行智能客服，请问有什么可以帮您？', kind: 'greeting' }),
        reply(text: string) {
          turns++;
          if (/人工/.test(text)) return reply({ text: '正在为您转接人工客服，请稍候。', intent: 'agent.transfer', kind: 'handoff', handoff: true });
          if (/挂失|丢/.test(text)) {
            const parts = ['您可以立即通过手机银行或客服热线办理临时挂失。', '正式挂失与补卡需本人携带有效身份证件到网点办理。'];
            return reply({ text: parts.join(''), parts, intent: 'card.report_loss' });
          }
          if (/网点/.test(text)) {
            const parts = ['离您最近的网点：示例银行中山路支行', '地址：中山路1号，电话 95500，营业时间 9:00-17:00'];
            return reply({ text: parts.join(''), parts, intent: 'branch.lookup' });
          }
          if (/^卡$|银行卡/.test(text)) {
            return reply({ text: '请问您想办理哪项银行卡业务？', intent: 'card.clarify', kind: 'clarify', buttons: ['卡挂失', '余额查询'] });
          }
          if (/余额/.test(text)) return reply({ text: `可通过手机银行、网银、ATM查询余额（第${turns}轮）。`, intent: 'balance.inquiry' });
          return reply({ text: '抱歉，我没有理解您的问题，请换个说法。', intent: null, kind: 'fallback' });
        },
      };
    },
  };
}
