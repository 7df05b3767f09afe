import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webConfigSchema } from '../../../adapters/web/config.ts';
import { createWebAdapter } from '../../../adapters/web/index.ts';
import type { Adapter, TraceMode } from '../../../harness/types.ts';
import type { WebConfig } from '../../../adapters/web/config.ts';
import { descendants, fileBrowser, never, say, testCtx, testEnv } from '../../helpers/web.ts';

// `isolation: page` reuses browser contexts between conversations: what a
// chat widget remembers of a visitor (a session cookie, localStorage,
// sessionStorage, IndexedDB) must still be gone when the next conversation
// opens, as with a fresh context; only the HTTP cache is kept.

// A widget that, like many bank widgets, remembers a returning visitor and
// greets them with their earlier question.
const page = `<!doctype html><meta charset="utf-8">
<div class="log"></div><textarea class="input"></textarea><button class="send">发送</button><script src="/widget.js"></script>`;
const widget = `
const log = document.querySelector('.log');
function bot(text) { const d = document.createElement('div'); d.className = 'msg bot'; d.textContent = text; log.appendChild(d); }
function remembered(cb) {
  const req = indexedDB.open('chat', 1);
  req.onupgradeneeded = () => req.result.createObjectStore('q');
  req.onsuccess = () => { const g = req.result.transaction('q').objectStore('q').get('last'); g.onsuccess = () => cb(g.result || ''); };
}
document.querySelector('.send').addEventListener('click', () => {
  const q = document.querySelector('.input').value;
  remembered((idb) => {
    const seen = [document.cookie.includes('visitor=') ? 'cookie' : '', localStorage.getItem('last') ? 'local' : '', sessionStorage.getItem('last') ? 'session' : '', idb ? 'idb' : ''].filter(Boolean);
    bot(seen.length ? '欢迎回来（' + seen.join(',') + '）' : '您好，新访客');
    document.cookie = 'visitor=v1; path=/; max-age=3600';
    localStorage.setItem('last', q);
    sessionStorage.setItem('last', q);
    const req = indexedDB.open('chat', 1);
    req.onsuccess = () => req.result.transaction('q', 'readwrite').objectStore('q').put(q, 'last');
  });
});`;

const browser = fileBrowser();
let server: Server;
let url = '';
let widgetLoads = 0;
const adapters: Adapter[] = [];
const evidence = mkdtempSync(join(tmpdir(), 'web-isolation-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/widget.js') {
      widgetLoads++;
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'max-age=3600' });
      return res.end(widget);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await Promise.all(adapters.map((a) => a.dispose()));
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(evidence, { recursive: true, force: true });
});

const adapter = (isolation: WebConfig['isolation'], trace: TraceMode = 'off') => {
  const config = webConfigSchema.parse({ url, isolation, settleMs: 100, selectors: { input: 'textarea.input', send: 'button.send', botMessage: '.msg.bot' } });
  const a = createWebAdapter(config, testEnv({ trace }), {}, browser);
  adapters.push(a);
  return a;
};

async function converse(a: Adapter, text: string, dir = evidence): Promise<string> {
  const s = await a.open(testCtx(dir));
  const r = await s.send(say(text), never());
  await s.close({ failed: false });
  return r.text;
}

describe('isolation: page and tab', () => {
  it('defaults to a fresh context per conversation', () => {
    expect(webConfigSchema.parse({ url, selectors: { input: 'x', botMessage: 'y' } }).isolation).toBe('context');
  });

  for (const isolation of ['page', 'tab'] as const) {
    it(`${isolation}: clears cookies, localStorage, sessionStorage and IndexedDB between conversations, keeping the HTTP cache`, async () => {
      const a = adapter(isolation);
      widgetLoads = 0;
      expect(await converse(a, '信用卡年费怎么收？')).toBe('您好，新访客');
      for (const q of ['怎么查余额？', '网点几点开门？']) expect(await converse(a, q)).toBe('您好，新访客');
      // A context served more than one conversation: the widget's script came from its cache
      // (the next conversation's page is made while one talks, so two contexts take turns).
      expect(widgetLoads).toBeLessThan(3);
    });
  }

  it('tab: the kept pages\' renderer processes serve the next conversations; page: each conversation starts one', async () => {
    const renderers = () => new Set(descendants().filter((p) => p.cmd.includes('--type=renderer')).map((p) => p.pid));
    const started = async (isolation: 'page' | 'tab') => {
      const a = adapter(isolation);
      const before = renderers();
      const seen = new Set<number>();
      for (const q of ['信用卡年费怎么收？', '怎么查余额？', '网点几点开门？', '怎么开通手机银行？']) {
        expect(await converse(a, q)).toBe('您好，新访客');
        for (const pid of renderers()) if (!before.has(pid)) seen.add(pid);
      }
      await a.dispose();
      return seen.size;
    };
    // Two pages take turns (the next one is made while a conversation talks).
    expect(await started('tab')).toBeLessThanOrEqual(2);
    expect(await started('page')).toBeGreaterThanOrEqual(3);
  });

  it('keeps the trace of each conversation on its own with --trace on', async () => {
    const a = adapter('page', 'on');
    const dirs = [join(evidence, 't1'), join(evidence, 't2')];
    for (const d of dirs) expect(await converse(a, '怎么开通手机银行？', d)).toBe('您好，新访客');
    for (const d of dirs) expect(existsSync(join(d, 'trace.zip')), d).toBe(true);
  });

  it('with the default, a widget that remembers its visitor sees each conversation as new too', async () => {
    const a = adapter('context');
    widgetLoads = 0;
    expect(await converse(a, '信用卡年费怎么收？')).toBe('您好，新访客');
    expect(await converse(a, '怎么查余额？')).toBe('您好，新访客');
    expect(widgetLoads).toBe(2);
  });
});
