import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchReader } from '../helpers/report-page.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { messages, type Messages } from '../../harness/grade/messages.ts';
import { labels } from '../../reports/glossary.ts';
import { runCli, tempDir } from '../helpers/cli.ts';

// What a bank manager reads after a zh-CN demo run: the same terms in
// report.md and index.html, Chinese reasons on the page, local times, case
// names, only the conversations that fell short, and each adapter's own
// metrics.

const out = join(tempDir(), 'run');
let summary: any;
let md = '';
let html = '';

beforeAll(async () => {
  // branch-lookup is where the demo brain falls short; wechat-mp has its own counters, the hotline its IVR metrics.
  const r = await runCli(['run', '--bank', 'demo', '--channel', 'api,wechat-mp,hotline', '--scenario', 'branch-lookup', '--out', out, '--progress', 'none'], { env: { TZ: 'Asia/Shanghai' }, timeoutMs: 300_000 });
  expect(r.code, r.stderr).toBe(0);
  summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  md = readFileSync(join(out, 'report.md'), 'utf8');
  html = readFileSync(join(out, 'index.html'), 'utf8');
}, 320_000);

/** Every wording of the glossary, placeholders cut out, longest first. */
function glossaryWords(): string[] {
  const words = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const part of v.split(/\{\w+\}/)) part.trim() && words.add(part.trim());
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(labels('zh'));
  return [...words].sort((a, b) => b.length - a.length);
}

/** The names a report shows that are data, not terms: bank, channels, scenarios, cases, ids. */
function dataNames(): string[] {
  const names = new Set<string>([summary.run.bank, summary.run.bankName, summary.run.id]);
  for (const [id, c] of Object.entries<any>(summary.channels)) { names.add(id); if (c.label) names.add(c.label); }
  for (const [id, s] of Object.entries<any>(summary.scenarios)) { names.add(id); names.add(s.name); }
  for (const c of summary.cases) { names.add(c.case); if (c.name) names.add(c.name); }
  return [...names].sort((a, b) => b.length - a.length);
}

const unescape = (s: string) => s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

