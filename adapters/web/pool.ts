import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { AdapterEnv } from '../../harness/types.ts';
import type { SharedBrowser } from './browser.ts';
import type { WebConfig } from './config.ts';
import { toFault } from './faults.ts';
import type { WebFlavour } from './session.ts';

// A fresh browser context with a blank page, made one conversation ahead:
// starting a renderer process costs about a second on a busy machine, and
// doing it while the previous conversation waits on the bot takes it off the
// critical path. The page has not loaded anything yet, so no bank session is
// opened early and nothing is shared between conversations.
//
// With `isolation: page` a context outlives its conversation: when one ends,
// its page closes, cookies, permissions and the storage of every origin it
// visited are cleared, and the context waits for the next conversation (one
// at a time each); its trace is kept in chunks, one per conversation. With
// `isolation: tab` the page outlives it too: it goes to about:blank and its
// renderer process serves the next conversation, which saves starting one
// per conversation (a quarter of a demo web conversation's CPU). A context
// whose conversation failed or crashed is closed, not reused.

export interface BlankPage {
  context: BrowserContext;
  page: Page;
  tracing: boolean;
  crashed(): boolean;
  /** With `prewarm`: the chat already opened on this page (welcome settled). */
  frame?: Frame;
  /** The context goes back to the pool when the conversation ends (`isolation: page` or `tab`). */
  reusable: boolean;
  /** Stops watching the page for a crash (a kept tab serves the next conversation). */
  unwatch(): void;
}

interface Idle {
  context: BrowserContext;
  /** isolation: tab — the page, at about:blank, for the next conversation. */
  page?: Page;
}

export class BlankPages {
  private spare: Promise<BlankPage> | undefined;
  /** isolation: page or tab — contexts whose conversation ended, storage cleared. */
  private idle: Idle[] = [];
  private closed = false;

  constructor(
    private readonly shared: SharedBrowser,
    private readonly config: WebConfig,
    private readonly env: AdapterEnv,
    private readonly flavour: WebFlavour,
    /** Opens the chat on a spare page ahead of its conversation (config `prewarm`). */
    private readonly prewarm?: (page: Page, crashed: () => boolean) => Promise<Frame>,
  ) {}

  /** Every attempt is traced (`on-failure`, `on`); with `on-retry` only a retry, on a context of its own. */
  private get traceAll(): boolean {
    return this.env.options.trace === 'on-failure' || this.env.options.trace === 'on';
  }

  private async make(traceThis = false): Promise<BlankPage> {
    const tracing = this.traceAll || traceThis;
    // A context traced for one retry is closed after it, so the pool's contexts are all alike.
    const reusable = this.config.isolation !== 'context' && tracing === this.traceAll;
    for (let kept = reusable ? this.idle.pop() : undefined; kept; kept = this.idle.pop()) {
      const { context, page } = kept;
      if (!context.browser()?.isConnected()) continue;
      try {
        if (tracing) await context.tracing.startChunk();
        return await this.blank(context, tracing, true, page && !page.isClosed() ? page : undefined);
      } catch {
        await context.close().catch(() => {});
      }
    }
    const browser = await this.shared.get();
    let context: BrowserContext;
    try {
      context = await browser.newContext({
        ...(this.config.viewport ? { viewport: this.config.viewport } : {}),
        ...(this.config.userAgent ? { userAgent: this.config.userAgent } : {}),
        ...(this.config.locale ? { locale: this.config.locale } : {}),
        ...this.flavour.contextOptions,
      });
    } catch (err) {
      throw toFault(err, 'opening a browser context');
    }
    try {
      // A step on the page (finding the input, typing, clicking) is the browser's work, not a wait
      // for the bot: a short reply wait must not fail it on a busy machine, so at least 10 s.
      context.setDefaultTimeout(Math.min(Math.max(this.config.maxWaitMs, 10_000), 15_000, this.config.loadTimeoutMs));
      // The filmstrip of screenshots costs a third of a web conversation's CPU:
      // kept with --trace on; other traces keep the DOM snapshot of every step,
      // which costs a fifth, so by default only a retried attempt records one.
      if (tracing) await context.tracing.start({ screenshots: this.env.options.trace === 'on', snapshots: true });
      if (tracing && reusable) await context.tracing.startChunk();
      await this.flavour.prepare?.(context);
      return await this.blank(context, tracing, reusable);
    } catch (err) {
      await context.close().catch(() => {});
      throw toFault(err, 'opening a page');
    }
  }

