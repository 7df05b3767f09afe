import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sendWithRetries, type DriverDeps } from '../../harness/run/conversation.ts';
import { clipReply, clipUtf8, shrinkRaw, storeReply } from '../../harness/run/store.ts';
import { REPLY_TEXT_CAP as TEXT_CAP, TransportFault, type BotReply, type Session, type Utterance } from '../../harness/types.ts';
import { createRedactor } from '../../harness/util/redact.ts';
import { tempDir } from '../helpers/cli.ts';

// The driver's resend policy and the reply caps, without a bot.

const utterance: Utterance = { index: 0, text: '卡丢了怎么办', attempt: 'first' };
const reply = (text: string, raw?: unknown): BotReply => ({ text, messages: [{ text }], buttons: [], latency: { firstMs: 1, settledMs: 1 }, ...(raw ? { evidence: { raw } } : {}) });

function deps(logs: string[] = []): DriverDeps {
  return {
    assess: () => 'on-topic',
    gradeCtx: {} as never,
    transcribed: false,
    turnTimeoutMs: 5000,
    beforeSend: async () => {},
    signal: new AbortController().signal,
    retries: { max: 2, baseMs: 1, maxMs: 5 },
    log: (m) => logs.push(m),
  };
}

/** A session that throws the given faults on its first sends, then answers. */
function session(faults: TransportFault[]): Session & { sends: number } {
  const s = {
    sends: 0,
    async send(): Promise<BotReply> {
      const f = faults[s.sends++];
      if (f) throw f;
      return reply('答复');
    },
    async close() {},
  };
  return s;
}

