import { join, relative } from 'node:path';
import type { ChannelConfig } from '../config/bank.ts';
import type { Adapter, BotReply, ReplyInspection, Session, Utterance } from '../types.ts';
import { TransportFault } from '../types.ts';
import { fnv1a } from '../util/hash.ts';
import { sleep } from '../util/sleep.ts';
import { isProse, stringLeaves } from '../util/path-suggest.ts';
import { tryCommandFor } from '../score/setup.ts';
import type { PlanItem } from './plan.ts';
import { turnText } from './plan.ts';

// One question to one channel, everything seen on the way kept: what
// `harness try` prints, and what preflight reads before a run fans out to
// tell a broken setup (refused, 401, wrong path or selector, a hanging bot)
// from a bot that answers badly. Never journalled.

export interface ProbeResult {
  channel: string;
  utterance: Utterance;
  reply?: BotReply;
  inspection?: ReplyInspection;
  error?: { kind: string; message: string };
  timings: { openMs: number | null; sendMs: number | null; totalMs: number };
  /** The folder evidence files of the probe were written to. */
  evidenceDir: string;
}

export interface ProbeOptions {
  runDir: string;
  /** The first reply must come within this. */
  timeoutMs: number;
  /** Opening the session must fit in this (default timeoutMs). */
  openTimeoutMs?: number;
  signal: AbortSignal;
  log(message: string): void;
  /** Send this instead of the case's first turn. */
  text?: string;
}

/** Open a session on `adapter`, send the first turn of `item`, close. Never throws for a fault of the bot. */
export async function probeChannel(adapter: Adapter, item: PlanItem, o: ProbeOptions): Promise<ProbeResult> {
  const text = o.text ?? turnText(item.case, 0, item.variant);
  const utterance: Utterance = { index: 0, text, attempt: 'first', ...(o.text === undefined && item.case.turns[0].click ? { click: item.case.turns[0].click } : {}) };
  const evidenceDir = join(o.runDir, 'preflight', item.channel);
  const controller = new AbortController();
  const onAbort = () => controller.abort(o.signal.reason);
  o.signal.addEventListener('abort', onAbort, { once: true });
  // Opening (a browser starting, a call through the IVR) has its own, longer budget; the reply has timeoutMs.
  let timer: NodeJS.Timeout | undefined;
  const deadline = (ms: number, what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new TransportFault('timeout', `${what} within ${ms} ms`)), ms);
  };
  const timedOut = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
  timedOut.catch(() => undefined);
  const t0 = performance.now();
  const result: ProbeResult = { channel: item.channel, utterance, timings: { openMs: null, sendMs: null, totalMs: 0 }, evidenceDir };
  let session: Session | undefined;
  let opening: Promise<Session> | undefined;
  try {
    deadline(o.openTimeoutMs ?? o.timeoutMs, 'the chat did not open');
    opening = adapter.open({
      conversationId: `${item.bank}/${item.channel}/preflight`,
      bank: item.bank,
      channel: item.channel,
      evidenceDir,
      relative: (p) => relative(o.runDir, p),
      seed: fnv1a(item.id),
      signal: controller.signal,
      log: (m) => o.log(`${item.channel}: ${m}`),
    });
    session = await Promise.race([opening, timedOut]);
    result.timings.openMs = Math.round(performance.now() - t0);
    const t1 = performance.now();
    deadline(o.timeoutMs, 'no reply');
    result.reply = await Promise.race([session.send(utterance, controller.signal), timedOut]);
    result.timings.sendMs = Math.round(performance.now() - t1);
  } catch (err) {
    result.error =
      err instanceof TransportFault
        ? { kind: err.kind, message: err.message }
        : { kind: 'internal', message: String((err as Error)?.message ?? err).split('\n')[0] };
  } finally {
    clearTimeout(timer);
    o.signal.removeEventListener('abort', onAbort);
    result.timings.totalMs = Math.round(performance.now() - t0);
    // A session that opened after the deadline is closed all the same.
    if (!session && opening) opening.then((s) => s.close({ failed: true }), () => undefined);
    result.inspection = session?.inspect?.();
    await session?.close({ failed: !!result.error }).catch((e) => o.log(`${item.channel}: closing the session failed: ${(e as Error).message}`));
  }
  return result;
}

