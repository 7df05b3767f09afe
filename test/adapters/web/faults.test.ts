import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveChromium } from '../../../adapters/web/browser.ts';
import { webConfigSchema } from '../../../adapters/web/config.ts';
import { createWebAdapter } from '../../../adapters/web/index.ts';
import { createWebServer, type WebServer } from '../../../banks/demo/web/index.ts';
import { TransportFault } from '../../../harness/types.ts';
import { demoWebConfig, descendants, fileBrowser, never, say, testCtx, testEnv } from '../../helpers/web.ts';
import { tinyBrain } from '../../helpers/tiny-brain.ts';

// The tests that kill a browser's processes each launch their own; the others share this one.
const browser = fileBrowser();
let server: WebServer;
beforeAll(async () => {
  server = await createWebServer(tinyBrain(), { latencyMs: 50, jitterMs: 0 });
});
afterAll(() => server?.close());

const kill = (match: (cmd: string) => boolean) => {
  const victims = descendants().filter((p) => p.cmd.includes('chrom') && match(p.cmd));
  for (const v of victims) process.kill(v.pid, 'SIGKILL');
  return victims.length;
};

describe('browser faults are transport faults, and the next conversation recovers', () => {
  /** Kill some of the browser's processes mid-conversation: the turn is a retryable crash, and the next conversation works. */
  async function killAndRecover(which: (cmd: string) => boolean): Promise<void> {
    const a = createWebAdapter(webConfigSchema.parse(demoWebConfig(server.url)), testEnv());
    try {
      const s = await a.open(testCtx());
      expect(kill(which)).toBeGreaterThan(0);
      const err = await s.send(say('余额怎么查'), never()).catch((e) => e);
      expect(err).toBeInstanceOf(TransportFault);
      expect(err.kind).toBe('crashed');
      expect(err.retryable).toBe(true);
      await s.close({ failed: true });
      const again = await a.open(testCtx());
      expect((await again.send(say('余额怎么查'), never())).text).toContain('查询余额');
      await again.close({ failed: false });
    } finally {
      await a.dispose();
    }
  }

  it('a crashed page fails the turn with TransportFault crashed', () => killAndRecover((cmd) => cmd.includes('--type=renderer')));

  it('a dead browser is relaunched on the next open', () => killAndRecover((cmd) => !cmd.includes('--type=')));

  it('a refused connection is TransportFault refused', async () => {
    const gone = await createWebServer(tinyBrain(), { latencyMs: 0, jitterMs: 0 });
    await gone.close();
    const a = createWebAdapter(webConfigSchema.parse(demoWebConfig(gone.url)), testEnv(), {}, browser);
    try {
      const err = await a.open(testCtx()).catch((e) => e);
      expect(err).toBeInstanceOf(TransportFault);
      expect(err.kind).toBe('refused');
    } finally {
      await a.dispose();
    }
  });
});

