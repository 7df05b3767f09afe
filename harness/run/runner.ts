import { setMaxListeners } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { channelKind, type BankProfile, type ChannelConfig } from '../config/bank.ts';
import type { AssessReply, GradeContext } from '../grade/types.ts';
import type { Adapter, ConversationRecord, Session } from '../types.ts';
import { TransportFault } from '../types.ts';
import { fnv1a } from '../util/hash.ts';
import type { Redactor } from '../util/redact.ts';
import { driveConversation } from './conversation.ts';
import type { Journal } from './journal.ts';
import { itemChannels, type PlanItem } from './plan.ts';
import { ChannelGate } from './politeness.ts';
import { FairScheduler } from './schedule.ts';
import { legsOf } from './route.ts';
import { sleep } from '../util/sleep.ts';
import { backoffMs, isRetryable } from './retry.ts';
import { storeReply } from './store.ts';

export interface ExecuteOptions {
  profile: BankProfile;
  adapters: Map<string, Adapter>;
  journal: Journal;
  runDir: string;
  concurrency: number;
  assess: AssessReply;
  gradeCtx: GradeContext;
  redact: Redactor;
  signal: AbortSignal;
  /** Called after each conversation is journalled. */
  onDone(record: ConversationRecord): void;
  log(message: string): void;
  simulated: Set<string>;
  /** The circuit breaker: stop a channel after this many transport faults in a row (0 or absent: never). */
  breakerFaults?: number;
  /** Called once when the breaker stops a channel, with the fault that tripped it. */
  onTrip?(channel: string, fault: TransportFault): void;
  /** A channel's items start once this resolves true (its preflight passed); false drops them. */
  ready?(channel: string): Promise<boolean>;
}

/**
 * Per channel: transport faults in a row. When it trips, the channel's
 * in-flight conversations are aborted and nothing more of it is journalled,
 * so --resume runs them once the channel is fixed.
 */
class Breaker {
  private faults = 0;
  readonly controller = new AbortController();
  /** Aborts when the run does or this breaker trips: one signal a channel, not one a conversation. */
  readonly signal: AbortSignal;
  constructor(
    private readonly limit: number,
    private readonly onTrip: (fault: TransportFault) => void,
    run: AbortSignal,
  ) {
    this.signal = AbortSignal.any([run, this.controller.signal]);
  }
  get tripped(): boolean {
    return this.controller.signal.aborted;
  }
  fault(err: unknown): void {
    if (!(err instanceof TransportFault) || this.tripped || this.limit <= 0) return;
    if (++this.faults >= this.limit) {
      this.controller.abort(err);
      this.onTrip(err);
    }
  }
  ok(): void {
    this.faults = 0;
  }
}

/** Run every plan item once; each finished conversation is journalled at once. */
export async function executePlan(items: PlanItem[], opts: ExecuteOptions): Promise<void> {
  const gates = new Map<string, ChannelGate>();
  const breakers = new Map<string, Breaker>();
  const breakerFor = (channel: string) => {
    let b = breakers.get(channel);
    if (!b) {
      b = new Breaker(opts.breakerFaults ?? 0, (fault) => opts.onTrip?.(channel, fault), opts.signal);
      setMaxListeners(0, b.controller.signal, b.signal);
      breakers.set(channel, b);
    }
    return b;
  };
  const gateFor = (channel: string) => {
    let gate = gates.get(channel);
    if (!gate) {
      // A cross-channel route (`web>hotline`) is no channel of the profile: the bank's politeness holds its sessions.
      const c = opts.profile.channels[channel] as ChannelConfig | undefined;
      gate = new ChannelGate({ ...opts.profile.politeness, ...(c?.politeness ?? {}) });
      gates.set(channel, gate);
    }
    return gate;
  };
  // The run's slots, shared fairly between channels, each within its own politeness cap.
  const slots = new FairScheduler(Math.max(1, opts.concurrency), (channel) => gateFor(channel).maxConcurrent);
  await Promise.all(
    items.map(async (item) => {
      if (opts.ready) {
        const ready = await Promise.all(itemChannels(item).map((ch) => opts.ready!(ch)));
        if (ready.includes(false)) return;
      }
      const breaker = breakerFor(item.channel);
      const record = await slots.run(item.channel, async () => {
        if (opts.signal.aborted || breaker.tripped) return undefined;
        const record = await runWithRetries(item, gateFor, opts, breaker);
        // An interrupted conversation is not journalled: --resume runs it again whole.
        return !record || opts.signal.aborted || breaker.tripped ? undefined : record;
      });
      if (!record) return;
      // Journalled and graded once its slot has gone to the next conversation,
      // whose first message goes out first: the bot's replies arrive together,
      // and each slot would otherwise wait on the bookkeeping of all before it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      opts.journal.append(record);
      opts.onDone(record);
    }),
  );
}

type GateFor = (channel: string) => ChannelGate;

