import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { TransportFault } from '../../harness/types.ts';

// Which Chromium to drive: HARNESS_CHROMIUM when set (an explicit choice wins),
// else Playwright's own download when installed, else the distribution's
// headless shell or /usr/bin/chromium. One browser per adapter, launched on first use and
// relaunched after a crash.

/**
 * The features Playwright turns off at launch (playwright-core
 * chromiumSwitches.ts). Chromium reads only the last --disable-features on
 * its command line, so ours repeats these; a test checks the list against
 * what Playwright passes.
 */
export const PLAYWRIGHT_DISABLED_FEATURES = [
  'AvoidUnnecessaryBeforeUnloadCheckSync',
  'DestroyProfileOnBrowserClose',
  'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay',
  'MediaRouter',
  'PaintHolding',
  'ThirdPartyStoragePartitioning',
  'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin',
  'OptimizationHints',
  'NetworkTimeServiceQuerying',
  'AimEnabled',
  'PreconnectToSearch',
  'msForceBrowserSignIn',
  'msEdgeUpdateLaunchServicesPreferredVersion',
];

/**
 * Headless Chromium opens every page in a window of its own, and each window
 * preloads the address bar's drop-down as a WebUI page in a renderer process
 * of its own: a second renderer started per conversation that nobody sees,
 * about a quarter of a web conversation's CPU.
 */
export const HARNESS_DISABLED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup'];

const disableFeatures = (list: string[]) => `--disable-features=${list.join(',')}`;

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  disableFeatures([...PLAYWRIGHT_DISABLED_FEATURES, ...HARNESS_DISABLED_FEATURES]),
];

/** chromium.launch() options: our switches, Playwright's own --disable-features left out (ours carries it). */
export const chromiumLaunchOptions = { args: chromiumArgs, ignoreDefaultArgs: [disableFeatures(PLAYWRIGHT_DISABLED_FEATURES)] };

export class BrowserNotFoundError extends Error {
  readonly code = 'BROWSER_NOT_FOUND';
  constructor(tried: string[]) {
    super(
      `No Chromium found (tried ${tried.join(', ')}). Install one: \`npx playwright install chromium\` ` +
        '(Playwright\'s own build) or `apt-get install chromium-headless-shell` (the system one), or point HARNESS_CHROMIUM at a Chromium binary.',
    );
    this.name = 'BrowserNotFoundError';
  }
}

export interface ResolvedChromium {
  executablePath: string;
  source: 'env' | 'playwright' | 'system';
}

/**
 * The system's Chromium builds, best first. Debian's chromium-headless-shell is
 * the old headless mode that Playwright itself prefers for headless runs: no
 * browser UI behind each page and no GPU process, about half the CPU of a web
 * conversation in the full browser started with --headless.
 */
export const SYSTEM_CHROMIUMS = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'];

/** Playwright's headless shell installed beside its Chromium (…/chromium-<rev>/… → …/chromium_headless_shell-<rev>/…). */
function headlessShellBeside(chrome: string): string | undefined {
  const revision = /^chromium-(\d+)$/.exec(basename(dirname(dirname(chrome))))?.[1];
  if (!revision) return undefined;
  const root = join(dirname(dirname(dirname(chrome))), `chromium_headless_shell-${revision}`);
  let dirs: string[] = [];
  try {
    dirs = readdirSync(root);
  } catch {
    return undefined;
  }
  for (const d of dirs) for (const name of ['chrome-headless-shell', 'headless_shell']) if (existsSync(join(root, d, name))) return join(root, d, name);
  return undefined;
}

/**
 * HARNESS_CHROMIUM when set (an explicit choice wins); else Playwright's own
 * headless shell or Chromium; else the first of `systemPaths` that exists.
 */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env, systemPaths: string[] = SYSTEM_CHROMIUMS): Promise<ResolvedChromium> {
  const tried: string[] = [];
  const fromEnv = env.HARNESS_CHROMIUM;
  if (fromEnv) {
    if (existsSync(fromEnv)) return { executablePath: fromEnv, source: 'env' };
    tried.push(`HARNESS_CHROMIUM=${fromEnv}`);
  }
  const { chromium } = await import('playwright-core');
  let own = '';
  try {
    own = chromium.executablePath();
  } catch {
    // playwright-core without a browser registry entry: nothing to try
  }
  if (own && existsSync(own)) return { executablePath: headlessShellBeside(own) ?? own, source: 'playwright' };
  if (own) tried.push(own);
  for (const path of systemPaths) {
    if (existsSync(path)) return { executablePath: path, source: 'system' };
    tried.push(path);
  }
  throw new BrowserNotFoundError(tried);
}

/** One lazily launched browser shared by every conversation of an adapter. */
export class SharedBrowser {
  private launching: Promise<Browser> | undefined;
  private closed = false;

  constructor(private readonly log: (m: string) => void = () => {}) {}

  async get(): Promise<Browser> {
    if (this.closed) throw new Error('the browser was disposed');
    const current = this.launching;
    if (current) {
      const b = await current.catch(() => undefined);
      if (b?.isConnected()) return b;
      if (this.launching === current) this.launching = undefined;
    }
    this.launching ??= this.launch();
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    const resolved = await resolveChromium();
    const { chromium } = await import('playwright-core');
    try {
      const browser = await chromium.launch({ executablePath: resolved.executablePath, ...chromiumLaunchOptions, headless: true });
      this.log(`web: launched ${resolved.executablePath} (${resolved.source}) ${browser.version()}`);
      browser.on('disconnected', () => {
        if (!this.closed) this.log('web: the browser disconnected; the next conversation relaunches it');
      });
      return browser;
    } catch (err) {
      this.launching = undefined;
      throw new TransportFault('crashed', `Chromium ${resolved.executablePath} failed to start: ${(err as Error).message.split('\n')[0]}`, {
        cause: err,
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const b = await this.launching?.catch(() => undefined);
    this.launching = undefined;
    await b?.close().catch(() => {});
  }
}
