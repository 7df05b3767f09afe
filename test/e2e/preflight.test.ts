import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.ts';

// A broken setup is never a run of zeros blamed on the bot: the real CLI
// against small misbehaving bots (a wrong response shape, a closed port, a
// rejected key, a bot that never answers, one that fails every request, one
// that answers nothing), each next to a healthy bot whose channel completes.
// Every test has bots and folders of its own, closed after the last test; the
// `harness try` tests go at once; the two runs of the preflight and breaker
// tests stay one after the other.

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

type Handler = (body: { text?: string }, res: ServerResponse, req: IncomingMessage) => void;

/** A bot on loopback; counts the requests it was sent. */
async function bot(handler: Handler): Promise<{ url: string; requests: () => number }> {
  let n = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      n++;
      let body: { text?: string } = {};
      try {
        body = JSON.parse(raw);
      } catch {
        // a GET or an empty body
      }
      handler(body, res, req);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/chat`, requests: () => n };
}

const json = (res: ServerResponse, status: number, data: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(data));
};

/** Answers like a bank's bot: card loss is 临时挂失 then 正式挂失 at a branch. */
const answer = (text = '') =>
  /丢|挂失|找不到|不见/.test(text)
    ? '您好，银行卡丢失请立即通过手机银行或拨打客服热线办理临时挂失；临时挂失5天内请本人携带身份证件到网点办理正式挂失并补卡。'
    : '您好，请问您要办理什么业务？';

const healthy = () => bot((b, res) => json(res, 200, { reply: { text: answer(b.text) } }));

async function closedPort(): Promise<string> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}/chat`;
}

