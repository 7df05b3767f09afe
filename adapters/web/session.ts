import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, BrowserContextOptions, Frame, Page } from 'playwright-core';
import type { AdapterContext, AdapterEnv, BotReply, ReplyInspection, Session, Utterance } from '../../harness/types.ts';
import { TransportFault } from '../../harness/types.ts';
import type { OpenStep, WebConfig } from './config.ts';
import { toFault } from './faults.ts';
import type { BlankPage, BlankPages } from './pool.ts';
import { candidateSelectors, devtoolsSelector, inspection, type TurnSeen } from './inspect.ts';
import {
  countExpression,
  installExpression,
  lookExpression,
  markExpression,
  waitExpression,
  type ChatLook,
  type InstallResult,
  type ObservedReply,
} from './observer.ts';

/** Tells the user once per adapter (key) about a profile problem seen in a conversation. */
export type Warn = (key: string, message: string) => void;

/** What a variant of the web channel (WeChat H5…) changes about the browser. */
export interface WebFlavour {
  contextOptions?: BrowserContextOptions;
  prepare?(context: BrowserContext): Promise<void>;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class WebSession implements Session {
  private shots = 0;
  private closed = false;
  private seen: TurnSeen | undefined;

  private constructor(
    private readonly config: WebConfig,
    private readonly env: AdapterEnv,
    private readonly ctx: AdapterContext,
    private readonly pages: BlankPages,
    private readonly blank: BlankPage,
    private readonly page: Page,
    private frame: Frame,
    private readonly warn: Warn,
  ) {}

  /** The page crashed (watched by the pool for as long as this conversation holds it). */
  private get crashed(): boolean {
    return this.blank.crashed();
  }

  static async open(pages: BlankPages, config: WebConfig, env: AdapterEnv, ctx: AdapterContext, warn: Warn = () => {}): Promise<WebSession> {
    const blank = await pages.take((ctx.attempt ?? 1) > 1);
    const { page, crashed, frame: warm } = blank;
    try {
      const frame = warm ?? (await openChat(page, config, crashed));
      const session = new WebSession(config, env, ctx, pages, blank, page, frame, warn);
      if (session.crashed) throw new TransportFault('crashed', 'the page crashed while the chat was opening');
      return session;
    } catch (err) {
      const fault = toFault(err, 'opening the chat', crashed());
      await finish(pages, blank, env, ctx, true);
      throw fault;
    }
  }

  private async evaluate<T>(expression: string): Promise<T> {
    try {
      return (await this.frame.evaluate(expression)) as T;
    } catch (err) {
      throw toFault(err, 'reading the chat', this.crashed);
    }
  }

  private async install(): Promise<void> {
    checkInstall(await this.evaluate<InstallResult>(installExpression(observerSelectors(this.config))));
  }

  inspect(): ReplyInspection | undefined {
    return this.seen && inspection(this.config, this.seen, this.verified);
  }

  private verified = new Map<string, number>();

  /** What the chat shows now; never fails the turn (inspection is a by-product). */
  private async look(): Promise<ChatLook | undefined> {
    try {
      const all: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.config.selectors)) if (typeof v === 'string') all[k] = v;
      return (await this.frame.evaluate(`window.__harnessChat ? ${lookExpression(all, 4000)} : undefined`)) as ChatLook | undefined;
    } catch {
      return undefined;
    }
  }

  private frameChain(): TurnSeen['frames'] {
    const urls: string[] = [];
    for (let f: Frame | null = this.frame; f && f !== this.page.mainFrame(); f = f.parentFrame()) urls.unshift(f.url());
    return (this.config.selectors.frame ?? []).map((selector, i) => ({ selector, src: urls[i] ?? null }));
  }

  /** Record what this turn saw, for inspect(); checks candidate selectors and warns once when replies cannot be read. */
  private async record(seen: TurnSeen): Promise<void> {
    this.seen = seen;
    this.verified = new Map();
    const { look, observed } = seen;
    if (!look || (observed && observed.messages.length) || (look.matched.botMessage?.count ?? 0) > 0) return;
    const candidates = candidateSelectors(look.added, seen.said).map((c) => c.selector).slice(0, 6);
    if (candidates.length) {
      const counts = await this.frame.evaluate(countExpression(candidates)).catch(() => []) as number[];
      candidates.forEach((c, i) => this.verified.set(c, counts[i] ?? 0));
    }
    if (observed?.ended === 'max-wait') {
      const hint = inspection(this.config, seen, this.verified).suggestions?.find((x) => x.startsWith('selectors.botMessage'));
      if (hint) this.warn('botMessage', `${this.ctx.channel}: no reply was read within ${this.config.maxWaitMs} ms: ${hint}`);
    }
  }

  async send(utterance: Utterance, signal: AbortSignal): Promise<BotReply> {
    if (this.crashed) throw new TransportFault('crashed', 'the page had crashed before this turn');
    const { selectors, settleMs, maxWaitMs } = this.config;
    const base = { said: utterance.text, url: this.page.url(), frames: this.frameChain() };
    let clicked = false;
    try {
      if (!(await this.frame.evaluate('!!window.__harnessChat'))) await this.install(); // the chat frame reloaded
      await this.evaluate(markExpression);
      if (utterance.click && selectors.buttons) {
        const button = this.frame
          .locator(selectors.buttons)
          .filter({ hasText: new RegExp(`^\\s*${escapeRe(utterance.click)}\\s*$`) })
          .last();
        if ((await button.count()) > 0) {
          await button.click();
          clicked = true;
        } else {
          this.ctx.log(`web: no button "${utterance.click}" offered; typing the text instead`);
        }
      }
      if (!clicked) {
        const input = this.frame.locator(selectors.input).first();
        await input.fill(utterance.text);
        if (selectors.send) await this.frame.locator(selectors.send).first().click();
        else await input.press('Enter');
      }
    } catch (err) {
      const fault = toFault(err, 'sending the message', this.crashed);
      if (!this.crashed) await this.record({ ...base, look: await this.look(), failure: fault.message });
      throw fault;
    }
    const observed = await abortable(this.evaluate<ObservedReply>(waitExpression(settleMs, maxWaitMs, 'new')), signal, this.ctx.signal);
    const shot = (this.config.screenshots ?? this.env.options.screenshots) ? await this.screenshot(utterance) : undefined;
    const screenshot = shot && this.ctx.relative(shot);
    await this.record({ ...base, clicked: clicked ? utterance.click : undefined, observed, look: await this.look(), screenshot: shot });
    return {
      text: observed.messages.map((m) => m.text).join('\n'),
      messages: observed.messages.map((m) => ({ text: m.text, atMs: m.atMs ?? undefined, kind: 'text' as const })),
      buttons: observed.buttons,
      latency: { firstMs: observed.firstMs, settledMs: observed.settledMs },
      ...(observed.handoff === null ? {} : { handoff: observed.handoff }),
      evidence: { ...(screenshot ? { screenshot } : {}), raw: { ended: observed.ended, bubbles: observed.messages.length, clicked: utterance.click ?? null } },
    };
  }

  private async screenshot(u: Utterance): Promise<string | undefined> {
    try {
      await mkdir(this.ctx.evidenceDir, { recursive: true });
      const path = join(this.ctx.evidenceDir, `turn-${u.index}-${++this.shots}.png`);
      await this.page.screenshot({ path });
      return path;
    } catch (err) {
      this.ctx.log(`web: screenshot failed: ${(err as Error).message.split('\n')[0]}`);
      return undefined;
    }
  }

  async close(outcome: { failed: boolean }): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await finish(this.pages, this.blank, this.env, this.ctx, outcome.failed);
  }
}

