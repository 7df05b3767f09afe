import type { BankProfile } from '../config/bank.ts';
import { channelKind } from '../config/bank.ts';
import type { Pack, ScenarioCase } from '../config/scenario.ts';
import { HarnessError } from '../errors.ts';
import type { ChannelKind } from '../types.ts';
import { fnv1a } from '../util/hash.ts';
import { distance } from 'fastest-levenshtein';
import { isCrossChannel, resolveRoute } from './route.ts';

// plan = banks × channels × packs × cases × variants × repeats. A
// conversation id is stable: bank/channel/pack/case#variant.repeat.

export interface PlanItem {
  id: string;
  bank: string;
  channel: string;
  kind: ChannelKind;
  pack: Pack;
  case: ScenarioCase;
  variant: number;
  repeat: number;
  /**
   * A cross-channel case: the real channel of each turn. `channel` is then
   * the route's pseudo-channel (`web>hotline`) and `kind` the kind of the
   * last leg's channel, where the lookup is graded.
   */
  turnChannels?: string[];
}

/** A cross-channel case the plan left out, and why (the bank lacks a channel it names). */
export interface PlanSkip {
  pack: string;
  case: string;
  reason: string;
}

/** The real channels an item talks to: its own, or every leg of a cross-channel route. */
export function itemChannels(item: PlanItem): string[] {
  return item.turnChannels ? [...new Set(item.turnChannels)] : [item.channel];
}

export interface PlanFilter {
  channels?: string[];
  scenarios?: string[];
  cases?: string[];
  tags?: string[];
  variants?: 'first' | 'all' | number;
  repeat?: number;
  shard?: { index: number; total: number };
  /** Only the first N conversations of the plan (smoke runs, benchmarks). */
  limit?: number;
}

export function conversationId(bank: string, channel: string, pack: string, caseId: string, variant: number, repeat: number): string {
  return `${bank}/${channel}/${pack}/${caseId}#${variant}.${repeat}`;
}

/** How many phrasings a case has: the say plus the most paraphrases of any turn. */
export function variantCount(c: ScenarioCase): number {
  return 1 + Math.max(0, ...c.turns.map((t) => t.paraphrases.length));
}

/** The text of one turn in one variant: variant 0 is `say`, k is paraphrase k-1 (wrapping). */
export function turnText(c: ScenarioCase, turnIndex: number, variant: number): string {
  const t = c.turns[turnIndex];
  const all = [t.say, ...t.paraphrases];
  return all[variant % all.length];
}

export function buildPlan(profile: BankProfile, packs: Pack[], filter: PlanFilter = {}, skipped: PlanSkip[] = []): PlanItem[] {
  const channelNames = Object.keys(profile.channels).filter((n) => profile.channels[n].enabled);
  const channels = filter.channels?.length ? filter.channels : channelNames;
  for (const c of channels) {
    if (!profile.channels[c]) {
      throw new HarnessError('E_USAGE', `bank "${profile.id}" has no channel "${c}" — its channels: ${Object.keys(profile.channels).join(', ')}`);
    }
  }
  const selectedPacks = filter.scenarios?.length ? filter.scenarios.map((s) => findPack(packs, s)) : packs;
  const repeats = Math.max(1, filter.repeat ?? 1);
  const items: PlanItem[] = [];
  const wantedIds = filter.cases?.length ? new Set(filter.cases) : undefined;
  const wanted = (pack: Pack, c: ScenarioCase) =>
    (!wantedIds || wantedIds.has(c.id) || wantedIds.has(`${pack.id}/${c.id}`)) && (!filter.tags?.length || filter.tags.some((t) => c.tags.includes(t)));
  const variantsOf = (c: ScenarioCase) => {
    const n = variantCount(c);
    const v = filter.variants ?? 'first';
    return v === 'first' ? 1 : v === 'all' ? n : Math.min(n, Math.max(1, v));
  };
  for (const channel of channels) {
    const kind = channelKind(profile.channels[channel]);
    for (const pack of selectedPacks) {
      if (!pack.channels.includes(kind)) continue;
      for (const c of pack.cases) {
        if (isCrossChannel(c) || !wanted(pack, c)) continue;
        for (let variant = 0; variant < variantsOf(c); variant++) {
          for (let repeat = 0; repeat < repeats; repeat++) {
            const id = conversationId(profile.id, channel, pack.id, c.id, variant, repeat);
            items.push({ id, bank: profile.id, channel, kind, pack, case: c, variant, repeat });
          }
        }
      }
    }
  }
  // Cross-channel cases: once per bank, not once per channel; the route names the channels.
  for (const pack of selectedPacks) {
    for (const c of pack.cases) {
      if (!isCrossChannel(c) || !wanted(pack, c)) continue;
      const route = resolveRoute(profile, c, channels);
      if ('missing' in route) {
        skipped.push({ pack: pack.id, case: c.id, reason: route.missing });
        continue;
      }
      const kind = channelKind(profile.channels[route.turns.at(-1)!]);
      for (let variant = 0; variant < variantsOf(c); variant++) {
        for (let repeat = 0; repeat < repeats; repeat++) {
          const id = conversationId(profile.id, route.name, pack.id, c.id, variant, repeat);
          items.push({ id, bank: profile.id, channel: route.name, kind, pack, case: c, variant, repeat, turnChannels: route.turns });
        }
      }
    }
  }
  if (filter.cases?.length && !items.length && !skipped.length) {
    throw new HarnessError('E_USAGE', `no case matches --case ${filter.cases.join(',')} — case ids look like lost-card or card-loss/lost-card`);
  }
  if (filter.tags?.length) {
    const known = [...new Set(selectedPacks.flatMap((p) => p.cases.flatMap((c) => c.tags)))].sort();
    const unknown = filter.tags.filter((t) => !known.includes(t));
    if (unknown.length === filter.tags.length) {
      const hints = unknown.map((t) => {
        const near = closest(t, known);
        return near ? `"${t}" (did you mean "${near}"?)` : `"${t}"`;
      });
      throw new HarnessError('E_USAGE', `no case has the tag ${hints.join(', ')} — the tags there are: ${known.join(', ')}`);
    }
  }
  const limited = filter.limit ? items.slice(0, filter.limit) : items;
  return filter.shard ? limited.filter((i) => inShard(i.id, filter.shard!)) : limited;
}

/** Shard i of n (1-based) by a stable hash of the conversation id. */
export function inShard(id: string, shard: { index: number; total: number }): boolean {
  return fnv1a(id) % shard.total === shard.index - 1;
}

export function parseShard(text: string): { index: number; total: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const total = m ? Number(m[2]) : NaN;
  if (!m || total < 1 || index < 1 || index > total) {
    throw new HarnessError('E_USAGE', `--shard ${text}: write it as i/n with 1 ≤ i ≤ n, e.g. --shard 2/3`);
  }
  return { index, total };
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(c, word);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function findPack(packs: Pack[], id: string): Pack {
  const pack = packs.find((p) => p.id === id);
  if (!pack) throw new HarnessError('E_USAGE', `no scenario "${id}" — scenarios: ${packs.map((p) => p.id).join(', ')}`);
  return pack;
}