describe('loading the chat page', () => {
  it('waits loadTimeoutMs for the page, not the reply wait: a page slower than maxWaitMs still opens, and a slower one fails as loading', async () => {
    const { createServer } = await import('node:http');
    // The demo chat page, served 3.5 s late, as a busy bank site may be.
    const slow = createServer((req, res) => {
      const target = new URL(req.url ?? '/', server.url).href;
      setTimeout(() => void fetch(target).then(async (r) => res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/html' }).end(Buffer.from(await r.arrayBuffer()))), req.url === '/' ? 3500 : 0);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}/`;
    const open = async (extra: Record<string, unknown>) => {
      const a = createWebAdapter(webConfigSchema.parse({ ...demoWebConfig(url), maxWaitMs: 2500, ...extra }), testEnv(), {}, browser);
      try {
        const s = await a.open(testCtx());
        await s.close({ failed: false });
        return 'opened';
      } catch (err) {
        return String(err);
      } finally {
        await a.dispose();
      }
    };
    try {
      expect(await open({})).toBe('opened');
      expect(await open({ loadTimeoutMs: 300 })).toMatch(/loading http:\/\/127\.0\.0\.1:\d+\/.*Timeout 300ms/);
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });
});

describe('steps on the page', () => {
  it('gives a chat whose input renders late at least 10 s, whatever the reply wait', async () => {
    const { createServer } = await import('node:http');
    // A chat SDK that draws its input box 3 s after the page loads; the bot echoes.
    const page = `<!doctype html><meta charset="utf-8"><div class="log"></div><script>
      setTimeout(() => {
        document.body.insertAdjacentHTML('beforeend', '<textarea class="input"></textarea><button class="send">发送</button>');
        document.querySelector('.send').onclick = () => {
          const d = document.createElement('div'); d.className = 'bot'; d.textContent = '收到：' + document.querySelector('.input').value;
          document.querySelector('.log').appendChild(d);
        };
      }, 3000);
    </script>`;
    const late = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page));
    await new Promise<void>((r) => late.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(late.address() as { port: number }).port}/`;
    const a = createWebAdapter(webConfigSchema.parse({ url, settleMs: 100, maxWaitMs: 2500, selectors: { input: 'textarea.input', send: 'button.send', botMessage: '.bot' } }), testEnv(), {}, browser);
    try {
      const s = await a.open(testCtx());
      expect((await s.send(say('卡丢了'), never())).text).toBe('收到：卡丢了');
      await s.close({ failed: false });
    } finally {
      await a.dispose();
      late.closeAllConnections();
      await new Promise((r) => late.close(r));
    }
  });
});

describe('evidence', () => {
  const dir = '/tmp/harness-web-evidence';
  it('keeps a Playwright trace for a failed conversation only, and a screenshot per turn', async () => {
    rmSync(dir, { recursive: true, force: true });
    const a = createWebAdapter(webConfigSchema.parse(demoWebConfig(server.url, { screenshots: true })), testEnv({ trace: 'on-failure' }), {}, browser);
    try {
      const ok = await a.open(testCtx(join(dir, 'ok'), dir));
      const r = await ok.send(say('余额怎么查'), never());
      expect(r.evidence?.screenshot).toBe('ok/turn-0-1.png');
      expect(existsSync(join(dir, 'ok/turn-0-1.png'))).toBe(true);
      await ok.close({ failed: false });
      expect(existsSync(join(dir, 'ok/trace.zip'))).toBe(false);
      const bad = await a.open(testCtx(join(dir, 'bad'), dir));
      await bad.send(say('卡丢了'), never());
      await bad.close({ failed: true });
      expect(existsSync(join(dir, 'bad/trace.zip'))).toBe(true);
    } finally {
      await a.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('by default (on-retry) records a trace for a retried attempt only, and keeps it when that attempt fails too', async () => {
    const base = '/tmp/harness-web-evidence-retry';
    rmSync(base, { recursive: true, force: true });
    // A kept tab too: the traced retry has a context of its own, and the pool's untraced tabs carry on after it.
    const a = createWebAdapter(webConfigSchema.parse(demoWebConfig(server.url, { isolation: 'tab' })), testEnv({ trace: 'on-retry' }), {}, browser);
    const attempt = async (name: string, n: number, failed: boolean) => {
      const s = await a.open({ ...testCtx(join(base, name), base), attempt: n });
      expect((await s.send(say('余额怎么查'), never())).text).not.toBe('');
      await s.close({ failed });
      return existsSync(join(base, name, 'trace.zip'));
    };
    try {
      expect(await attempt('first-failed', 1, true)).toBe(false);
      expect(await attempt('retry-failed', 2, true)).toBe(true);
      expect(await attempt('retry-passed', 2, false)).toBe(false);
      expect(await attempt('next-failed', 1, true)).toBe(false);
    } finally {
      await a.dispose();
      rmSync(base, { recursive: true, force: true });
    }
  });
});

describe('finding a browser', () => {
  it('names both install routes when no Chromium exists', async () => {
    const err = await resolveChromium({ HARNESS_CHROMIUM: '/nonexistent/chrome' }, ['/nonexistent/chromium-headless-shell', '/nonexistent/chromium']).catch((e) => e);
    // Where Playwright's own build is installed it is found instead: that is fine too.
    if (err instanceof Error) {
      expect(err.message).toContain('npx playwright install chromium');
      expect(err.message).toContain('apt-get install chromium');
      expect(err.message).toContain('HARNESS_CHROMIUM=/nonexistent/chrome');
      expect(err.message).toContain('/nonexistent/chromium-headless-shell');
    } else {
      expect(err.source).toBe('playwright');
    }
  });

  it("takes the first system build that exists: the headless shell before the full browser", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chromiums-'));
    try {
      const shell = join(dir, 'chromium-headless-shell');
      const full = join(dir, 'chromium');
      writeFileSync(full, '');
      const paths = [join(dir, 'missing-shell'), shell, full];
      const before = await resolveChromium({}, paths);
      writeFileSync(shell, '');
      const after = await resolveChromium({}, paths);
      // Where Playwright's own build is installed it is found first: that is fine too.
      if (before.source === 'system') {
        expect(before.executablePath).toBe(full);
        expect(after.executablePath).toBe(shell);
      } else {
        expect(before.source).toBe('playwright');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prefers HARNESS_CHROMIUM when it points at a binary', async () => {
    expect(await resolveChromium({ HARNESS_CHROMIUM: '/usr/bin/chromium' }, ['/nonexistent'])).toEqual({ executablePath: '/usr/bin/chromium', source: 'env' });
  });
});