const observerSelectors = ({ selectors: { botMessage, typing, buttons, handoff } }: WebConfig) => ({ botMessage, typing, buttons, handoff });

/** A selector the page cannot read is a profile error: no retry fixes it. */
function checkInstall(r: InstallResult): void {
  if (!r.errors.length) return;
  const lines = r.errors.map((e) => `selectors.${e.field} ${e.message}`);
  throw new TransportFault('protocol', lines.join('; '), { retryable: false });
}

/** From a blank page to a chat ready for input, with the welcome text settled (it is not part of any reply). */
export async function openChat(page: Page, config: WebConfig, crashed: () => boolean): Promise<Frame> {
  let response;
  try {
    response = await page.goto(config.url, { waitUntil: 'domcontentloaded', timeout: config.loadTimeoutMs });
  } catch (err) {
    throw toFault(err, `loading ${config.url}`, crashed());
  }
  const status = response?.status() ?? 200;
  if (status >= 500) throw new TransportFault('server-error', `${config.url} answered HTTP ${status}`);
  if (status === 404) throw new TransportFault('not-found', `${config.url} answered HTTP 404 — check the url`);
  await runSteps(page, config.open);
  let frame: Frame = page.mainFrame();
  for (const sel of config.selectors.frame ?? []) frame = await enterFrame(frame, sel);
  let installed: InstallResult;
  try {
    installed = (await frame.evaluate(installExpression(observerSelectors(config)))) as InstallResult;
  } catch (err) {
    throw toFault(err, 'reading the chat', crashed());
  }
  checkInstall(installed);
  try {
    await frame.locator(config.selectors.input).first().waitFor({ state: 'visible' });
  } catch (err) {
    const fault = toFault(err, 'waiting for the message box', crashed());
    if (fault.kind === 'crashed') throw fault;
    const look = (await frame.evaluate(lookExpression({ input: config.selectors.input }, 0)).catch(() => undefined)) as ChatLook | undefined;
    const boxes = look?.inputs.map((e) => `\`${devtoolsSelector(e.path)}\``).join(', ');
    throw new TransportFault(fault.kind, `selectors.input \`${config.selectors.input}\` matched no visible element${boxes ? `; text boxes here: ${boxes}` : ''} (${fault.message})`, {
      cause: err,
    });
  }
  try {
    await frame.evaluate(waitExpression(config.settleMs, Math.min(config.maxWaitMs, 2 * config.settleMs + 1000), 'any'));
  } catch (err) {
    throw toFault(err, 'reading the chat', crashed());
  }
  return frame;
}

