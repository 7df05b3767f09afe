import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchReader } from '../helpers/report-page.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationRecord } from '../../harness/types.ts';
import { ANSWER, CLARIFY, faultBank, HUGE_BYTES, modes, PII, startFaultBot, type FaultBot, type FaultMode } from '../fixtures/fault-bot.ts';
import { runCli, tempDir, type CliResult } from '../helpers/cli.ts';

// The real CLI against a misbehaving bot, one channel per fault, all in one
// run (so a fault on one channel meets the others' turns). For each fault:
// what the harness must do.

let bot: FaultBot;
let out: string;
let cli: CliResult;
let records: ConversationRecord[];
const CASES = ['lost-card', 'wallet-lost'];

const of = (mode: FaultMode) => records.filter((r) => r.channel === mode);
const exchanges = (r: ConversationRecord) => r.turns.flatMap((t) => t.exchanges);
const retries = (r: ConversationRecord) => exchanges(r).reduce((n, e) => n + (e.retries ?? 0), 0);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]));
}

beforeAll(async () => {
  bot = await startFaultBot({ dripMs: 1500 });
  const dir = tempDir('harness-faults-');
  const bank = join(dir, 'faultbank.yaml');
  // A hung request gives up after 1.5 s (the channel's own timeout). The other channels' turns have 30 s: on a
  // loaded machine (two suites and their browsers on 2 cores) a 6 s bound was met by a cold CLI's first requests,
  // and the resend it made shifted what each fault mode answered.
  writeFileSync(bank, faultBank(bot, modes, { turnMs: 30_000, retries: { max: 2, baseMs: 100, maxMs: 1000 }, channel: { hang: { timeoutMs: 1500 } } }));
  out = join(dir, 'run');
  cli = await runCli(['run', '--bank', bank, '--case', CASES.join(','), '--out', out, '--progress', 'none', '-j', '24', '--max-error-rate', '1', '--no-preflight', '--set', 'breaker.consecutiveFaults=0'], { timeoutMs: 240_000, subprocess: true });
  records = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
});

afterAll(async () => {
  await bot?.close();
});

