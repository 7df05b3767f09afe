import { readdirSync, readFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { SharedBrowser } from '../../adapters/web/browser.ts';
import type { AdapterContext, AdapterEnv, Utterance } from '../../harness/types.ts';

// Shared set-up of the browser-channel tests: the demo widget's selectors,
// a conversation context, and the browser processes under this test process.

export const demoSelectors = {
  input: 'textarea.input',
  send: 'button.send',
  botMessage: '.msg.bot',
  typing: '.typing',
  buttons: '.quick-reply',
  handoff: '.handoff-notice',
};

export const demoWebConfig = (url: string, extra: Record<string, unknown> = {}) => ({
  url,
  selectors: { frame: ['#chat-frame'], ...demoSelectors },
  open: [{ click: '#launcher' }, { frame: '#chat-frame' }, { click: 'button.accept' }],
  ...extra,
});

export const testEnv = (over: Partial<AdapterEnv['options']> = {}): AdapterEnv => ({
  runDir: '/tmp',
  profileDir: '/tmp',
  options: { screenshots: false, trace: 'off', turnTimeoutMs: 30_000, debug: false, ...over },
  log: () => {},
});

/**
 * One Chromium lent to every web adapter of a test file, launched on first
 * use and closed after the file's last test: each adapter still opens its
 * own contexts, and a launch per adapter would cost a second or more of CPU.
 */
export function fileBrowser(): SharedBrowser {
  const browser = new SharedBrowser();
  afterAll(() => browser.close());
  return browser;
}

let n = 0;
export function testCtx(evidenceDir = '/tmp/harness-web-test', runDir = '/tmp'): AdapterContext {
  n++;
  return {
    conversationId: `demo/web/test/c${n}#0.0`,
    bank: 'demo',
    channel: 'web',
    evidenceDir,
    relative: (p) => (p.startsWith(runDir + '/') ? p.slice(runDir.length + 1) : p),
    seed: n,
    signal: new AbortController().signal,
    log: () => {},
  };
}

export const say = (text: string, index = 0, click?: string): Utterance => ({ index, text, attempt: 'first', ...(click ? { click } : {}) });
export const never = () => new AbortController().signal;

/** Processes descending from `root` (default: this process), with their command lines. */
export function descendants(root = process.pid): { pid: number; cmd: string }[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const out: { pid: number; cmd: string }[] = [];
  const within = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  for (const pid of parent.keys()) {
    if (!within(pid)) continue;
    try {
      out.push({ pid, cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ') });
    } catch {
      // ended
    }
  }
  return out;
}
