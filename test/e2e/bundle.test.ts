import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freshBundle } from '../../bin/bundle.mjs';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers/cli.ts';

// The precompiled CLI (dist/, built by the tests' global setup as by
// `npm install`) on a real run: a bank bot over HTTP on loopback, two
// single-turn questions, every report written.

const cases = [
  { id: 'annual-fee', say: '信用卡年费怎么收？', point: '满足刷卡次数可免年费', any: ['免年费'], reply: '普卡首年免年费，刷卡满六次可免次年年费。' },
  { id: 'lost-card', say: '借记卡丢了怎么办？', point: '先挂失再补卡', any: ['挂失'], reply: '抱歉，没有理解您的问题，请换个说法。' },
];

let dir: string;
let server: Server;
let cli: CliResult;
/** The same bank, each case 500 times: a run long enough to grade in a thread of its own. */
let long: CliResult;
let bundle: string | null;

beforeAll(async () => {
  bundle = freshBundle(ROOT);
  dir = tempDir('harness-bundle-run-');
  const scenarios = join(dir, 'scenarios');
  mkdirSync(scenarios);
  copyFileSync(join(ROOT, 'scenarios/zh-CN/_locale.yaml'), join(scenarios, '_locale.yaml'));
  writeFileSync(
    join(scenarios, 'faq.yaml'),
    stringify({
      id: 'faq',
      name: '常见问题',
      locale: 'zh-CN',
      intent: { id: 'faq', description: '客户咨询日常银行业务的常见问题' },
      channels: ['online'],
      cases: cases.map((c) => ({ id: c.id, name: c.say, turns: [{ say: c.say, expect: { keypoints: [{ id: 'kp', text: c.point, any: c.any }] } }] })),
    }),
  );
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const text = String((JSON.parse(body) as { text?: unknown }).text ?? '');
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ reply: { text: cases.find((c) => c.say === text)?.reply ?? '您好，请问有什么可以帮您？' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
  writeFileSync(
    join(dir, 'bank.yaml'),
    stringify({ id: 'faq-bot', name: 'FAQ 机器人', channels: { api: { adapter: 'http', kind: 'online', url, request: { sessionId: '{{sessionId}}', text: '{{text}}' }, response: { text: 'reply.text' } } } }),
  );
  cli = await runCli(['run', '--bank', join(dir, 'bank.yaml'), '--scenarios-dir', scenarios, '--out', join(dir, 'run'), '--progress', 'none'], { subprocess: true });
  // Without the default pause between requests, which would make 300 conversations take minutes.
  writeFileSync(join(dir, 'bank-fast.yaml'), stringify({ id: 'faq-bot', name: 'FAQ 机器人', politeness: { maxConcurrent: 16, minIntervalMs: 0 }, channels: { api: { adapter: 'http', kind: 'online', url, request: { sessionId: '{{sessionId}}', text: '{{text}}' }, response: { text: 'reply.text' } } } }));
  long = await runCli(['run', '--bank', join(dir, 'bank-fast.yaml'), '--scenarios-dir', scenarios, '--out', join(dir, 'long'), '--progress', 'none', '--repeat', '500', '--debug'], { subprocess: true });
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the precompiled CLI', () => {
  it('is what bin/harness.mjs runs: built and as new as its sources', () => {
    expect(bundle).toBe(join(ROOT, 'dist/harness.mjs'));
    expect(freshBundle(ROOT)).toBe(bundle);
  });

  it('runs a bank over HTTP to the end and writes the journal and every report', () => {
    expect(cli.code, cli.stderr).toBe(0);
    const run = join(dir, 'run');
    const records = readFileSync(join(run, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { case: string });
    expect(records.map((r) => r.case).sort()).toEqual(['annual-fee', 'lost-card']);
    for (const f of ['summary.json', 'report.md', 'index.html', 'junit.xml', 'results.csv']) expect(existsSync(join(run, f)), f).toBe(true);
    // The report carries the grades: the answered question passes, the fallback does not.
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { channels: Record<string, { conversations: number; scenarios: Record<string, { passRate: number }> }> };
    expect(summary.channels.api.conversations).toBe(2);
    expect(summary.channels.api.scenarios.faq.passRate).toBe(0.5);
    expect(readFileSync(join(run, 'index.html'), 'utf8')).toContain('<svg');
  });

  it('grades a long run in a thread of its own, to the same grades, and exits by itself', () => {
    expect(long.code, long.stderr).toBe(0);
    // On a machine of one core the thread costs more than it saves, and the run grades on the main thread.
    if (availableParallelism() > 1) expect(long.stderr).toContain('grading: in a thread of its own');
    const run = join(dir, 'long');
    const grades = readFileSync(join(run, 'results.csv'), 'utf8').trim().split('\n');
    expect(grades.length).toBe(1001);
    const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as { channels: Record<string, { conversations: number; scenarios: Record<string, { passRate: number }> }> };
    expect(summary.channels.api.conversations).toBe(1000);
    // Every answered question passes, every fallback fails, as in the short run graded on the main thread.
    expect(summary.channels.api.scenarios.faq.passRate).toBe(0.5);
  });
});
