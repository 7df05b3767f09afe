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

export interface BlankPage {
  context: BrowserContext;
  page: Page;
  tracing: boolean;
  crashed(): boolean;
  /** With `prewarm`: the chat already opened on this page (welcome settled). */
  frame?: Frame;
}

export class BlankPages {
  private spare: Promise<BlankPage> | undefined;

  constructor(
    private readonly shared: SharedBrowser,
    private readonly config: WebConfig,
    private readonly env: AdapterEnv,
    private readonly flavour: WebFlavour,
    /** Opens the chat on a spare page ahead of its conversation (config `prewarm`). */
    private readonly prewarm?: (page: Page, crashed: () => boolean) => Promise<Frame>,
  ) {}

  private async make(): Promise<BlankPage> {
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
      const tracing = this.env.options.trace !== 'off';
      context.setDefaultTimeout(Math.min(this.config.maxWaitMs, 15_000));
      if (tracing) await context.tracing.start({ screenshots: true, snapshots: true });
      await this.flavour.prepare?.(context);
      const page = await context.newPage();
      let crashed = false;
      page.on('crash', () => (crashed = true));
      const isCrashed = () => crashed;
      const frame = this.prewarm ? await this.prewarm(page, isCrashed) : undefined;
      return { context, page, tracing, crashed: isCrashed, frame };
    } catch (err) {
      await context.close().catch(() => {});
      throw toFault(err, 'opening a page');
    }
  }

  /** A blank page for the next conversation; the one after is started at once. */
  async take(): Promise<BlankPage> {
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
    const spare = await this.spare?.catch(() => undefined);
    this.spare = undefined;
    await spare?.context.close().catch(() => {});
  }
}