describe('harness run against a misbehaving bot', () => {
  it('finishes the run and journals every conversation of every channel', () => {
    expect(cli.code, cli.stderr).toBe(0);
    expect(records).toHaveLength(modes.length * CASES.length);
  });

  it('flaky (500 on every 2nd request of a session): resends in the same session and recovers', () => {
    for (const r of of('flaky')) {
      expect(r.error).toBeUndefined();
      expect(r.attempts).toBe(1);
      const [first, second] = exchanges(r);
      expect(first.reply.text).toBe(CLARIFY);
      expect(second.utterance.attempt).toBe('clarify-answer');
      expect(second.retries).toBe(1);
      expect(second.reply.text).toBe(ANSWER);
    }
    // One session per conversation: the fault never restarted a conversation.
    const s = bot.stats('flaky');
    expect(s.sessions.size).toBe(CASES.length);
    expect([...s.sessions.values()]).toEqual(CASES.map(() => 3));
  });

  it('rate limit (429 + Retry-After: 1 on a session\'s 1st and 2nd request): waits as told and recovers', () => {
    for (const r of of('rate-limit')) {
      expect(r.error).toBeUndefined();
      expect(r.attempts).toBe(1);
      expect(exchanges(r)[0].retries).toBe(2);
      expect(exchanges(r)[0].reply.text).toBe(ANSWER);
      // Two Retry-After waits of a second each: a lower bound, so load cannot break it.
      expect(r.durationMs).toBeGreaterThanOrEqual(1900);
    }
    expect(bot.stats('rate-limit').sessions.size).toBe(CASES.length);
  });

  it('reset (socket destroyed on the 1st request): resends in the same session', () => {
    for (const r of of('reset')) {
      expect(r.error).toBeUndefined();
      expect(r.attempts).toBe(1);
      expect(exchanges(r)[0].retries).toBe(1);
    }
    expect(bot.stats('reset').sessions.size).toBe(CASES.length);
  });

  it('forget (404 for a session it answered before): restarts the conversation in a new session', () => {
    for (const r of of('forget')) {
      expect(r.error).toBeUndefined();
      expect(r.attempts).toBe(2);
      expect(exchanges(r).at(-1)!.reply.text).toBe(ANSWER);
    }
    for (const sessions of bot.stats('forget').conversations.values()) expect(sessions).toHaveLength(2);
  });

  it('hang: gives up after the resends with a timeout error, without restarting the conversation', () => {
    for (const r of of('hang')) {
      expect(r.error?.kind).toBe('timeout');
      expect(r.error?.message).toMatch(/sent 3 times in the same session/);
      expect(r.attempts).toBe(1);
    }
    // Never more than the three sends a turn allows (a restarted conversation would send more); the
    // bot may not have read the last of them before the harness hung up, on a loaded machine.
    expect(bot.stats('hang').requests).toBeLessThanOrEqual(CASES.length * 3);
    expect(bot.stats('hang').requests).toBeGreaterThanOrEqual(CASES.length);
  });

  it('garbage (an HTML error page with 200): a protocol error naming what came back, not retried', () => {
    for (const r of of('garbage')) {
      expect(r.error?.kind).toBe('protocol');
      expect(r.error?.message).toMatch(/non-JSON.*502 Bad Gateway/);
      expect(r.attempts).toBe(1);
    }
    expect(bot.stats('garbage').requests).toBe(CASES.length);
  });

  it('slow drip: waits for the whole reply', () => {
    for (const r of of('drip')) {
      expect(r.error).toBeUndefined();
      expect(exchanges(r)[0].reply.text).toBe(ANSWER);
      expect(exchanges(r)[0].reply.latency.settledMs).toBeGreaterThanOrEqual(1000);
    }
  });

  it('huge (2 MiB): stores 64 KiB marked truncated, the whole reply once in an evidence file, nothing twice', () => {
    for (const r of of('huge')) {
      expect(r.error).toBeUndefined();
      const reply = exchanges(r)[0].reply;
      expect(Buffer.byteLength(reply.text)).toBeLessThanOrEqual(64 * 1024);
      expect(reply.text.startsWith(ANSWER)).toBe(true);
      expect(reply.truncated!.originalChars).toBeGreaterThan(HUGE_BYTES / 3);
      expect(reply.messages.reduce((n, m) => n + Buffer.byteLength(m.text), 0)).toBeLessThanOrEqual(64 * 1024);
      // The raw response keeps its other fields but never the reply text again.
      const raw = JSON.stringify(reply.evidence?.raw);
      expect(raw.length).toBeLessThan(4096);
      expect(raw).toContain('[= reply text]');
      const full = join(out, reply.evidence!.full!);
      expect(statSync(full).size).toBeLessThanOrEqual(256 * 1024 + 100);
      expect(readFileSync(full, 'utf8').startsWith(ANSWER)).toBe(true);
    }
    const size = filesUnder(out).reduce((n, f) => n + statSync(f).size, 0);
    expect(size).toBeLessThan(20 * 1024 * 1024);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(md.length).toBeLessThan(200_000);
    expect(html.length).toBeLessThan(1_000_000);
    // The transcripts clip the reply and link the file that holds it whole.
    const full = exchanges(of('huge')[0])[0].reply.evidence!.full!;
    expect(html).toContain(`href="${full.split('/').map(encodeURIComponent).join('/')}"`);
    expect(readFileSync(join(out, 'results.csv'), 'utf8')).toContain(full);
  });

  it('huge: the grader saw the answer at the start of the reply', () => {
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.channels.huge.recognition).toBe(5);
  });

  it('no turn of a well-behaved channel timed out or was resent while the others misbehaved', () => {
    for (const mode of ['ok', 'script', 'inject', 'pii', 'drip'] as const) {
      for (const r of of(mode)) {
        expect(r.error, `${r.id}`).toBeUndefined();
        expect(retries(r), `${r.id}`).toBe(0);
      }
    }
  });

  it('script payloads: escaped in the report and never run; markup is not read as a menu', async () => {
    for (const r of of('script')) {
      expect(exchanges(r).map((e) => e.utterance.attempt)).toEqual(['first']);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.channels.script.recognition).toBe(5);
    const browser = await launchReader();
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);
      expect(await page.locator('.msg.bot', { hasText: '<script>' }).count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  });

  it('prompt injection: graded as what it is, not as it asks', () => {
    for (const r of of('inject')) expect(exchanges(r).map((e) => e.utterance.attempt)).toContain('rephrase');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.channels.inject.recognition).toBeLessThan(2);
    expect(summary.channels.inject.completeness).toBe(0);
  });

  it('personal data: phone, ID card and bank card numbers appear nowhere in the run folder', () => {
    const files = filesUnder(out);
    const digits = [PII.phone, PII.idCard, PII.bankCard, PII.bankCard.replace(/ /g, '')];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const d of digits) expect(text.includes(d), `${d} in ${f}`).toBe(false);
    }
    const pii = exchanges(of('pii')[0])[0].reply.text;
    expect(pii).toContain('138****5678');
    expect(pii).toContain('110101********4513');
  });
});
