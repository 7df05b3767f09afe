import type { Adapter, AdapterEnv } from '../../harness/types.ts';
import { SharedBrowser } from './browser.ts';
import type { WebConfig } from './config.ts';
import { WebSession, type WebFlavour } from './session.ts';

// The `web` adapter: one browser per adapter (launched on first use, shared
// by the run), one browser context per conversation.

export function createWebAdapter(config: WebConfig, env: AdapterEnv, flavour: WebFlavour = {}): Adapter {
  const browser = new SharedBrowser(env.log);
  return {
    open: (ctx) => WebSession.open(browser, config, env, ctx, flavour),
    dispose: () => browser.close(),
  };
}

export { resolveChromium, BrowserNotFoundError } from './browser.ts';