async function runWithRetries(item: PlanItem, gateFor: GateFor, opts: ExecuteOptions, breaker: Breaker): Promise<ConversationRecord | undefined> {
  const { profile } = opts;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const policy = profile.retries;
  let attempt = 0;
  for (;;) {
    attempt++;
    try {
      const turns = await runOnce(item, gateFor, opts, breaker, attempt);
      breaker.ok();
      return {
        ...base(item, startedAt, t0, attempt, opts),
        turns: turns.turns,
        ...(turns.metrics ? { metrics: turns.metrics } : {}),
        ...(Object.keys(turns.carried).length ? { carried: Object.fromEntries(Object.entries(turns.carried).map(([k, v]) => [k, opts.redact(v)])) } : {}),
      };
    } catch (err) {
      if (opts.signal.aborted || breaker.tripped) return undefined;
      breaker.fault(err);
      if (breaker.tripped) return undefined;
      if (isRetryable(err) && attempt <= policy.max) {
        const wait = backoffMs(policy, attempt, err);
        opts.log(`${item.id}: ${(err as Error).message} — retry ${attempt}/${policy.max} in ${wait} ms`);
        try {
          await sleep(wait, breaker.signal);
        } catch {
          return undefined;
        }
        continue;
      }
      const fault = err instanceof TransportFault ? err : undefined;
      if (!fault) opts.log(`${item.id}: internal error: ${(err as Error)?.stack ?? err}`);
      return {
        ...base(item, startedAt, t0, attempt, opts),
        turns: [],
        error: { kind: fault?.kind ?? 'internal', message: opts.redact(String((err as Error)?.message ?? err)) },
      };
    }
  }
}

function base(item: PlanItem, startedAt: string, t0: number, attempts: number, opts: ExecuteOptions) {
  return {
    id: item.id,
    bank: item.bank,
    channel: item.channel,
    kind: item.kind,
    pack: item.pack.id,
    case: item.case.id,
    variant: item.variant,
    repeat: item.repeat,
    startedAt,
    durationMs: Math.round(performance.now() - t0),
    attempts,
    ...(itemChannels(item).some((ch) => opts.simulated.has(ch)) ? { simulated: true } : {}),
    ...(item.turnChannels ? { route: legsOf(item.turnChannels) } : {}),
  };
}

async function runOnce(item: PlanItem, gateFor: GateFor, opts: ExecuteOptions, breaker: Breaker, attempt: number) {
  const conversationMs = opts.profile.timeouts.conversationMs;
  const controller = new AbortController();
  const outer = breaker.signal;
  const onAbort = () => controller.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new TransportFault('timeout', `conversation exceeded ${conversationMs} ms`)), conversationMs);
  const evidenceDir = join(opts.runDir, 'evidence', safeName(item.id));
  const channelOf = (index: number) => item.turnChannels?.[index] ?? item.channel;
  // One session per leg: a cross-channel case leaves the web chat before it calls the hotline.
  let session: Session | undefined;
  let sessionChannel: string | undefined;
  let failed = true;
  const closeSession = async () => {
    const s = session;
    session = undefined;
    await s?.close({ failed }).catch((e) => opts.log(`${item.id}: closing the session failed: ${(e as Error).message}`));
  };
  const open = async (channel: string): Promise<Session> => {
    if (session && sessionChannel === channel) return session;
    if (session) {
      failed = false;
      await closeSession();
      failed = true;
    }
    const dir = item.turnChannels ? join(evidenceDir, safeName(channel)) : evidenceDir;
    session = await opts.adapters.get(channel)!.open({
      conversationId: item.id,
      bank: item.bank,
      channel,
      evidenceDir: dir,
      relative: (p) => relative(opts.runDir, p),
      seed: fnv1a(item.id),
      attempt,
      signal: controller.signal,
      log: (m) => opts.log(`${item.id}: ${m}`),
    });
    sessionChannel = channel;
    return session;
  };
  try {
    if (!item.turnChannels) await open(item.channel);
    const driven = await driveConversation(item, (index) => open(channelOf(index)), {
      assess: opts.assess,
      gradeCtx: opts.gradeCtx,
      transcribed: (index) => channelKind(opts.profile.channels[channelOf(index)]) === 'hotline',
      turnTimeoutMs: opts.profile.timeouts.turnMs,
      // Politeness is the real channel's: a cross-channel turn on the hotline waits as every hotline turn does.
      beforeSend: (s, index) => gateFor(channelOf(index)).beforeSend(s),
      signal: controller.signal,
      retries: opts.profile.retries,
      // Every request's fault counts toward the breaker, resends included: a hanging bot trips it in a few requests.
      onFault: (fault) => breaker.fault(fault),
      onReply: () => breaker.ok(),
      log: (m) => opts.log(`${item.id}: ${m}`),
    });
    failed = false;
    const store = { redact: opts.redact, evidenceDir, relative: (p: string) => relative(opts.runDir, p) };
    for (const t of driven.turns) for (const e of t.exchanges) storeReply(e.reply, store);
    // A cross-channel conversation's channel metrics belong to its legs, not to one channel: left out.
    const metrics = item.turnChannels ? undefined : session?.metrics?.();
    return { turns: driven.turns, carried: driven.carried, metrics };
  } catch (err) {
    if (controller.signal.aborted && controller.signal.reason instanceof TransportFault) throw controller.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
    await closeSession();
  }
}

export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