function bank(dir: string, channels: Record<string, string>, extra = ''): string {
  const file = join(dir, 'bank.yaml');
  writeFileSync(
    file,
    `id: acme
name: Acme 银行
politeness: { maxConcurrent: 2, minIntervalMs: 0 }
timeouts: { turnMs: 30000, conversationMs: 120000 }
retries: { max: 3, baseMs: 100, maxMs: 500 }
${extra}
channels:
${Object.entries(channels)
  .map(([name, body]) => `  ${name}:\n    adapter: http\n    kind: online\n${body.trim().split('\n').map((l) => `    ${l}`).join('\n')}`)
  .join('\n')}
`,
  );
  return file;
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

describe('preflight: a broken channel stops with its cause before the run fans out', () => {
  it('stops a wrong response path, a closed port, a 401 and a hanging bot; the healthy channel completes; --resume then runs only what is missing', async () => {
    const good = await healthy();
    const wrongShape = await bot((b, res) => json(res, 200, { code: 0, msg: 'ok', data: { answers: [{ content: answer(b.text), id: 'a-1' }] } }));
    let keyValid = false;
    const auth = await bot((b, res, req) =>
      keyValid || req.headers.authorization === 'Bearer right-key' ? json(res, 200, { reply: { text: answer(b.text) } }) : json(res, 401, { error: 'invalid_token', message: 'the access token is invalid' }),
    );
    const hanging = await bot(() => undefined); // accepts the request, never answers
    const refused = await closedPort();
    const dir = tempDir();
    const file = bank(dir, {
      good: `url: ${good.url}`,
      shape: `url: ${wrongShape.url}\nresponse: { text: data.answer.content }`,
      auth: `url: ${auth.url}\nheaders: { Authorization: 'Bearer wrong-key' }`,
      hang: `url: ${hanging.url}`,
      down: `url: ${refused}`,
    }, 'preflight: { timeoutMs: 10000 }'); // the hanging bot's stop is waited out; the others answer within it on a loaded machine too
    const out = join(dir, 'run');
    const r = await runCli(['run', '--bank', file, '--scenario', 'card-loss', '--tag', 'core', '--out', out, '--progress', 'none'], { timeoutMs: 90_000 });
    const all = r.stdout + r.stderr;
    expect(r.code, all).toBe(3);

    // Each cause and its fix on the console.
    expect(all).toContain('preflight shape: STOPPED');
    expect(all).toContain('response.text `data.answer.content` matched nothing');
    expect(all).toContain('did you mean `data.answers[*].content`?');
    expect(all).toMatch(/preflight auth: STOPPED — protocol: HTTP 401/);
    expect(all).toMatch(/fix: the bot refused the credentials: check channels\.auth\.headers/);
    expect(all).toMatch(/preflight hang: STOPPED — timeout: no reply within 10000 ms/);
    expect(all).toContain('preflight.timeoutMs');
    expect(all).toMatch(/preflight down: STOPPED — refused/);
    expect(all).toMatch(/fix: nothing listens there: is the bot running\?/);
    expect(r.stdout).toMatch(/stopped: .*shape \(extraction\).*: exit 3/);
    expect(r.stdout).toMatch(/channel hang was stopped \(preflight\): timeout/);

    // Preflight sent one question to each broken bot, and no retries followed.
    expect(wrongShape.requests()).toBe(1);
    expect(auth.requests()).toBe(1);
    expect(hanging.requests()).toBe(1);

    // The healthy channel ran whole; nothing of the stopped ones was journalled.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.channels.good.conversations).toBeGreaterThan(1);
    expect(summary.channels.good.errors).toBe(0);
    expect(summary.channels.good.completeness).toBeGreaterThan(0);
    const first = lines(join(out, 'results.jsonl'));
    expect(first.every((x: any) => x.channel === 'good')).toBe(true);
    expect(summary.setup.map((p: any) => [p.channel, p.problem]).sort()).toEqual([['auth', 'stopped'], ['down', 'stopped'], ['hang', 'stopped'], ['shape', 'stopped']]);

    // The report opens with them, and with the command that shows what came back.
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    const banner = md.indexOf('疑似配置问题');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(md.indexOf('## '));
    expect(md).toContain(`npx harness try --bank ${file} --channel shape`);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/class="note setup-problems"[\s\S]*did you mean `data\.answers\[\*\]\.content`/);

    // Fixed: the right path, the right key, every bot up. Resume runs only the stopped channels, once each.
    keyValid = true;
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('data.answer.content', "'data.answers[*].content'")
        .replace(hanging.url, good.url)
        .replace(refused, good.url),
    );
    const again = await runCli(['run', '--resume', out, '--progress', 'none'], { timeoutMs: 90_000 });
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).not.toContain('STOPPED');
    const after = lines(join(out, 'results.jsonl'));
    const ids = after.map((x: any) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(after.slice(0, first.length)).toEqual(first);
    const perChannel = (ch: string) => after.filter((x: any) => x.channel === ch).length;
    for (const ch of ['shape', 'auth', 'hang', 'down']) expect(perChannel(ch), ch).toBe(perChannel('good'));
    const resumed = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(resumed.setup).toBeUndefined();
    expect(resumed.channels.shape.completeness).toBeGreaterThan(0);
  }, 180_000);

  it('--no-preflight: the circuit breaker stops a channel that keeps failing; errors are listed by cause; a silent channel is flagged', async () => {
    const good = await healthy();
    const failing = await bot((_b, res) => json(res, 502, { error: 'upstream connect error' }));
    // Rejects one question of the pack (a protocol fault, not retried); answers the rest.
    const flaky = await bot((b, res) => (/不见|找不到/.test(b.text ?? '') ? json(res, 400, { error: 'text contains a blocked word' }) : json(res, 200, { reply: { text: answer(b.text) } })));
    const silent = await bot((_b, res) => json(res, 200, { reply: { text: '' } }));
    const dir = tempDir();
    const file = bank(
      dir,
      { good: `url: ${good.url}`, failing: `url: ${failing.url}`, flaky: `url: ${flaky.url}`, silent: `url: ${silent.url}` },
      'breaker: { consecutiveFaults: 4 }',
    );
    const out = join(dir, 'run');
    const r = await runCli(['run', '--bank', file, '--scenario', 'card-loss', '--variants', 'all', '--out', out, '--progress', 'none', '--no-preflight'], { timeoutMs: 90_000 });
    const all = r.stdout + r.stderr;
    expect(r.code, all).toBe(3);
    expect(all).not.toContain('preflight');
    expect(all).toMatch(/channel failing: STOPPED by the circuit breaker — server-error: 4 transport faults in a row; the last: HTTP 502/);
    // The breaker stopped it: far fewer requests than its conversations × (1 + 3 retries).
    expect(failing.requests()).toBeGreaterThanOrEqual(4);
    expect(failing.requests()).toBeLessThanOrEqual(4 + 2);
    expect(r.stdout).toMatch(/stopped: failing \(server-error\): exit 3/);

    // The end summary names each cause with an example, not only a count.
    expect(r.stdout).toMatch(/errors by cause:\n\s+flaky\s+protocol\s+×\d+\s+e\.g\. HTTP 400 from .*blocked word/);

    // The silent channel ran, but is flagged as a likely setup problem, on the console and atop the report.
    expect(r.stdout).toMatch(/channel silent: likely a setup problem — (\d+) of \1 replies were empty/);
    expect(r.stdout).toContain(`check it with: npx harness try --bank ${file} --channel silent`);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.channels.good.errors).toBe(0);
    expect(summary.channels.good.conversations).toBe(summary.channels.silent.conversations);
    expect(summary.setup.find((p: any) => p.channel === 'silent')).toMatchObject({ problem: 'empty-replies', share: 1 });
    expect(summary.setup.find((p: any) => p.channel === 'flaky')).toBeUndefined();
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md.slice(0, md.indexOf('## '))).toMatch(/\*\*silent\*\*: 多数回复为空（100%）[\s\S]*\*\*failing\*\*|\*\*failing\*\*[\s\S]*\*\*silent\*\*: 多数回复为空（100%）/);
  }, 180_000);
});

