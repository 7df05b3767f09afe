import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

/**
 * Open a report file in Chromium as a reader would, collecting console and
 * page errors, and close the browser whatever `look` does.
 */
export async function openReport(file: string, look: (page: Page, errors: string[]) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.HARNESS_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
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
