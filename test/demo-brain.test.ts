import { describe, expect, it } from 'vitest';
import { createBrain } from '../banks/demo/brain/index.ts';
import type { BrainOptions, BrainReply } from '../banks/demo/brain/types.ts';

function talk(messages: string[], options: BrainOptions = {}): BrainReply[] {
  const session = createBrain({ quality: 'good', contextKeep: 0.5, ...options }).session();
  return messages.map((m) => session.reply(m));
}

const last = (messages: string[], options: BrainOptions = {}) => talk(messages, options).at(-1)!;

describe('demo brain', () => {
  it('gives the same replies to the same messages in the same order, on a fresh brain too', () => {
    const script = ['卡', '银行卡挂失', '那需要先冻结吗？', '查一下我的余额', '不方便提供，我只想先了解一下流程', '今天天气怎么样'];
    const a = talk(script);
    const b = talk(script);
    expect(b).toEqual(a);
    expect(new Set(a.map((r) => r.kind)).size).toBeGreaterThan(2);
  });

  it('answers a plainly worded card-loss question with the card.report_loss intent', () => {
    const r = last(['我的银行卡丢了，怎么挂失？']);
    expect(r).toMatchObject({ kind: 'answer', intent: 'card.report_loss', handoff: false });
    expect(r.text).toContain('临时挂失');
  });

  it('falls back on dialect phrasings it was never taught (怎么弄, 咋办)', () => {
    for (const q of ['银行卡找不到了怎么弄', '卡丢了咋办']) {
      const r = last([q]);
      expect(r.kind, q).toBe('fallback');
      expect(r.intent).toBeNull();
      expect(r.text).toMatch(/没有理解|没能理解|换种说法|换个说法/);
    }
  });

  it('falls back on a typo of the key word (挂矢)', () => {
    expect(last(['银行卡挂矢']).kind).toBe('fallback');
  });

  it('answers "卡里余额莫名变少" with the balance-inquiry answer: 余额 outweighs the rest', () => {
    const r = last(['卡里余额莫名变少了怎么办？']);
    expect(r.intent).toBe('balance.inquiry');
    expect(r.text).toContain('查询账户余额');
    expect(r.text).not.toContain('挂失');
    // The same worry without the word 余额 reaches the card-loss advice.
    expect(last(['我卡里的钱莫名其妙少了']).intent).toBe('card.report_loss');
  });

  it('confuses 销户 and 挂失: a poor bot answers "注销挂失" with account closing, a good one asks which', () => {
    const poor = last(['注销挂失'], { quality: 'poor' });
    expect(poor).toMatchObject({ kind: 'answer', intent: 'account.close' });
    const good = last(['注销挂失'], { quality: 'good' });
    expect(good.kind).toBe('clarify');
    expect(good.buttons).toEqual(['销户', '银行卡挂失']);
    expect(last(['卡不用了要挂失吗'], { quality: 'poor' }).intent).toBe('card.report_loss');
  });

  it('asks a clarifying question with buttons on a bare "卡", "手机号" or "查询"', () => {
    for (const q of ['卡', '手机号', '查询']) {
      const r = last([q]);
      expect(r.kind, q).toBe('clarify');
      expect(r.text).toBe('请问您想咨询以下哪个问题？');
      expect(r.buttons.length).toBeGreaterThanOrEqual(2);
      expect(r.buttons.length).toBeLessThanOrEqual(4);
    }
  });

  it('answers each clarifying button text properly when it is sent back', () => {
    for (const q of ['卡', '手机号', '查询']) {
      for (const button of last([q]).buttons) {
        const r = last([q, button]);
        expect(r.kind, `${q} → ${button}`).toBe('answer');
        expect(r.intent).toBeTruthy();
      }
    }
    expect(last(['卡', '银行卡挂失']).intent).toBe('card.report_loss');
    expect(last(['手机号', '修改预留手机号']).intent).toBe('info.reserved_phone');
  });

  it('answers a short follow-up in the previous topic when the session keeps context, and not when it does not', () => {
    // Whether a session keeps context is a hash of its first message.
    const kept = talk(['我卡里的钱莫名其妙少了', '那需要先冻结吗？']);
    expect(kept[1]).toMatchObject({ kind: 'answer', intent: 'card.report_loss' });
    expect(kept[1].text).toContain('冻结');
    const lost = talk(['卡里的钱莫名其妙少了', '那需要先冻结吗？']);
    expect(lost[0].intent).toBe('card.report_loss');
    expect(lost[1].kind).toBe('fallback');

    expect(last(['我要开户', '要带什么？']).text).toContain('身份证件');
    expect(last(['我想开户', '要带什么？']).kind).toBe('fallback');
  });

  it('never keeps context with contextKeep 0 and always with contextKeep 1', () => {
    const script = ['我想开户', '收费吗？'];
    expect(last(script, { contextKeep: 0 }).kind).toBe('fallback');
    const r = last(script, { contextKeep: 1 });
    expect(r).toMatchObject({ kind: 'answer', intent: 'account.open' });
    expect(r.text).toContain('免费');
  });

  it('hands over to a human on 转人工 and on angry words', () => {
    expect(last(['转人工'])).toMatchObject({ kind: 'handoff', handoff: true, text: '正在为您转接人工客服，请稍候。' });
    const angry = last(['你们这什么破银行，垃圾']);
    expect(angry).toMatchObject({ kind: 'handoff', handoff: true });
    expect(angry.text).toContain('转接人工客服');
  });

  it('asks for a case number on a personal lookup, and explains the process when the customer declines', () => {
    const [ask, after] = talk(['我上次反馈的问题处理得怎么样了', '不方便提供，我只想先了解一下流程']);
    expect(ask).toMatchObject({ kind: 'ask-data', intent: 'feedback.lookup', text: '请提供您的工单号或受理编号以便查询。' });
    expect(after.kind).toBe('answer');
    expect(after.intent).toBe('feedback.lookup');
    expect(after.text).toContain('工单号');
  });

  it('greets with a welcome message and quick replies', () => {
    const w = createBrain().session().welcome();
    expect(w.kind).toBe('greeting');
    expect(w.text).toContain('示例银行');
    expect(w.buttons.length).toBeGreaterThan(0);
  });

  it('answers partially: some conversations omit the formal loss report at a branch', () => {
    const phrasings = ['我的银行卡丢了，怎么挂失？', '银行卡丢了要挂失', '卡丢了怎么挂失', '我要挂失银行卡', '银行卡被偷了，想挂失', '挂失银行卡怎么办理', '我卡掉了要挂失', '银行卡不见了要挂失'];
    const texts = phrasings.map((q) => last([q]).text);
    expect(texts.every((t) => t.includes('临时挂失'))).toBe(true);
    const withFormal = texts.filter((t) => t.includes('正式挂失')).length;
    expect(withFormal).toBeGreaterThan(0);
    expect(withFormal).toBeLessThan(texts.length);
  });

  it('splits long answers into bubbles at sentence ends', () => {
    const r = last(['绑卡手机丢失如何处理？']);
    expect(r.parts.length).toBeGreaterThan(1);
    expect(r.parts.join('')).toBe(r.text);
    for (const p of r.parts) expect(p).toMatch(/[。！？；]$/);
  });

  it('a poor bot knows fewer phrasings and says less than a good one', () => {
    const q = ['我卡里的钱莫名其妙少了'];
    expect(last(q, { quality: 'good' }).kind).toBe('answer');
    expect(last(q, { quality: 'poor' }).kind).toBe('fallback');
    const good = last(['绑卡手机丢失如何处理？'], { quality: 'good' });
    const poor = last(['绑卡手机丢失如何处理？'], { quality: 'poor' });
    expect(poor.intent).toBe(good.intent);
    expect(poor.text.length).toBeLessThan(good.text.length);
  });
  // Its throughput (> 3000 conversations/s) is a benchmark figure: bench/suite-figures.bench.ts.
});
