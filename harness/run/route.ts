import type { BankProfile, ChannelConfig } from '../config/bank.ts';
import { channelKind } from '../config/bank.ts';
import type { ScenarioCase } from '../config/scenario.ts';

// Cross-channel cases: a turn says where it is said (`on: web`, `on:
// hotline`), and the case runs once per bank as one conversation across
// those channels in order — feedback left on the web, queried on the
// hotline. Each run of turns on one channel is a leg with its own session.

/** The separator of a cross-channel conversation's route in its pseudo-channel name: `web>hotline`. */
export const ROUTE_SEPARATOR = '>';

export function isCrossChannel(c: ScenarioCase): boolean {
  return c.turns.some((t) => t.on !== undefined);
}

/** What a medium or kind in `on:` matches, when no channel has that name. */
const media: Record<string, (c: ChannelConfig) => boolean> = {
  online: (c) => channelKind(c) === 'online',
  hotline: (c) => channelKind(c) === 'hotline',
  web: (c) => c.adapter === 'web',
  wechat: (c) => c.adapter === 'wechat-h5' || c.adapter === 'wechat-mp',
  api: (c) => c.adapter === 'http',
};

export type Route =
  | {
      /** The channel of each turn, in order. */
      turns: string[];
      /** Distinct consecutive channels: one session each. */
      legs: string[];
      /** The pseudo-channel the conversation is journalled under: legs joined by ">". */
      name: string;
    }
  | { missing: string };

/**
 * The channel each turn of a cross-channel case is said on: `on` names a
 * channel of the bank in this run, else the first channel (in profile
 * order) of that kind or medium among `allowed`. A case the bank (or this run's --channel)
 * cannot serve gets the reason, said in the plan's notes.
 */
export function resolveRoute(profile: BankProfile, c: ScenarioCase, allowed: string[]): Route {
  const turns: string[] = [];
  let current: string | undefined;
  for (const [i, t] of c.turns.entries()) {
    if (t.on !== undefined) {
      const found = resolveOn(profile, t.on, allowed);
      if ('missing' in found) return { missing: `turn ${i + 1}: ${found.missing}` };
      current = found.channel;
    }
    if (current === undefined) return { missing: 'turn 1 names no channel (`on:`)' };
    turns.push(current);
  }
  const legs = legsOf(turns);
  return { turns, legs, name: legs.join(ROUTE_SEPARATOR) };
}

function resolveOn(profile: BankProfile, on: string, allowed: string[]): { channel: string } | { missing: string } {
  if (profile.channels[on] && allowed.includes(on)) return { channel: on };
  // A name the run left out still has a kind: `on: hotline` with --channel hotline-sip takes the SIP line.
  const match = media[on];
  const channel = match && allowed.find((name) => match(profile.channels[name]));
  if (channel) return { channel };
  if (profile.channels[on]) return { missing: `channel "${on}" is not in this run (${profile.channels[on].enabled ? 'left out by --channel' : 'disabled in the profile'})` };
  if (!match) return { missing: `bank "${profile.id}" has no channel "${on}", and "${on}" is not a kind (online, hotline, web, wechat, api)` };
  const any = Object.keys(profile.channels).find((name) => match(profile.channels[name]));
  return { missing: any ? `the ${on} channel "${any}" is not in this run` : `bank "${profile.id}" has no ${on} channel` };
}

/** Consecutive turns on one channel are one leg (one session). */
export function legsOf(turnChannels: string[]): string[] {
  return turnChannels.filter((ch, i) => i === 0 || turnChannels[i - 1] !== ch);
}