  private async blank(context: BrowserContext, tracing: boolean, reusable: boolean, kept?: Page): Promise<BlankPage> {
    const page = kept ?? (await context.newPage());
    let crashed = false;
    const onCrash = () => (crashed = true);
    page.on('crash', onCrash);
    const isCrashed = () => crashed;
    const unwatch = () => void page.off('crash', onCrash);
    const frame = this.prewarm ? await this.prewarm(page, isCrashed) : undefined;
    return { context, page, tracing, crashed: isCrashed, frame, reusable, unwatch };
  }

  /**
   * The conversation on `blank` has ended: keep its trace at `tracePath` (if
   * given), then close its context, or with `isolation: page` clear it and
   * keep it for the next conversation.
   */
  async release(blank: BlankPage, failed: boolean, tracePath?: string): Promise<void> {
    const { context, page } = blank;
    try {
      if (blank.tracing && blank.reusable) await context.tracing.stopChunk(tracePath ? { path: tracePath } : undefined);
      else if (blank.tracing) await context.tracing.stop(tracePath ? { path: tracePath } : undefined);
    } catch {
      // a crashed browser has no trace to give
    }
    blank.unwatch();
    const keepTab = this.config.isolation === 'tab';
    if (!blank.reusable || failed || blank.crashed() || this.closed || !(await clearForNext(context, page, keepTab))) {
      await context.close().catch(() => {});
      return;
    }
    this.idle.push({ context, page: keepTab ? page : undefined });
  }

  /**
   * A blank page for the next conversation; the one after is started at once.
   * A retry under `--trace on-retry` gets a traced page of its own, made now;
   * the spare waits for the next conversation.
   */
  async take(retry = false): Promise<BlankPage> {
    if (retry && this.env.options.trace === 'on-retry') return this.make(true);
    const ready = this.spare;
    this.spare = this.make();
    this.spare.catch(() => {}); // a failed spare is replaced on the next take
    const got = ready ? await ready.catch(() => undefined) : undefined;
    if (got && !got.crashed() && !got.page.isClosed() && got.context.browser()?.isConnected()) return got;
    if (got) await got.context.close().catch(() => {});
    // The spare failed (or crashed): open this conversation's chat now, so its fault is its own.
    return this.make();
  }

  async close(): Promise<void> {
    this.closed = true;
    const spare = await this.spare?.catch(() => undefined);
    this.spare = undefined;
    await spare?.context.close().catch(() => {});
    await Promise.all(this.idle.splice(0).map((c) => c.context.close().catch(() => {})));
  }
}

/**
 * Clear what the next conversation must not see: cookies, permissions, every
 * visited origin's storage. The page is closed, or with `keepTab` left at
 * about:blank. False when it could not.
 */
async function clearForNext(context: BrowserContext, page: Page, keepTab: boolean): Promise<boolean> {
  try {
    const origins = new Set<string>();
    for (const f of page.frames()) {
      try {
        const { origin } = new URL(f.url());
        if (origin.startsWith('http')) origins.add(origin);
      } catch {
        // about:blank and the like hold nothing
      }
    }
    // Away first, so what the widget writes as it unloads is cleared as well.
    // 'all' covers the tab's session storage too (the isolation tests check it).
    if (keepTab) await page.goto('about:blank');
    const cdp = await context.newCDPSession(page);
    for (const origin of origins) await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
    await cdp.detach();
    if (!keepTab) await page.close();
    await context.clearCookies();
    await context.clearPermissions();
    return true;
  } catch {
    return false;
  }
}