function mdTerms(text: string): { headings: string[]; headers: string[] } {
  const lines = text.split('\n');
  const headings = lines.filter((l) => /^#{1,2} /.test(l)).map((l) => l.replace(/^#+ /, '').trim());
  const headers = lines.flatMap((l, i) => (/^\|---/.test(lines[i + 1] ?? '') ? l.split('|').map((c) => c.trim()).filter(Boolean) : []));
  return { headings, headers };
}

function htmlTerms(text: string): { headings: string[]; headers: string[] } {
  const all = (re: RegExp) => [...text.matchAll(re)].map((m) => unescape(m[1]).trim()).filter(Boolean);
  return { headings: all(/<h[123][^>]*>([\s\S]*?)<\/h[123]>/g), headers: all(/<th[^>]*>([\s\S]*?)<\/th>/g) };
}

/** The glossary wordings a label is made of; what is left over is wording outside the glossary. */
function parse(label: string, words: string[], names: string[]): { used: string[]; rest: string } {
  let rest = label;
  for (const n of names) rest = rest.split(n).join(' ');
  const used: string[] = [];
  for (const w of words) {
    if (rest.includes(w)) {
      used.push(w);
      rest = rest.split(w).join(' ');
    }
  }
  rest = rest.replace(/[\s\d.,:;()（）·—–\-/%×#|*]|vs/g, '');
  return { used, rest };
}

describe('the reports of a zh-CN demo run', () => {
  it('report.md and index.html use the one glossary: the same title, section names and column terms', () => {
    const words = glossaryWords();
    const names = dataNames();
    const m = mdTerms(md);
    const h = htmlTerms(html);
    const glossaryOf = (labelsIn: string[], where: string) => {
      const used = new Set<string>();
      for (const label of labelsIn) {
        const p = parse(label, words, names);
        expect(p.rest, `${where}: "${label}" uses wording outside the glossary`).toBe('');
        p.used.forEach((w) => used.add(w));
      }
      return used;
    };
    const mdHeaders = glossaryOf(m.headers, 'report.md');
    const htmlHeaders = glossaryOf(h.headers, 'index.html');
    glossaryOf(m.headings, 'report.md');
    glossaryOf(h.headings, 'index.html');
    // One title, and every section and column term of report.md is the page's term too.
    const L = labels('zh');
    expect(m.headings[0]).toContain(L.title);
    expect(h.headings[0]).toContain(L.title);
    for (const heading of m.headings.slice(1)) expect(h.headings, `report.md section "${heading}"`).toContain(heading);
    const page = unescape(html);
    for (const term of mdHeaders) expect(page.includes(term), `column term "${term}" of report.md is not on the page`).toBe(true);
    expect(htmlHeaders.size).toBeGreaterThan(10);
    expect(md).toContain(L.passRate);
    expect(html).toContain(L.passRate);
  });

  it('shows times as local time with the zone, and cases by their Chinese names', () => {
    expect(md).toMatch(/开始: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+08:00/);
    expect(html).toMatch(/开始 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+08:00/);
    expect(md).not.toContain(summary.run.startedAt);
    expect(html).not.toContain(summary.run.startedAt);
    // The lowest-scores section heads each conversation with its case's name.
    const named = summary.cases.find((c: any) => c.name && summary.lowest.some((id: string) => id.includes(`/${c.case}#`)));
    expect(named, 'a case that fell short has a name in its pack').toBeTruthy();
    expect(md).toContain(`### ${named.name} — `);
  });

  it('lists only the conversations that fell short, and one sample per case shows no interval columns', () => {
    const results = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(summary.lowest.length).toBeGreaterThan(0);
    expect(summary.lowest.length).toBeLessThan(results.length);
    const section = md.slice(md.indexOf('## 得分最低的会话'));
    const shown = [...section.matchAll(/^`(demo\/[^`]+)`/gm)].map((x) => x[1]);
    expect(shown).toEqual(summary.lowest);
    expect(summary.cases.every((c: any) => c.n === 1 && c.wilson === undefined && c.passK === undefined)).toBe(true);
    expect(html).not.toContain(labels('zh').wilson);
    expect(html).not.toContain('pass^k');
  });

  it('gives each adapter its own metrics table: the hotline IVR table carries no WeChat counters', () => {
    const ivr = md.slice(md.indexOf('## 热线IVR指标'));
    const ivrTable = ivr.slice(0, ivr.indexOf('\n\n', ivr.indexOf('|')));
    expect(ivrTable).toContain('IVR菜单层级');
    expect(ivrTable).not.toMatch(/wechat-mp|发出消息数/);
    expect(md).toMatch(/## 微信公众号消息渠道指标\n\n\| 渠道 \| 发出消息数（每会话） \| 重发消息数（每会话） \|/);
    expect(summary.channels['wechat-mp'].ivr).toBeUndefined();
    expect(summary.channels.hotline.ivr.ivrDepth).toBe(2);
  });

  it('index.html in Chromium shows no English reason text', async () => {
    const browser = await launchReader();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
      const shot = join(out, 'index.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(50_000);
      const text = await page.locator('body').innerText();
      // The reasons are there, in Chinese…
      expect(text).toContain('评分理由');
      expect(text).toMatch(/兜底用语“[^”]+”：识别 0 分/);
      // …and none of the grader's English phrasings.
      const leaked = englishReasonPhrases().filter((p) => text.includes(p));
      expect(leaked).toEqual([]);
      for (const word of ['attempts', 'Turn ', 'rules)', 'on topic', 'fallback']) expect(text, word).not.toContain(word);
      // Key points are named by their words, not by their ids.
      expect(text).toMatch(/命中要点“[^”]+”/);
      expect(text).not.toMatch(/命中 ?[a-z][a-z0-9-]+/);
    } finally {
      await browser.close();
    }
  });
});

/** The fixed wording of every English reason the grader can give (typed: a new reason must be listed here). */
function englishReasonPhrases(): string[] {
  const en = messages.en;
  const X = '\u0001';
  const all: Record<keyof Messages, string[]> = {
    silence: [en.silence], emptyReply: [en.emptyReply], neverSent: [en.neverSent], notRemembered: [en.notRemembered([X])], noReply: [en.noReply(X)],
    handedOver: [en.handedOver], handoffPhrase: [en.handoffPhrase(X)], handoffOk: [en.handoffOk(X, true), en.handoffOk(X, false)],
    handoffNotWanted: [en.handoffNotWanted(X)], requiredHandoffHappened: [en.requiredHandoffHappened],
    requiredHandoffMissing: [en.requiredHandoffMissing(true)], clarifyPhrase: [en.clarifyPhrase(X)], menuOf: [en.menuOf(3, [X])],
    numberedMenu: [en.numberedMenu], menuMisses: [en.menuMisses(X)], onlyMenu: [en.onlyMenu(X)], asksData: [en.asksData(X)],
    fallbackPhrase: [en.fallbackPhrase(X, true)], canned: [en.canned(X)], unrelated: [en.unrelated(X)], offTopic: [en.offTopic(X, [X])],
    keypoint: [],
    otherCase: [en.otherCase(X, [X])], foreignProduct: [en.foreignProduct([X])], elsewhere: [en.elsewhere([X])], otherSubject: [en.otherSubject([X])],
    offFocus: [en.offFocus([X])], onTopic: [en.onTopic(true), en.onTopic(false)], recognition0: [en.recognition0(X)],
    notRecognised: [en.notRecognised],
    level: (['first', 'after-clarify', 'after-rephrase'] as const).flatMap((l) => [en.level(l, false), en.level(l, true)]),
    noKeypoints: [en.noKeypoints], hit: (['synonym', 'fuzzy', 'pinyin'] as const).map((how) => en.hit(X, 1, how, X)), missed: [en.missed(X, 2, X)], restated: [en.restated(X, 2, X)],
    completeness: [en.completeness(3, 1, 2)], forbidden: [en.forbidden([X], true)], relatedIgnored: [en.relatedIgnored([X])],
    markupStripped: [en.markupStripped], judgeLevel: [en.judgeLevel('first', 5), en.judgeLevel('off-topic', 0)],
    judgeHit: [en.judgeHit(X, 1, X)], judgeMissedEvidence: [en.judgeMissedEvidence(X, 1, X)], judgeSays: [en.judgeSays(X)],
  };
  // The fixed words between the placeholders and numbers: the part that would show through.
  return [...new Set(Object.values(all).flat().flatMap((s) => s.split(/\u0001|\d+/)).map((s) => s.replace(/^[\s:"(),./]+|[\s:"(),./]+$/g, '')).filter((s) => /[a-z]{2,} [a-z]{2,}/i.test(s)))];
}
