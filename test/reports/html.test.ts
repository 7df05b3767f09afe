import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchReader } from '../helpers/report-page.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { highlight } from '../../reports/html/escape.ts';
import { agreementOfConversations } from '../../harness/score/agreement.ts';
import { htmlRenderer } from '../../reports/html/index.ts';
import { conversations, hostileReply, packs, summaryOf } from '../fixtures/report-run.ts';

// A 1×1 PNG and a 0.1 s silent 8 kHz WAV: real files the page links to.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
function wav(): Buffer {
  const data = Buffer.alloc(1600);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(8000, 24);
  h.writeUInt32LE(16000, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const runDir = mkdtempSync(join(tmpdir(), 'report-html-'));
const list = conversations();
let browser: Browser;

beforeAll(async () => {
  for (const c of list) for (const t of c.record.turns) for (const e of t.exchanges) {
    for (const [path, bytes] of [[e.reply.evidence?.screenshot, png], [e.reply.evidence?.audio, wav()]] as const) {
      if (!path) continue;
      mkdirSync(dirname(join(runDir, path)), { recursive: true });
      writeFileSync(join(runDir, path), bytes);
    }
  }
  const agreement = list.some((c) => c.alt) ? agreementOfConversations(list) : undefined;
  const html = await htmlRenderer.render({ runDir, summary: summaryOf(list), conversations: list, packs, lang: 'zh', agreement });
  writeFileSync(join(runDir, htmlRenderer.file), html);
  browser = await launchReader();
});

afterAll(async () => {
  await browser?.close();
  rmSync(runDir, { recursive: true, force: true });
});

async function open() {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
  await page.goto(pathToFileURL(join(runDir, 'index.html')).href);
  await page.waitForLoadState('load');
  return { page, problems };
}

describe('the HTML report opened from disk in Chromium', () => {
  it('loads without console errors and shows every chart as SVG with data, in Chinese', async () => {
    const { page, problems } = await open();
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await page.waitForTimeout(300);
    expect(problems).toEqual([]);
    const charts = await page.$$eval('.chart svg', (svgs) => svgs.map((s) => ({ texts: Array.from(s.querySelectorAll("text"), (t) => t.textContent), paths: s.querySelectorAll('path').length })));
    expect(charts.length).toBe(5); // online vs hotline, heatmap, distribution, latency, confusion
    for (const c of charts) expect(c.paths).toBeGreaterThan(3);
    const allText = charts.flatMap((c) => c.texts).join(' ');
    for (const word of ['问题识别能力', '问题解答能力', '在线AI', '热线AI', '卡挂失', '余额查询', '开户', '兜底/无应答']) expect(allText).toContain(word);
    const body = await page.textContent('body');
    expect(body).toContain('智能服务有效性');
    expect(body).toContain('模拟语音');
    expect(body).toContain('待复核');
    await page.screenshot({ path: join(tmpdir(), 'harness-report-html.png'), fullPage: false });
    expect(statSync(join(tmpdir(), 'harness-report-html.png')).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('shows a bot reply with markup as text and never runs it', async () => {
    const { page, problems } = await open();
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const bubble = page.locator('.msg.bot', { hasText: 'window.__pwned=1' });
    await expect(bubble.count()).resolves.toBe(1);
    expect(await bubble.textContent()).toContain(hostileReply);
    expect(await bubble.locator('mark').first().textContent()).toBe('手机银行');
    expect(await page.locator('.msg.bot img[src="x"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('highlights the key points a reply hit and links its screenshot and audio', async () => {
    const { page } = await open();
    const web = page.locator('details.conv[data-channel="web"][data-scenario="card-loss"]').first();
    expect(await web.locator('mark').allTextContents()).toEqual(['临时挂失', '身份证']);
    expect(await web.locator('img').getAttribute('src')).toBe('evidence/card-loss-lost-card/turn0.png');
    const naturalWidth = await web.locator('img').evaluate((img) => { (img as HTMLImageElement).loading = 'eager'; return new Promise<number>((r) => { const i = img as HTMLImageElement; if (i.complete && i.naturalWidth) r(i.naturalWidth); else i.onload = () => r(i.naturalWidth); }); });
    expect(naturalWidth).toBe(1);
    const call = page.locator('details.conv[data-channel="hotline"][data-scenario="card-loss"]');
    expect(await call.locator('audio').evaluateAll((a) => a.map((x) => x.getAttribute('src')))).toEqual(['evidence/card-loss-lost-card/bot0-0.wav', 'evidence/card-loss-lost-card/bot0-1.wav']);
    expect(await call.textContent()).toContain('换个说法重问');
    await page.close();
  });

  it('filters conversations by channel, scenario and verdict', async () => {
    const { page } = await open();
    const visible = () => page.locator('details.conv:visible').count();
    expect(await visible()).toBe(list.length);
    await page.selectOption('#filters select[name=channel]', 'hotline');
    expect(await visible()).toBe(3);
    expect(await page.textContent('#shown')).toBe('3');
    await page.selectOption('#filters select[name=verdict]', 'error');
    expect(await visible()).toBe(1);
    await page.selectOption('#filters select[name=channel]', '');
    await page.selectOption('#filters select[name=verdict]', '');
    await page.selectOption('#filters select[name=scenario]', 'card-loss');
    expect(await visible()).toBe(5);
    await page.close();
  });

  it('opens the transcript a "for review" link points to', async () => {
    const { page } = await open();
    await page.locator('a', { hasText: 'demo/api/account-opening/how-to-open#0.0' }).click();
    const target = page.locator('details.conv[data-channel="api"][data-scenario="account-opening"]');
    expect(await target.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await target.textContent()).toContain('LLM：回答的是网点查询');
    await page.close();
  });

  it('is a plain page with everything visible when scripts are off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(runDir, 'index.html')).href);
    expect(await page.locator('details.conv:visible').count()).toBe(list.length);
    expect(await page.locator('#filters').isVisible()).toBe(false);
    await context.close();
  });
});

describe('key-point marks', () => {
  it('mark the original words when the grader matched folded text (ii类 for Ⅱ类, across punctuation)', () => {
    expect(highlight('Ⅱ类账户可在手机银行开立，请带“身份-证”', ['ii类', '身份证'])).toBe('<mark>Ⅱ类</mark>账户可在手机银行开立，请带“<mark>身份-证</mark>”');
    expect(highlight('<b>挂失</b>', ['挂失'])).toBe('&lt;b&gt;<mark>挂失</mark>&lt;/b&gt;');
  });
});

describe('the HTML report in English', () => {
  it('uses English labels and says when a side was not measured', async () => {
    const online = list.filter((c) => c.record.kind === 'online');
    const html = await htmlRenderer.render({ runDir, summary: summaryOf(online), conversations: online, packs, lang: 'en' });
    expect(html).toContain('Recognition');
    expect(html).toContain('Hotline AI：No channel of this kind was measured');
    expect(html).not.toContain('问题识别能力');
  });
});

describe('the HTML report of a large run', () => {
  it('keeps the transcripts in pages beside index.html, and a link to a failed conversation opens it there with its evidence', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-html-large-'));
    try {
      // 1,200+ conversations: the fixture's, repeated.
      const many = Array.from({ length: Math.ceil(1201 / list.length) }, (_, k) =>
        list.map((c) => {
          const copy = structuredClone(c);
          copy.record.id = `${c.record.id}@${k}`;
          copy.record.repeat = k;
          copy.grade.id = copy.record.id;
          return copy;
        }),
      ).flat();
      for (const c of many) for (const t of c.record.turns) for (const e of t.exchanges) {
        const path = e.reply.evidence?.screenshot;
        if (!path) continue;
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), png);
      }
      const input = { runDir: dir, summary: summaryOf(many), conversations: many, packs, lang: 'zh' as const };
      writeFileSync(join(dir, 'index.html'), await htmlRenderer.render(input));
      const pages = [...(htmlRenderer.pages?.(input) ?? [])];
      expect(pages.map(([f]) => f)).toEqual(['transcripts/001.html', 'transcripts/002.html', 'transcripts/003.html']);
      for (const [file, html] of pages) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), html);
      }
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(pathToFileURL(join(dir, 'index.html')).href);
      expect(await page.locator('details.conv').count()).toBe(0);
      expect(await page.locator('a[href="transcripts/002.html"]').count()).toBe(1);
      const failed = many.find((c) => !c.record.error && !c.grade.passed && c.record.turns.some((t) => t.exchanges.some((e) => e.reply.evidence?.screenshot)))!;
      const link = page.locator(`a[href$="#${(await import('../../reports/html/transcript.ts')).anchorOf(failed.record.id)}"]`);
      expect(await link.count()).toBe(1);
      await link.click();
      await page.waitForURL(/transcripts\/\d{3}\.html#c-/);
      const opened = page.locator('details.conv[open]');
      await expect.poll(() => opened.count()).toBe(1);
      expect(await opened.getAttribute('id')).toBe(new URL(page.url()).hash.slice(1));
      // Evidence paths climb out of transcripts/: the screenshot loads.
      const img = opened.locator('img').first();
      expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
      expect(await page.locator('details.conv').count()).toBeGreaterThan(0);
      expect(await page.locator('details.conv').count()).toBeLessThanOrEqual(500);
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists a scenario of thousands of cases by its least effective in index.html, and every case on a page of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-html-cases-'));
    try {
      // 250 distinct cases of one scenario, every other one failed.
      const one = list.find((c) => c.record.pack === 'card-loss' && !c.record.error)!;
      const many = Array.from({ length: 250 }, (_, k) => {
        const copy = structuredClone(one);
        copy.record.case = `case-${String(k).padStart(3, '0')}`;
        copy.record.id = `${one.record.id}-${k}`;
        copy.grade.id = copy.record.id;
        copy.grade.recognition = k % 2 ? 1 : 5;
        copy.grade.completeness = k % 2 ? 0 : 5;
        copy.grade.passed = k % 2 === 0;
        return copy;
      });
      const input = { runDir: dir, summary: summaryOf(many), conversations: many, packs, lang: 'en' as const };
      const cases = input.summary.cases.filter((c) => c.pack === 'card-loss');
      expect(cases.length).toBe(250);
      writeFileSync(join(dir, 'index.html'), await htmlRenderer.render(input));
      const pages = [...(htmlRenderer.pages?.(input) ?? [])];
      expect(pages.map(([f]) => f)).toContain('transcripts/cases-card-loss.html');
      for (const [file, html] of pages) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), html);
      }
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(dir, 'index.html')).href);
      const caseRows = page.locator('table:has(th:text-is("Case")) tr:has(td)');
      expect(await caseRows.count()).toBe(200);
      // The least effective come first, so the 125 failed cases are all there.
      const shown = await caseRows.locator('td:first-child').allTextContents();
      for (let k = 1; k < 250; k += 2) expect(shown).toContain(`case-${String(k).padStart(3, '0')}`);
      expect(await page.getByText('the 200 least effective of 250 cases').count()).toBe(1);
      await page.getByRole('link', { name: 'every case' }).click();
      await page.waitForURL(/transcripts\/cases-card-loss\.html$/);
      expect(await page.locator('tr:has(td)').count()).toBe(250);
      await page.getByRole('link', { name: 'Back to the overview' }).click();
      await page.waitForURL(/index\.html$/);
      await page.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