/** Why a channel cannot be benchmarked as configured, and how to fix it. */
export interface ChannelStop {
  channel: string;
  /** Where it was found: before the run, or by the breaker during it. */
  by: 'preflight' | 'breaker';
  kind: string;
  cause: string;
  fix: string;
}

const TRANSIENT = new Set(['server-error', 'rate-limited', 'dropped', 'crashed']);
const TEXT_FIELD = /(^|\.)(text|messages?|botMessage|reply)$/i;

/**
 * What a probe says about the setup: a stop (transport fault, or text in the
 * raw response that no configured path or selector extracted), a warning, or nothing.
 */
export function diagnose(p: ProbeResult, x: { config: ChannelConfig; timeoutMs: number; bank: string; set?: string[] }): { stop?: ChannelStop; warning?: string } {
  const ch = p.channel;
  const tryCmd = tryCommandFor(x.bank, ch, x.set);
  const i = p.inspection;
  const body = i?.response?.body ?? '';
  const empty = (i?.extracted ?? []).filter((e) => !e.values.length);
  const textEmpty = empty.filter((e) => TEXT_FIELD.test(e.field));
  const culprits = textEmpty.length ? textEmpty : empty;
  // Text on the way that no path or selector read: the profile, not the bot. (A web chat
  // whose message selector reads nothing waits until it times out: the same cause.)
  const misread = !!i && culprits.length > 0 && hasText(body) && (!p.error || p.error.kind === 'timeout') && !p.reply?.text.trim();
  if (misread) {
    const what = culprits.map((e) => `${e.field} \`${e.rule}\``).join(', ');
    return {
      stop: {
        channel: ch,
        by: 'preflight',
        kind: 'extraction',
        cause: `${what} matched nothing, but the bot did answer (${i!.response?.status ? `HTTP ${i!.response.status}, ` : ''}${body.length} chars)${p.error ? `; ${p.error.message}` : ''}`,
        fix: [...(i!.suggestions ?? []), `see what came back with: ${tryCmd}`].join('\n'),
      },
    };
  }
  if (p.error) {
    return { stop: { channel: ch, by: 'preflight', kind: p.error.kind, cause: p.error.message, fix: faultFix(p.error.kind, p.error.message, ch, x.timeoutMs, 'preflight', x.config?.adapter) } };
  }
  if (p.reply!.text.trim()) return {};
  return { warning: `${ch}: the bot's first reply was empty — if that is not the bot's doing, check the channel with: ${tryCmd}` };
}

/**
 * A body holds a reply: JSON with prose somewhere (ids, codes and "ok" are not
 * a reply), or any non-blank text (a chat area's DOM text, a transcript).
 */
function hasText(body: string): boolean {
  if (!body.trim()) return false;
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return true;
  }
  return stringLeaves(data).some((l) => isProse(l.value));
}