describe.concurrent('harness try', () => {
  it('http: shows the request, the raw body, what each path extracted and the path to use instead', async () => {
    const b = await bot((body, res) => json(res, 200, { code: 0, data: { answers: [{ content: answer(body.text) }], intent: 'card.lost' } }));
    const dir = tempDir();
    const file = bank(dir, { api: `url: ${b.url}\nheaders: { Authorization: 'Bearer sk-live-abcdefghijklmnop1234' }\nresponse: { text: data.answer.content, intent: data.intent }` });
    const r = await runCli(['try', '--bank', file, '--channel', 'api', '我的银行卡丢了怎么办']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain(`request: POST ${b.url}`);
    expect(r.stdout).toContain('"text":"我的银行卡丢了怎么办"');
    // Credentials are masked.
    expect(r.stdout).toContain('Authorization: Bearer ***1234');
    expect(r.stdout).not.toContain('abcdefghijklmnop');
    expect(r.stdout).toContain('response: HTTP 200');
    expect(r.stdout).toContain('"content": "您好，银行卡丢失');
    expect(r.stdout).toMatch(/response\.text\s+data\.answer\.content\s+→ \(nothing\)/);
    expect(r.stdout).toMatch(/response\.intent\s+data\.intent\s+→ "card\.lost"/);
    expect(r.stdout).toContain('did you mean `data.answers[*].content`?');
    expect(r.stdout).toContain('text: ∅ (empty)');
    expect(r.stdout).toMatch(/grade \(rules, against card-loss\/[\w-]+\): recognition 0/);
    expect(r.stdout).toContain('SETUP PROBLEM');

    // With the suggested path the same question grades well and exits 0.
    const ok = await runCli(['try', '--bank', file, '--channel', 'api', '--set', 'channels.api.response.text=data.answers[*].content', '我的银行卡丢了怎么办']);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/response\.text\s+data\.answers\[\*\]\.content\s+→ "您好，银行卡丢失/);
    expect(ok.stdout).toMatch(/grade \(rules, against card-loss\/[\w-]+\): recognition 5\s+completeness [1-5]/);
    expect(ok.stdout).toMatch(/✓ \S+ \(synonym: 临时挂失\)|✓ \S+ \(\w+: .*挂失/);
    expect(ok.stdout).toMatch(/timings: open \d+ ms, reply \d+ ms/);
  }, 60_000);

  it('http: a rejected key shows the status, the body and the fix', async () => {
    const b = await bot((_body, res) => json(res, 401, { error: 'invalid_token' }));
    const file = bank(tempDir(), { api: `url: ${b.url}` });
    const r = await runCli(['try', '--bank', file, '--channel', 'api']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('response: HTTP 401');
    expect(r.stdout).toContain('"error": "invalid_token"');
    expect(r.stdout).toMatch(/FAULT protocol: HTTP 401/);
    expect(r.stdout).toContain('fix: the bot refused the credentials');
  }, 60_000);

  it('web (demo): the reply, a screenshot to open, the grade', async () => {
    const out = tempDir();
    const r = await runCli(['try', '--bank', 'demo', '--channel', 'web', '--out', out], { timeoutMs: 90_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('graded against: account-closing/');
    expect(r.stdout).toMatch(/text: 您好，/);
    const shot = /screenshot: (\S+\.png)/.exec(r.stdout)?.[1];
    expect(shot && existsSync(shot)).toBe(true);
    expect(readFileSync(shot!).subarray(1, 4).toString()).toBe('PNG');
    expect(r.stdout).toMatch(/grade \(rules, against account-closing\/[\w-]+\): recognition 5/);
  }, 120_000);

  it('wechat-mp (demo): the passive reply and its signed XML', async () => {
    const r = await runCli(['try', '--bank', 'demo', '--channel', 'wechat-mp', '我的银行卡丢了怎么办']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('graded against: card-loss/');
    expect(r.stdout).toMatch(/text: 您好，银行卡丢失/);
    expect(r.stdout).toMatch(/"xml": "<xml><ToUserName>/);
    expect(r.stdout).toMatch(/grade \(rules, against card-loss\/[\w-]+\): recognition 5/);
  }, 60_000);

  it('hotline (demo): the transcript and the audio of both sides', async () => {
    const out = tempDir();
    const r = await runCli(['try', '--bank', 'demo', '--channel', 'hotline', '--out', out, '我的银行卡丢了怎么办'], { timeoutMs: 90_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('transcribed: yes');
    expect(r.stdout).toMatch(/text: \S*挂失/);
    for (const side of ['bot audio', 'caller audio']) {
      const wav = new RegExp(`${side}: (\\S+\\.wav)`).exec(r.stdout)?.[1];
      expect(wav && existsSync(wav), side).toBe(true);
      expect(readFileSync(wav!).subarray(0, 4).toString()).toBe('RIFF');
    }
    expect(r.stdout).toMatch(/grade \(rules, against card-loss\/[\w-]+\): recognition \d/);
  }, 120_000);
});