describe('sendWithRetries', () => {
  it('resends a 500, a reset and a 429 in the same session and counts the resends', async () => {
    const logs: string[] = [];
    const s = session([new TransportFault('server-error', 'HTTP 500'), new TransportFault('rate-limited', 'HTTP 429', { retryAfterMs: 20 })]);
    const r = await sendWithRetries(s, utterance, deps(logs));
    expect(r).toMatchObject({ retries: 2, reply: { text: '答复' } });
    expect(s.sends).toBe(3);
    expect(logs[1]).toMatch(/resending in the same session \(2\/2\) in \d+ ms/);
    const reset = session([new TransportFault('dropped', 'connection reset', { sessionBroken: false })]);
    expect((await sendWithRetries(reset, utterance, deps())).retries).toBe(1);
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    const s = session([new TransportFault('rate-limited', 'HTTP 429', { retryAfterMs: 300 })]);
    const t0 = performance.now();
    await sendWithRetries(s, utterance, deps());
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('gives up after retries.max resends with a final fault that the runner does not restart', async () => {
    const s = session([1, 2, 3, 4].map(() => new TransportFault('server-error', 'HTTP 502')));
    const err = (await sendWithRetries(s, utterance, deps()).catch((e) => e)) as TransportFault;
    expect(err).toBeInstanceOf(TransportFault);
    expect(err.kind).toBe('server-error');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/sent 3 times in the same session/);
    expect(s.sends).toBe(3);
  });

  it('passes a broken session and a non-retryable fault up at once', async () => {
    for (const fault of [
      new TransportFault('crashed', 'the page crashed'),
      new TransportFault('dropped', 'the call ended'),
      new TransportFault('not-found', 'the bot no longer knows the session', { retryable: true, sessionBroken: true }),
      new TransportFault('protocol', 'non-JSON', { retryable: false }),
    ]) {
      const s = session([fault]);
      await expect(sendWithRetries(s, utterance, deps())).rejects.toBe(fault);
      expect(s.sends).toBe(1);
    }
  });
});

describe('reply caps', () => {
  it('clips at a character boundary within the byte budget', () => {
    expect(clipUtf8('银行卡', 7)).toBe('银行');
    expect(clipUtf8('a😀b', 4)).toBe('a');
    expect(clipUtf8('a😀b', 5)).toBe('a😀');
    expect(Buffer.byteLength(clipUtf8('挂失'.repeat(100_000), TEXT_CAP))).toBeLessThanOrEqual(TEXT_CAP);
    expect(clipUtf8('short', 100)).toBe('short');
  });

  it('leaves a normal reply as it is', () => {
    const r = reply('您好，请问有什么可以帮您？');
    expect(clipReply(r)).toBe(r);
  });

  it('stores a huge reply once: clipped text, marked, the whole (redacted) reply in one evidence file, raw without the text', () => {
    const run = tempDir();
    const whole = `请拨打客服热线挂失，您的手机号13812345678。${'重复输出。'.repeat(200_000)}`;
    const r = clipReply(reply(whole, { reply: { text: whole, messages: [{ text: whole }] }, intent: 'card.report_loss', trace: 'x'.repeat(5000) }));
    expect(r.truncated).toEqual({ originalChars: whole.length });
    storeReply(r, { redact: createRedactor(), evidenceDir: join(run, 'evidence', 'c1'), relative: (p) => relative(run, p) });
    expect(Buffer.byteLength(r.text)).toBeLessThanOrEqual(TEXT_CAP);
    expect(r.text).toContain('138****5678');
    expect(r.evidence!.raw).toMatchObject({ reply: { text: '[= reply text]', messages: [{ text: '[= reply text]' }] }, intent: 'card.report_loss' });
    expect(JSON.stringify(r.evidence!.raw).length).toBeLessThan(2000);
    const file = join(run, r.evidence!.full!);
    expect(existsSync(file)).toBe(true);
    const kept = readFileSync(file, 'utf8');
    expect(kept).not.toContain('13812345678');
    expect(kept).toMatch(/more characters not kept/);
    expect(Buffer.byteLength(kept)).toBeLessThan(256 * 1024 + 100);
  });

  it('counts what an adapter cut on arrival: the mark keeps its length, the evidence file says how much is missing', () => {
    const run = tempDir();
    const arrived = `请拨打客服热线挂失。${'重复输出。'.repeat(60_000)}`; // what the adapter kept of it
    const r = clipReply({ ...reply(arrived), truncated: { originalChars: 1_000_000 } });
    expect(r.truncated).toEqual({ originalChars: 1_000_000 });
    storeReply(r, { redact: createRedactor(), evidenceDir: join(run, 'evidence', 'c1'), relative: (p) => relative(run, p) });
    const kept = readFileSync(join(run, r.evidence!.full!), 'utf8');
    const head = kept.slice(0, kept.lastIndexOf('\n[…'));
    expect(arrived.startsWith(head)).toBe(true);
    expect(kept).toContain(`[… ${1_000_000 - head.length} more characters not kept]`);
  });

  it("redacts what the raw response says beyond the text, and keeps a raw response with nothing to redact as it is", () => {
    const run = tempDir();
    const store = { redact: createRedactor(), evidenceDir: join(run, 'evidence', 'c1'), relative: (p: string) => relative(run, p) };
    const withPhone = reply('已为您登记。', { reply: { text: '已为您登记。' }, customer: { mobile: '13812345678', card: '6222021234567890123' }, seq: 7 });
    storeReply(withPhone, store);
    expect(withPhone.evidence!.raw).toEqual({ reply: { text: '[= reply text]' }, customer: { mobile: '138****5678', card: '6222 **** 0123' }, seq: 7 });
    const plain = reply('已为您登记。', { reply: { text: '已为您登记。' }, intent: 'feedback.lookup', seq: 8, flags: [true, null] });
    storeReply(plain, store);
    expect(plain.evidence!.raw).toEqual({ reply: { text: '[= reply text]' }, intent: 'feedback.lookup', seq: 8, flags: [true, null] });
  });

  it('keeps what the raw response says beyond the text, clipped', () => {
    const raw = shrinkRaw({ a: 'x'.repeat(3000), list: Array.from({ length: 80 }, (_, i) => i), answer: '答复' }, new Set(['答复']), '答复') as any;
    expect(raw.answer).toBe('[= reply text]');
    expect(raw.a).toMatch(/^x{1024}\[… 1976 more characters\]$/);
    expect(raw.list).toHaveLength(51);
  });
});