/** The fix for a transport fault, as specific as the fault allows. */
export function faultFix(kind: string, message: string, channel: string, timeoutMs: number, by: 'preflight' | 'breaker', adapter?: string): string {
  const status = /HTTP (\d{3})/.exec(message)?.[1];
  const at = `channels.${channel}`;
  if (status === '401' || status === '403') return `the bot refused the credentials: check ${at}.headers (Authorization, an API key from \${env:…}) and that the key is valid`;
  if (status === '404') return `nothing answers at that path: check ${at}.url`;
  if (status === '405') return `the endpoint does not take this method: check ${at}.method`;
  if (status && status.startsWith('4')) return `the bot rejected the request: check ${at}.request (the body template) and ${at}.headers`;
  if (/CERT|SSL|TLS|self[- ]signed/i.test(message)) return `the TLS handshake failed: check the certificate of the host in ${at}.url (or the https/http scheme)`;
  switch (kind) {
    case 'refused':
      return `nothing listens there: is the bot running? check the host and port in ${at}`;
    case 'unreachable':
      return `the host cannot be reached: check the host name in ${at} (DNS, proxy, VPN)`;
    case 'timeout':
      if (/did not open/.test(message)) return `the chat did not open in time: check ${at} (URL, open steps, the call's transport); if it is only slow, raise preflight.openTimeoutMs in the profile`;
      return by === 'preflight'
        ? `the bot did not answer within ${timeoutMs} ms: check that it is up${adapter === 'web' || adapter === 'wechat-h5' ? ` and that selectors.botMessage matches its replies (harness try --channel ${channel} shows what it reads)` : ''}; if it is only slow, raise preflight.timeoutMs in the profile (e.g. --set preflight.timeoutMs=${Math.max(30_000, timeoutMs * 3)}) or skip the check with --no-preflight`
        : `the bot keeps timing out: check that it is up, or raise timeouts.turnMs in the profile`;
    case 'server-error':
      return `the bot's server keeps failing (HTTP 5xx): check that the bot is healthy and that ${at}.url points at the bot, not at a gateway in front of a stopped service`;
    case 'rate-limited':
      return `the bot limits the request rate: lower politeness.maxConcurrent or raise politeness.minIntervalMs for ${at}`;
    case 'dropped':
      return `the bot keeps dropping the connection: check the bot and any proxy in front of it (${at})`;
    case 'crashed':
      return `the browser keeps crashing on the page: check ${at}.url and run harness try --channel ${channel} --debug`;
    case 'protocol':
      return `the bot's answer was not what ${at} expects: check the URL, request template and response paths`;
    case 'not-found':
    case 'declined':
    case 'busy':
    case 'no-answer':
      return `the call did not reach the bot: check the number or URI in ${at}.transport`;
    default:
      return `check ${at}`;
  }
}

export interface PreflightOptions extends Omit<ProbeOptions, 'text'> {
  bank: string;
  set?: string[];
  configs: Record<string, ChannelConfig>;
  /** Called with each channel's outcome line as it is known. */
  say(message: string): void;
  /** Called with the time to a channel's first reply when its check passed. */
  replied?(channel: string, ms: number): void;
}

/**
 * One channel's check: its first plan item's first question. Transient faults
 * (5xx, 429, a dropped connection) get one more try inside the same time budget.
 * Resolves to the stop, or undefined when the channel may run.
 */
export async function preflightChannel(item: PlanItem, adapter: Adapter, o: PreflightOptions): Promise<ChannelStop | undefined> {
  let p = await probeChannel(adapter, item, o);
  const left = o.timeoutMs - (p.timings.sendMs ?? p.timings.totalMs);
  if (p.error && TRANSIENT.has(p.error.kind) && left > 1000 && !o.signal.aborted) {
    await sleep(500, o.signal).catch(() => undefined);
    p = await probeChannel(adapter, item, { ...o, timeoutMs: Math.max(1000, left - 500) });
  }
  if (o.signal.aborted) return undefined;
  const d = diagnose(p, { config: o.configs[item.channel], timeoutMs: o.timeoutMs, bank: o.bank, set: o.set });
  if (d.stop) o.say(formatStop(d.stop));
  else if (d.warning) o.say(`preflight: ${d.warning}`);
  else o.say(`preflight ${item.channel}: ok (first reply in ${p.timings.sendMs} ms)`);
  if (!d.stop && p.timings.sendMs !== null) o.replied?.(item.channel, p.timings.sendMs);
  return d.stop;
}

export function formatStop(s: ChannelStop): string {
  const head = s.by === 'preflight' ? `preflight ${s.channel}: STOPPED — ${s.kind}: ${s.cause}` : `channel ${s.channel}: STOPPED by the circuit breaker — ${s.kind}: ${s.cause}`;
  return `${head}\n${s.fix.split('\n').map((l) => `  fix: ${l}`).join('\n')}`;
}
