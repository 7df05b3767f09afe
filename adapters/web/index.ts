import type { Adapter, AdapterEnv } from '../../harness/types.ts';
import { SharedBrowser } from './browser.ts';
import { BlankPages } from './pool.ts';
import type { WebConfig } from './config.ts';
import { WebSession, openChat, type WebFlavour } from './session.ts';

// The `web` adapter: one browser per adapter (launched on first use, shared
// by the run), one fresh browser context per conversation. A caller that
// already keeps a browser may lend it: the adapter then leaves it open on
// dispose, closing only its own contexts.

export function createWebAdapter(config: WebConfig, env: AdapterEnv, flavour: WebFlavour = {}, lent?: SharedBrowser): Adapter {
  const browser = lent ?? new SharedBrowser(env.log);
  const pages = new BlankPages(browser, config, env, flavour, config.prewarm ? (page, crashed) => openChat(page, config, crashed) : undefined);
  const told = new Set<string>();
  const warn = (key: string, message: string) => {
    if (told.has(key)) return;
    told.add(key);
    env.log(`warning: ${message}`);
  };
  return {
    open: (ctx) => WebSession.open(pages, config, env, ctx, warn),
    dispose: async () => {
      await pages.close();
      if (!lent) await browser.close();
    },
  };
}

export { resolveChromium, BrowserNotFoundError, SharedBrowser } from './browser.ts';
