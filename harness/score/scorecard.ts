import type { BankProfile, ChannelConfig } from '../config/bank.ts';
import { channelKind } from '../config/bank.ts';
import type { GradedConversation } from '../types.ts';
import { groupBy, quantile, round2 } from './rollup.ts';
import { ivrBuckets, waitBuckets, type Scorecard } from './scorecard-schema.ts';
import type { Summary } from './types.ts';

export { scorecardSchema, type Scorecard } from './scorecard-schema.ts';

// The survey scorecard: what the CBA's 2022 service-experience evaluation
// scored in "channel construction" and "AI service effectiveness", measured
// from a run. Every figure comes from the conversations and the hotline's
// own measurements, never from what a profile declares.

/** The survey's industry figures (DESIGN.md, "Where the method comes from"). */
export const SURVEY: Scorecard['reference'] = {
  onlineAiShare: 0.49,
  hotlineAiShare: 0.34,
  ivr23Share: 0.69,
  humanFirstMenuShare: 0.75,
  waitLe20Share: 0.54,
  integrationShare: 0.51,
  onlineHotlineShareOfIntegrated: 0.25,
  online: { recognition: 2.9, completeness: 2.92, effectiveness: 5.82 },
  hotline: { recognition: 2.27, completeness: 2.86, effectiveness: 5.13 },
  industry: { recognition: 2.5, completeness: 2.89, effectiveness: 5.39 },
  dimensionScores: { diversity: 4.97, convenience: 8.3, integration: 5.86 },
};

/** A bot "has AI" on a channel when it answers on topic in at least this share of conversations. */
export const AI_ANSWERED_SHARE = 0.5;
const ANSWERED = new Set(['first', 'after-clarify', 'after-rephrase']);

export interface ScorecardInput {
  profile: BankProfile;
  conversations: GradedConversation[];
  summary: Pick<Summary, 'online' | 'hotline'>;
  /** Cross-channel cases the plan left out (run.json `skipped`). */
  skipped?: { pack: string; case: string; reason: string }[];
}

export function computeScorecard(input: ScorecardInput): Scorecard {
  const { profile } = input;
  const plain = input.conversations.filter((c) => !c.record.route);
  const cross = input.conversations.filter((c) => c.record.route);
  const byChannel = groupBy(plain, (c) => c.record.channel);

  const channels = Object.keys(profile.channels)
    .filter((name) => byChannel.has(name))
    .map((name) => {
      const config = profile.channels[name];
      const convs = byChannel.get(name)!.filter((c) => !c.record.error);
      const answered = convs.filter((c) => c.grade.turns.some((t) => ANSWERED.has(t.level))).length;
      const answeredShare = convs.length ? round2(answered / convs.length) : null;
      return {
        name,
        ...(config.label ? { label: config.label } : {}),
        kind: channelKind(config),
        medium: mediumOf(config),
        conversations: byChannel.get(name)!.length,
        answeredShare,
        ai: answeredShare === null ? null : answeredShare >= AI_ANSWERED_SHARE,
      };
    });
  const byMedium: Record<string, number> = {};
  for (const c of channels) byMedium[c.medium] = (byMedium[c.medium] ?? 0) + 1;
  const side = (kind: 'online' | 'hotline') => {
    const of = channels.filter((c) => c.kind === kind);
    return { channels: of.length, ai: of.some((c) => c.ai === true) };
  };

  const hotlines = channels
    .filter((c) => c.kind === 'hotline')
    .map((c) => hotlineConvenience(c.name, c.label, byChannel.get(c.name)!))
    .filter((h) => h.calls > 0);

  const pairs = [...groupBy(cross, (c) => `${c.record.route![0]}\u0000${c.record.route!.at(-1)}`).values()].map((convs) => {
    const route = convs[0].record.route!;
    const [from, to] = [route[0], route.at(-1)!];
    const passed = convs.filter((c) => c.grade.passed && !c.record.error).length;
    return {
      from,
      to,
      fromKind: kindOf(profile, from),
      toKind: kindOf(profile, to),
      cases: [...new Set(convs.map((c) => `${c.record.pack}/${c.record.case}`))],
      n: convs.length,
      passed,
      ok: passed === convs.length,
    };
  });
  const tested = pairs.length > 0;
  const mixed = pairs.filter((p) => p.fromKind !== p.toKind);

  const pick = (s: Summary['online']) => ({ recognition: s.recognition, completeness: s.completeness, effectiveness: s.effectiveness, n: s.n });
  return {
    diversity: { channels, byMedium, online: side('online'), hotline: side('hotline') },
    convenience: { hotlines },
    integration: {
      pairs,
      skipped: input.skipped ?? [],
      integrated: tested ? pairs.some((p) => p.ok) : null,
      onlineHotline: mixed.length ? mixed.some((p) => p.ok) : null,
    },
    effectiveness: { online: pick(input.summary.online), hotline: pick(input.summary.hotline) },
    reference: SURVEY,
  };
}

function kindOf(profile: BankProfile, channel: string): 'online' | 'hotline' {
  const c = profile.channels[channel];
  return c ? channelKind(c) : 'online';
}

function mediumOf(c: ChannelConfig): Scorecard['diversity']['channels'][number]['medium'] {
  if (channelKind(c) === 'hotline') return 'hotline';
  if (c.adapter === 'web') return 'web';
  if (c.adapter === 'wechat-h5' || c.adapter === 'wechat-mp') return 'wechat';
  if (c.adapter === 'http') return 'api';
  return 'other';
}

/** The IVR as the survey scores it, from the hotline adapter's per-call measurements. */
function hotlineConvenience(channel: string, label: string | undefined, convs: GradedConversation[]): Scorecard['convenience']['hotlines'][number] {
  const metrics = convs.map((c) => c.record.metrics).filter((m): m is NonNullable<typeof m> => !!m);
  const depths = metrics.map((m) => m.ivrDepth).filter((v): v is number => typeof v === 'number');
  const firstMenu = metrics.map((m) => m.humanInFirstMenu).filter((v): v is boolean => typeof v === 'boolean');
  const measured = metrics.filter((m) => 'timeToHumanMs' in m);
  const waits = measured.map((m) => m.timeToHumanMs).filter((v): v is number => typeof v === 'number');
  const ivrDepth = quantile(depths, 0.5);
  const timeToHumanS = waits.length ? round2(quantile(waits, 0.5)! / 1000) : null;
  return {
    channel,
    ...(label ? { label } : {}),
    calls: metrics.length,
    ivrDepth,
    ivrBucket: ivrDepth === null ? null : ivrBucket(ivrDepth),
    humanInFirstMenu: firstMenu.length ? firstMenu.filter(Boolean).length * 2 >= firstMenu.length : null,
    timeToHumanS,
    waitBucket: timeToHumanS !== null ? waitBucket(timeToHumanS) : null,
    humanNotReached: measured.length > 0 && waits.length === 0,
  };
}

export function ivrBucket(depth: number): (typeof ivrBuckets)[number] {
  return depth <= 1 ? '≤1' : depth <= 3 ? '2–3' : depth <= 5 ? '4–5' : '≥6';
}

export function waitBucket(seconds: number): (typeof waitBuckets)[number] {
  return seconds <= 20 ? '≤20 s' : seconds <= 40 ? '20–40 s' : seconds <= 60 ? '40–60 s' : '>60 s';
}

