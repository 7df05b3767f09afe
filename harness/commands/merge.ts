import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadBank, loadPacks } from '../config/load.ts';
import { HarnessError } from '../errors.ts';
import type { ConversationRecord } from '../types.ts';
import { finishRun } from './finish.ts';
import type { RunOptions, RunResult } from '../run/index.ts';
import { RESULTS, readJournal } from '../run/journal.ts';
import { RunFolder, type Manifest } from '../run/folder.ts';
import { buildPlan } from '../run/plan.ts';

// harness merge: join shard runs (Playwright's shard + merge-reports
// convention). The merged journal is graded and rolled up from scratch, so
// its scores equal an unsharded run's.

/** The gates a merged run is checked against, as `harness run` takes them. */
export type MergeOptions = Pick<RunOptions, 'lang' | 'failUnder' | 'baseline' | 'baselinePartial' | 'maxDrop' | 'maxErrorRate'>;

export async function mergeRuns(dirs: string[], out: string, extra: MergeOptions = {}): Promise<RunResult> {
  if (!dirs.length) throw new HarnessError('E_USAGE', 'harness merge needs the shard run folders');
  const folders = dirs.map((d) => new RunFolder(d));
  const manifests = folders.map((f) => f.readManifest());
  const first = manifests[0];
  const key = (m: Manifest) => JSON.stringify({ ...m.options, shard: undefined, bank: m.bank.id, packs: m.packs });
  for (let i = 1; i < manifests.length; i++) {
    if (key(manifests[i]) !== key(first)) {
      throw new HarnessError('E_MERGE', `${dirs[i]} was run with other options, bank or packs than ${dirs[0]} — only shards of one run can be merged`);
    }
  }
  const records = new Map<string, ConversationRecord>();
  for (const d of dirs) {
    for (const r of readJournal(d).records) {
      if (records.has(r.id)) throw new HarnessError('E_MERGE', `conversation ${r.id} is in two shards — were the same shards passed twice?`);
      records.set(r.id, r);
    }
  }
  const options: RunOptions = { ...first.options, ...extra, shard: undefined, lang: extra.lang ?? first.options.lang };
  // The shards' own snapshot: merging needs neither the profile file nor its secrets.
  const { packs, locale, profile } = folders[0].hasSnapshot() ? folders[0].readSnapshot() : { ...loadPacks(options.scenariosDir), profile: loadBank(options.bank, options.set).profile };
  const plan = buildPlan(profile, packs, options);
  const planIds = new Set(plan.map((p) => p.id));
  const missing = plan.filter((p) => !records.has(p.id)).length;
  const runDir = resolve(out);
  mkdirSync(runDir, { recursive: true });
  if (existsSync(join(runDir, RESULTS)) && readJournal(runDir).records.length) {
    throw new HarnessError('E_EXISTS', `${out} already holds a run — merge into an empty folder`);
  }
  const ordered = [...records.values()].sort((a, b) => a.id.localeCompare(b.id));
  writeFileSync(join(runDir, RESULTS), ordered.map((r) => JSON.stringify(r) + '\n').join(''));
  const startedAt = manifests.map((m) => m.startedAt).sort()[0];
  const merged = new RunFolder(runDir);
  // A channel stopped in any shard was not benchmarked there: the merged run says so too.
  const stopped = [...new Map(manifests.flatMap((m) => m.stopped ?? []).map((s) => [s.channel, s])).values()];
  merged.writeManifest({ ...first, id: merged.id, startedAt, finishedAt: undefined, options, plan: plan.length, mergedFrom: dirs.map((d) => resolve(d)), stopped });
  if (folders[0].hasSnapshot()) {
    merged.ensure();
    for (const f of ['packs', 'profile'] as const) copyFileSync(folders[0].path(f), merged.path(f));
  }
  const log = (m: string) => process.stderr.write(m + '\n');
  if (missing) log(`warning: ${missing} of ${plan.length} planned conversations are in none of the shards — was a shard left out or interrupted?`);
  return finishRun({ runDir, runId: merged.id, profile, packs, locale, planIds, startedAt, opts: options, good: options.good ?? 4, log });
}
