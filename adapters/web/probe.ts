import type { Frame, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { SharedBrowser } from './browser.ts';
import type { OpenStep } from './config.ts';
import { probeHelpers } from './probe-script.ts';
import { sleep } from '../../harness/util/sleep.ts';

// `harness probe --url`: open a bank's page, look for the usual chat-widget
// patterns (a launcher, iframes, open shadow roots, a message box, a send
// button), send one greeting to see which elements the bot's reply uses, and
// propose a `channels.web` block for the bank profile. A starting point to
// check in DevTools, not a guarantee.

export interface ProbeOptions {
  timeoutMs?: number;
  /** Send one greeting to learn the bubbles (default true). */
  send?: boolean;
  text?: string;
}

export interface ProbeResult {
  channelsWeb: Record<string, unknown>;
  yaml: string;
  notes: string[];
}

interface Candidate {
  selector: string;
  text?: string;
  visible?: boolean;
  score?: number;
}


async function helpers(frame: Frame): Promise<void> {
  await frame.evaluate(probeHelpers);
}

async function call<T>(frame: Frame, fn: string, ...args: unknown[]): Promise<T> {
  await helpers(frame);
  return (await frame.evaluate(`window.__probe.${fn}(${args.map((a) => JSON.stringify(a)).join(',')})`)) as T;
}

/** The selector chain of iframes from the page down to `frame`. */
async function frameChain(frame: Frame): Promise<string[]> {
  const chain: string[] = [];
  for (let f: Frame | null = frame; f && f.parentFrame(); f = f.parentFrame()) {
    const el = await f.frameElement();
    const parent = f.parentFrame()!;
    await helpers(parent);
    chain.unshift((await parent.evaluate((e) => (window as any).__probe.iframeSelector(e), el)) as string);
  }
  return chain;
}

async function findInput(page: Page): Promise<{ frame: Frame; input: Candidate } | null> {
  let best: { frame: Frame; input: Candidate } | null = null;
  for (const frame of page.frames()) {
    const found = await call<Candidate[]>(frame, 'inputs').catch(() => []);
    const top = found[0];
    if (top && top.score! > 0 && (!best || top.score! > best.input.score!)) best = { frame, input: top };
  }
  return best;
}

export async function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const notes: string[] = [];
  const open: OpenStep[] = [];
  const browser = new SharedBrowser();
  try {
    const context = await (await browser.get()).newContext({ locale: 'zh-CN' });
    context.setDefaultTimeout(Math.min(timeoutMs, 10_000));
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    await sleep(800);

    let found = await findInput(page);
    if (!found?.input.visible) {
      for (const frame of page.frames()) {
        const launchers = await call<Candidate[]>(frame, 'launchers').catch(() => []);
        if (launchers.length === 0) continue;
        const l = launchers[0];
        notes.push(`launcher: clicked ${l.selector} ("${l.text}")${launchers.length > 1 ? `; other candidates: ${launchers.slice(1, 4).map((c) => c.selector).join(', ')}` : ''}`);
        const chain = await frameChain(frame);
        for (const f of chain) open.push({ frame: f });
        open.push({ click: l.selector });
        if (chain.length) open.push({ frame: 'top' });
        await frame.locator(l.selector).first().click();
        await sleep(1500);
        break;
      }
      found = await findInput(page);
    }
    if (!found) {
      notes.push('no message box found: open the chat by hand in DevTools and look for a textarea or contenteditable element');
      return result(url, open, null, notes);
    }
    const chain = await frameChain(found.frame);
    if (chain.length) notes.push(`the chat lives in an iframe: ${chain.join(' › ')}`);
    const inShadow = await found.frame.evaluate(`(() => { const r = []; const w = (n) => { for (const e of n.querySelectorAll('*')) if (e.shadowRoot) { r.push(e.tagName); w(e.shadowRoot); } }; w(document); return r; })()`);
    if ((inShadow as string[]).length) notes.push(`open shadow roots under ${(inShadow as string[]).slice(0, 3).join(', ').toLowerCase()}: Playwright's CSS selectors reach inside them`);
    if (!found.input.visible) {
      const consent = await call<Candidate[]>(found.frame, 'consent');
      if (consent.length) {
        const c = consent[0];
        notes.push(`privacy notice / consent: clicked ${c.selector} ("${c.text}")`);
        for (const f of chain) if (!open.some((s) => 'frame' in s && s.frame === f)) open.push({ frame: f });
        open.push({ click: c.selector });
        await found.frame.locator(c.selector).first().click();
        await sleep(800);
        found = (await findInput(page)) ?? found;
      }
    }
    const frame = found.frame;
    const sends = await call<Candidate[]>(frame, 'send');
    const selectors: Record<string, unknown> = {
      ...(chain.length ? { frame: chain } : {}),
      input: found.input.selector,
      ...(sends[0] ? { send: sends[0].selector } : {}),
    };
    if (!sends[0]) notes.push('no send button found: the harness will press Enter');
    if (options.send === false) {
      notes.push('no message sent (send: false): fill in botMessage from DevTools');
      return result(url, open, selectors, notes);
    }
    const said = options.text ?? '你好';
    await call(frame, 'record');
    await frame.locator(found.input.selector).first().fill(said);
    if (sends[0]) await frame.locator(sends[0].selector).first().click();
    else await frame.locator(found.input.selector).first().press('Enter');
    notes.push(`sent "${said}" once to see the reply's elements`);
    await sleep(Math.min(timeoutMs, 6000));
    const seen = await call<{ botMessage: string | null; botTexts: string[]; userEcho: string | null; typing: string | null; buttons: string | null; buttonTexts: string[] }>(
      frame,
      'analyse',
      said,
    );
    if (seen.botMessage) {
      selectors.botMessage = seen.botMessage;
      notes.push(`bot bubbles: ${seen.botMessage} — first reply: ${JSON.stringify(seen.botTexts.join(' / ').slice(0, 80))}`);
    } else {
      selectors.botMessage = 'TODO';
      notes.push('could not tell the bot\'s bubbles from the customer\'s: set selectors.botMessage from DevTools');
    }
    if (seen.userEcho) notes.push(`customer bubbles look like ${seen.userEcho}: make sure botMessage does not match them`);
    if (seen.typing) selectors.typing = seen.typing;
    else notes.push('no typing indicator seen (fine if the bot answers at once)');
    if (seen.buttons) {
      selectors.buttons = seen.buttons;
      notes.push(`quick replies: ${seen.buttonTexts.join(' / ')}`);
    }
    await context.close();
    return result(url, open, selectors, notes);
  } finally {
    await browser.close();
  }
}

function result(url: string, open: OpenStep[], selectors: Record<string, unknown> | null, notes: string[]): ProbeResult {
  const channelsWeb: Record<string, unknown> = {
    adapter: 'web',
    kind: 'online',
    url,
    ...(open.length ? { open } : {}),
    selectors: selectors ?? { input: 'TODO', botMessage: 'TODO' },
    settleMs: 800,
  };
  const yaml = stringify({ channels: { web: channelsWeb } }, { lineWidth: 0 });
  return { channelsWeb, yaml, notes };
}