async function finish(pages: BlankPages, blank: BlankPage, env: AdapterEnv, ctx: AdapterContext, failed: boolean) {
  let tracePath: string | undefined;
  if (blank.tracing && (failed || env.options.trace === 'on')) {
    tracePath = join(ctx.evidenceDir, 'trace.zip');
    await mkdir(ctx.evidenceDir, { recursive: true }).catch(() => {});
  }
  await pages.release(blank, failed, tracePath);
}

async function runSteps(page: Page, steps: OpenStep[]): Promise<void> {
  let scope: Frame = page.mainFrame();
  for (const [i, step] of steps.entries()) {
    const what = `open step ${i + 1} ${JSON.stringify(step)}`;
    try {
      if ('click' in step) await scope.locator(step.click).first().click();
      else if ('fill' in step) await scope.locator(step.fill).first().fill(step.value);
      else if ('press' in step) await (step.on ? scope.locator(step.on).first().press(step.press) : page.keyboard.press(step.press));
      else if ('waitFor' in step) await scope.locator(step.waitFor).first().waitFor({ state: 'visible' });
      else scope = step.frame === 'top' ? page.mainFrame() : await enterFrame(scope, step.frame);
    } catch (err) {
      throw toFault(err, what);
    }
  }
}

async function enterFrame(scope: Frame, selector: string): Promise<Frame> {
  let handle;
  try {
    handle = await scope.locator(selector).first().elementHandle();
  } catch (err) {
    const fault = toFault(err, 'entering the iframe');
    throw new TransportFault(fault.kind, `${selector} matched no iframe (selectors.frame / open frame step): ${fault.message}`, { cause: err });
  }
  const frame = await handle?.contentFrame();
  if (!frame) throw new TransportFault('protocol', `${selector} is not an iframe (selectors.frame / open frame step)`, { retryable: false });
  await frame.waitForLoadState('domcontentloaded');
  return frame;
}

function abortable<T>(p: Promise<T>, ...signals: AbortSignal[]): Promise<T> {
  const signal = AbortSignal.any(signals);
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new TransportFault('timeout', 'the turn was aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
