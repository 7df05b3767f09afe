import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { secretValues } from '../config/interpolate.ts';
import { loadBank, loadPacks } from '../config/load.ts';
import { EXIT, HarnessError } from '../errors.ts';
import { graders } from '../grade/index.ts';
import { gradeContext } from '../run/grade-run.ts';
import { buildPlan, type PlanItem } from '../run/plan.ts';
import { startChannels } from '../run/channels.ts';
import { diagnose, faultFix, probeChannel, type ProbeResult } from '../run/preflight.ts';
import type { ReplyInspection } from '../types.ts';
import { createRedactor } from '../util/redact.ts';

// harness try: one question to one channel, and everything seen on the way —
// the request, the raw response, what each configured path or selector
// extracted, the files to open, the timings and the grade with its reasons.
// The first command to run when adding a bank.

export interface TryOptions {
  bank: string;
  channel: string;
  question?: string;
  /** The case the reply is graded against (id or pack/id); default the first quick case. */
  case?: string;
  set?: string[];
  timeoutMs?: number;
  out?: string;
  scenariosDir?: string;
  debug?: boolean;
  write(text: string): void;
}

const BODY_EXCERPT = 2000;

export async function tryCommand(o: TryOptions): Promise<number> {
  const bank = loadBank(o.bank, o.set);
  const profile = bank.profile;
  const config = profile.channels[o.channel];
  if (!config) {
    throw new HarnessError('E_USAGE', `channel "${o.channel}" is not in ${relative(process.cwd(), bank.file)} — its channels: ${Object.keys(profile.channels).join(', ')}`);
  }
  const { packs, locale } = loadPacks(o.scenariosDir);
  const item = pickCase(buildPlan({ ...profile, channels: { [o.channel]: { ...config, enabled: true } } }, packs, { channels: [o.channel], cases: o.case ? [o.case] : undefined, variants: 'first' }), o);
  if (!item) throw new HarnessError('E_USAGE', o.case ? `no case "${o.case}" runs on channel ${o.channel} — pick one from scenarios/` : `no case runs on channel ${o.channel}`);

  const redact = createRedactor(secretValues(bank.raw));
  const w = (line = '') => o.write(redact(line) + '\n');
  const runDir = resolve(o.out ?? mkdtempSync(join(tmpdir(), 'harness-try-')));
  const timeoutMs = o.timeoutMs ?? profile.timeouts.turnMs;
  const logs: string[] = [];
  const log = (m: string) => (o.debug ? w(`  · ${m}`) : logs.push(m));

  const started = await startChannels(profile, bank.file, [o.channel], {
    runDir,
    screenshots: true,
    trace: 'off',
    turnTimeoutMs: timeoutMs,
    debug: o.debug ?? false,
    log,
  });
  let probe: ProbeResult;
  try {
    w(`harness try — ${profile.name} (${profile.id}) / ${o.channel} (${config.adapter})`);
    w(`graded against: ${item.pack.id}/${item.case.id}${o.case ? '' : o.question ? ' (the case closest to the question; choose with --case)' : ' (the first quick case; choose with --case)'}`);
    w();
    probe = await probeChannel(started.adapters.get(o.channel)!, item, { runDir, timeoutMs, openTimeoutMs: Math.max(timeoutMs, profile.preflight.openTimeoutMs), signal: new AbortController().signal, log, text: o.question });
  } finally {
    await started.close();
  }

  const file = (p: string) => (isAbsolute(p) ? p : join(runDir, p));
  w(`sent: ${probe.utterance.click ? `[button] ${probe.utterance.click}` : probe.utterance.text}`);
  printInspection(probe.inspection, w);

  const d = diagnose(probe, { config, timeoutMs, bank: o.bank });
  if (probe.error) {
    w();
    w(`FAULT ${probe.error.kind}: ${probe.error.message}`);
    const fix =
      probe.error.kind === 'timeout' && !/did not open/.test(probe.error.message)
        ? `no reply within ${timeoutMs} ms: check that the bot is up; if it is only slow, pass --timeout ${Math.max(60_000, timeoutMs * 2)}`
        : faultFix(probe.error.kind, probe.error.message, o.channel, timeoutMs, 'preflight', config.adapter);
    w(`  fix: ${fix}`);
    printTimings(probe, w);
    if (logs.length) w(`\nadapter log:\n${logs.map((l) => `  ${l}`).join('\n')}`);
    return EXIT.incomplete;
  }
  const r = probe.reply!;
  w();
  w('reply');
  w(`  text: ${r.text ? indent(r.text) : '∅ (empty)'}`);
  if (r.messages.length > 1) r.messages.forEach((m, i) => w(`  message ${i + 1}${m.atMs != null ? ` (+${m.atMs} ms)` : ''}: ${indent(m.text)}`));
  if (r.buttons.length) w(`  buttons: ${r.buttons.join(' | ')}`);
  if (r.intent) w(`  intent: ${r.intent}`);
  if (r.handoff !== undefined) w(`  handoff: ${r.handoff}`);
  if (r.transcribed) w('  transcribed: yes (speech recognition; graded with pinyin matching)');
  w(`  latency: first ${r.latency.firstMs ?? '—'} ms, settled ${r.latency.settledMs ?? '—'} ms`);
  const files = { ...(probe.inspection?.files ?? {}) };
  if (r.evidence?.screenshot) files.screenshot = file(r.evidence.screenshot);
  if (r.evidence?.audio) files['bot audio'] = file(r.evidence.audio);
  if (r.evidence?.callerAudio) files['caller audio'] = file(r.evidence.callerAudio);
  for (const [k, v] of Object.entries(files)) w(`  ${k}: ${v}`);
  if (r.evidence?.raw !== undefined && !probe.inspection?.response) w(`  raw: ${indent(excerpt(typeof r.evidence.raw === 'string' ? r.evidence.raw : JSON.stringify(r.evidence.raw, null, 2), BODY_EXCERPT))}`);
  printTimings(probe, w);

  const ctx = gradeContext(packs, locale);
  const rules = await graders.rules();
  const grade = await rules.gradeTurn({ pack: item.pack, case: item.case, turnIndex: 0, exchanges: [{ utterance: probe.utterance, reply: r }], transcribed: item.kind === 'hotline' || r.transcribed === true }, ctx);
  w();
  w(`grade (rules, against ${item.pack.id}/${item.case.id}): recognition ${grade.recognition}  completeness ${grade.completeness}  level ${grade.level}`);
  for (const reason of grade.reasons) w(`  - ${reason}`);
  for (const h of grade.hits) w(`  ${h.hit ? '✓' : '✗'} ${h.id}${h.hit && h.how ? ` (${h.how}${h.matched ? `: ${h.matched}` : ''})` : ''}`);

  if (d.stop) {
    w();
    w(`SETUP PROBLEM: ${d.stop.cause}`);
    for (const f of d.stop.fix.split('\n').filter((l) => !l.startsWith('see what came back'))) w(`  fix: ${f}`);
    return EXIT.incomplete;
  }
  if (d.warning) w(`\nnote: the reply was empty — a silent bot, or a path/selector that reads nothing (see "extracted" above)`);
  return EXIT.ok;
}

