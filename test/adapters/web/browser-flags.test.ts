import { readFileSync, readdirSync } from 'node:fs';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { HARNESS_DISABLED_FEATURES, PLAYWRIGHT_DISABLED_FEATURES, SYSTEM_CHROMIUMS, SharedBrowser, chromiumLaunchOptions, resolveChromium } from '../../../adapters/web/browser.ts';

// The harness's Chromium switches: Playwright's own --disable-features stays
// in force (Chromium reads only the last one on its command line), and a page
// opened for a conversation starts no hidden address-bar WebUI beside it.

/** Child processes of this test process (the browsers it launched). */
function children(): Set<number> {
  const out = new Set<number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid) out.add(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Launches Chromium and returns the command line it was started with. */
async function launchSeen(options: LaunchOptions, executablePath?: string): Promise<{ browser: Browser; command: string[] }> {
  const before = children();
  const browser = await chromium.launch({ executablePath: executablePath ?? (await resolveChromium()).executablePath, headless: true, ...options });
  const pid = [...children()].find((p) => !before.has(p));
  const command = pid ? readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) : [];
  return { browser, command };
}

const featuresOff = (command: string[]) => command.filter((a) => a.startsWith('--disable-features=')).map((a) => a.slice('--disable-features='.length).split(','));

/** What a new page in a new context leaves running besides the page: browser-UI targets (WebUI renderers). */
async function hiddenTargets(browser: Browser): Promise<string[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('data:text/html,<p>你好</p>');
  // The preloaded WebUI comes with the window, shortly after the page.
  await page.waitForTimeout(500);
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  await cdp.detach();
  await context.close();
  return targetInfos.filter((t) => t.type !== 'page').map((t) => `${t.type} ${t.url}`);
}

describe('Chromium switches', () => {
  let browsers: Browser[] = [];
  afterEach(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    browsers = [];
  });

  it("keeps every feature Playwright disables, in one --disable-features", async () => {
    const plain = await launchSeen({});
    const ours = await launchSeen(chromiumLaunchOptions);
    browsers.push(plain.browser, ours.browser);
    const playwright = featuresOff(plain.command);
    expect(playwright).toHaveLength(1);
    // A Playwright upgrade that changes its list must be copied into PLAYWRIGHT_DISABLED_FEATURES.
    expect(new Set(PLAYWRIGHT_DISABLED_FEATURES)).toEqual(new Set(playwright[0]));
    const mine = featuresOff(ours.command);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toEqual(expect.arrayContaining([...playwright[0], ...HARNESS_DISABLED_FEATURES]));
  });

  it('opens a page without a hidden address-bar WebUI beside it', async () => {
    // The full browser (not the headless shell, which has no address bar)
    // preloads the omnibox pop-up with each window unless told not to.
    const full = SYSTEM_CHROMIUMS[SYSTEM_CHROMIUMS.length - 1];
    const plain = await launchSeen({}, full);
    const ours = await launchSeen(chromiumLaunchOptions, full);
    browsers.push(plain.browser, ours.browser);
    expect((await hiddenTargets(plain.browser)).some((t) => t.includes('omnibox'))).toBe(true);
    expect(await hiddenTargets(ours.browser)).toEqual([]);
    const shared = new SharedBrowser();
    try {
      expect(await hiddenTargets(await shared.get())).toEqual([]);
    } finally {
      await shared.close();
    }
  });
});
