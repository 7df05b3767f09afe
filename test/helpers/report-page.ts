import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions, resolveChromium } from '../../adapters/web/browser.ts';

/**
 * Chromium for reading reports, launched with the harness's own switches:
 * without them headless Chromium preloads the address bar's WebUI in every
 * window, a renderer that keeps a core busy while the suite runs.
 */
export async function launchReader(): Promise<Browser> {
  return chromium.launch({ executablePath: (await resolveChromium()).executablePath, ...chromiumLaunchOptions, headless: true });
}

/**
 * Open a report file in Chromium as a reader would, collecting console and
 * page errors, and close the browser whatever `look` does.
 */
export async function openReport(file: string, look: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
  const browser = await launchReader();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    await look(page, errors);
  } finally {
    await browser.close();
  }
}