/** --case; else the case whose first turn reads most like the question; else the first quick case. */
function pickCase(items: PlanItem[], o: { case?: string; question?: string }): PlanItem | undefined {
  if (o.case || !items.length) return items[0];
  if (o.question) {
    const q = bigrams(o.question);
    const score = (i: PlanItem) => {
      const t = i.case.turns[0];
      return Math.max(...[t.say, ...t.paraphrases].map((s) => overlap(q, bigrams(s))));
    };
    return items.reduce((best, i) => (score(i) > score(best) ? i : best));
  }
  return items.find((i) => i.case.tags.includes('quick')) ?? items[0];
}

function bigrams(s: string): Set<string> {
  const chars = [...s.replace(/[\s\p{P}]/gu, '')];
  return new Set(chars.length < 2 ? chars : chars.slice(1).map((c, k) => chars[k] + c));
}

const overlap = (a: Set<string>, b: Set<string>) => [...a].filter((x) => b.has(x)).length / Math.max(1, Math.min(a.size, b.size));

function printInspection(i: ReplyInspection | undefined, w: (l?: string) => void): void {
  if (!i) return;
  if (i.request) {
    w();
    w(`request: ${[i.request.method, i.request.url].filter(Boolean).join(' ')}`);
    for (const [k, v] of Object.entries(i.request.headers ?? {})) w(`  ${k}: ${v}`);
    if (i.request.body) w(`  body: ${indent(excerpt(i.request.body, BODY_EXCERPT))}`);
  }
  if (i.response) {
    w();
    w(`response${i.response.status !== undefined ? `: HTTP ${i.response.status}` : ''}`);
    for (const [k, v] of Object.entries(i.response.headers ?? {})) w(`  ${k}: ${v}`);
    w(`  body: ${i.response.body ? indent(excerpt(prettyJson(i.response.body), BODY_EXCERPT)) : '∅ (empty)'}`);
  }
  if (i.extracted.length) {
    w();
    w('extracted');
    const width = Math.max(...i.extracted.map((e) => e.field.length));
    for (const e of i.extracted) {
      const got = e.values.length ? e.values.map((v) => JSON.stringify(excerpt(v, 120))).join(', ') : "(nothing)";
      w(`  ${e.field.padEnd(width)}  ${e.rule}  → ${got}`);
    }
  }
  for (const s of i.suggestions ?? []) w(`  hint: ${s}`);
}

function printTimings(p: ProbeResult, w: (l?: string) => void): void {
  w();
  w(`timings: open ${p.timings.openMs ?? '—'} ms, reply ${p.timings.sendMs ?? '—'} ms, total ${p.timings.totalMs} ms`);
}

const excerpt = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s);
const indent = (s: string) => s.replace(/\n/g, '\n        ');

function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
