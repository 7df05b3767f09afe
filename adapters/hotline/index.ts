import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Adapter, AdapterContext, AdapterFactory, BotReply, Session, Utterance } from '../../harness/types.ts';
import { TransportFault } from '../../harness/types.ts';
import { condition } from '../../lib/telephony/audio/condition.ts';
import { concatPcm } from '../../lib/telephony/audio/frames.ts';
import { hashSeed } from '../../lib/telephony/audio/rng.ts';
import { writeWav } from '../../lib/telephony/audio/wav.ts';
import type { HotlineConfig } from './config.ts';
import { mentions, runIvr } from './ivr.ts';
import { Listener } from './listener.ts';
import { createRecognizer, createSynthesizer } from './speech/registry.ts';
import type { Recognizer, Synthesizer } from './speech/types.ts';
import { createTransport } from './transport/registry.ts';
import type { Call, Transport } from './transport/types.ts';

// The hotline adapter: a phone call per conversation. open() dials and walks
// the IVR to the voice bot; each send() speaks the customer's words and
// listens until the bot's utterance ends, then transcribes it.

const HUMAN_MARKERS = ['人工', '客服', '坐席', '工号', '转接'];

export const createHotlineAdapter: AdapterFactory<HotlineConfig> = async (config) => {
  let transport: Transport | null = null;
  let speech: Promise<[Synthesizer, Recognizer]> | null = null;
  let probe: Promise<number | null> | null = null;
  const probeStop = new AbortController();
  const engines = () => (speech ??= Promise.all([createSynthesizer(config.speech.tts).then(cached), createRecognizer(config.speech.asr)]));
  const adapter: Adapter & { simulated: boolean } = {
    simulated: config.speech.tts.engine === 'simulated' || config.speech.asr.engine === 'simulated',
    async open(ctx) {
      transport ??= await createTransport(config.transport);
      const [tts, asr] = await engines();
      // One extra call per run asks for a human agent; every conversation reports its time.
      if (config.measureHuman) probe ??= probeHuman(config, ctx, transport, tts, asr, probeStop.signal);
      const timeToHumanMs = probe ? await probe : undefined;
      return openSession(config, ctx, transport, tts, asr, timeToHumanMs);
    },
    async dispose() {
      probeStop.abort(new Error('the run is over'));
      await probe?.catch(() => null);
      await transport?.dispose();
      transport = null;
    },
  };
  return adapter;
};

/** The same words are spoken in many conversations: synthesise each text once (paid TTS costs per call). */
function cached(tts: Synthesizer, limit = 1000): Synthesizer {
  if (tts.simulated) return tts;
  const memo = new Map<string, Promise<Int16Array>>();
  return {
    simulated: false,
    synthesize(text, opts) {
      let p = memo.get(text);
      if (!p) {
        if (memo.size >= limit) memo.delete(memo.keys().next().value!);
        p = tts.synthesize(text, opts);
        memo.set(text, p);
        p.catch(() => memo.delete(text));
      }
      return p.then((pcm) => pcm.slice());
    },
  };
}

interface Line {
  call: Call;
  listener: Listener;
  answeredAt: number;
  speak(text: string, signal: AbortSignal): Promise<Int16Array>;
}

/** Dials and connects the harness's ear and voice to the call. */
async function dial(config: HotlineConfig, transport: Transport, tts: Synthesizer, conversationId: string, seed: number, signal: AbortSignal, log: (m: string) => void): Promise<Line> {
  const call = await transport.dial({ conversationId, signal, log });
  const answeredAt = performance.now();
  const listener = new Listener(call, config.vad, config.maxUtteranceMs);
  let spoken = 0;
  const speak = async (text: string, signal: AbortSignal): Promise<Int16Array> => {
    let pcm = await tts.synthesize(text, { signal });
    if (!tts.simulated && (config.conditioning.band || config.conditioning.snrDb !== undefined)) {
      pcm = condition(pcm, { band: config.conditioning.band, snrDb: config.conditioning.snrDb, seed: hashSeed(seed, spoken) });
    }
    spoken++;
    await playOrDrop(call, pcm, signal);
    return pcm;
  };
  return { call, listener, answeredAt, speak };
}

/**
 * One call that asks for a human agent. A call that fails on the way (the
 * line, the IVR) is made once more, as a customer would call back; a queue
 * that outlasts humanTimeoutMs is an answer (null), not a failure.
 */
async function probeHuman(config: HotlineConfig, ctx: AdapterContext, transport: Transport, tts: Synthesizer, asr: Recognizer, stop: AbortSignal): Promise<number | null> {
  const id = `${ctx.bank}/${ctx.channel}/human-probe`;
  const log = (m: string) => ctx.log(`human-agent probe: ${m}`);
  for (let attempt = 1; ; attempt++) {
    let line: Line | null = null;
    try {
      line = await dial(config, transport, tts, id, attempt === 1 ? hashSeed(id) : hashSeed(id, attempt), stop, log);
      await runIvr(config.ivr, { call: line.call, listener: line.listener, recognizer: asr, say: async (t, s) => void (await line!.speak(t, s)), conversationId: id, signal: stop, log });
      return await measureHuman(config, line, asr, id, stop);
    } catch (err) {
      log(`call ${attempt} failed: ${(err as Error).message}`);
      if (attempt >= 2 || stop.aborted) return null;
    } finally {
      line?.listener.close();
      await line?.call.hangup().catch(() => {});
    }
  }
}

async function openSession(config: HotlineConfig, ctx: AdapterContext, transport: Transport, tts: Synthesizer, asr: Recognizer, timeToHumanMs: number | null | undefined): Promise<Session> {
  const { call, listener, answeredAt, speak } = await dial(config, transport, tts, ctx.conversationId, ctx.seed, ctx.signal, ctx.log);
  const metrics: Record<string, number | boolean | string | null> = {
    timeToFirstAudioMs: null,
    ivrDepth: null,
    humanInFirstMenu: null,
    timeToBotMs: null,
  };
  if (timeToHumanMs !== undefined) metrics.timeToHumanMs = timeToHumanMs;

  try {
    const ivr = await runIvr(config.ivr, {
      call,
      listener,
      recognizer: asr,
      say: async (text, signal) => void (await speak(text, signal)),
      conversationId: ctx.conversationId,
      signal: ctx.signal,
      log: ctx.log,
    });
    metrics.ivrDepth = ivr.ivrDepth;
    metrics.humanInFirstMenu = ivr.humanInFirstMenu;
    metrics.timeToBotMs = Math.round(ivr.reachedBotAt - answeredAt);
  } catch (err) {
    listener.close();
    await call.hangup().catch(() => {});
    throw err;
  } finally {
    if (listener.firstVoiceAt !== null) metrics.timeToFirstAudioMs = Math.round(listener.firstVoiceAt - answeredAt);
  }

  let sends = 0;
  const saveAudio = async (name: string, pcm: Int16Array): Promise<string | undefined> => {
    if (!config.saveAudio) return undefined;
    await mkdir(ctx.evidenceDir, { recursive: true });
    const path = join(ctx.evidenceDir, name);
    await writeFile(path, writeWav(pcm, 8000));
    return ctx.relative(path);
  };

  return {
    async send(utterance: Utterance, signal: AbortSignal): Promise<BotReply> {
      const n = ++sends;
      if (listener.ended) throw new TransportFault('dropped', `the call had ended before turn ${utterance.index + 1}: ${listener.ended.reason ?? listener.ended.by}`);
      for (const stale of listener.drop()) ctx.log(`ignored ${Math.round(stale.endMs - stale.startMs)} ms of bot audio heard before turn ${utterance.index + 1}`);
      const callerPcm = await speak(utterance.text, signal);
      const spokeAt = performance.now();
      const heard = await listener.next(config.replyTimeoutMs, signal);
      if (heard.kind === 'ended') throw new TransportFault('dropped', `the call ended while waiting for the bot's answer: ${heard.end.reason ?? heard.end.by}`);
      const callerAudio = await saveAudio(`turn${utterance.index + 1}-${n}-caller.wav`, callerPcm);
      if (heard.kind === 'timeout') {
        return { text: '', messages: [], buttons: [], latency: { firstMs: null, settledMs: null }, transcribed: true, evidence: callerAudio ? { callerAudio } : undefined };
      }
      // A bot may answer in several sentences with pauses ("好的。" … the answer):
      // utterances starting within replyJoinMs of the previous one belong to the reply.
      const parts = [heard.utterance];
      while (config.replyJoinMs > 0) {
        const more = await listener.next(config.replyJoinMs, signal);
        if (more.kind !== 'utterance') break;
        parts.push(more.utterance);
      }
      const messages: BotReply['messages'] = [];
      for (const [k, u] of parts.entries()) {
        const said = await asr.transcribe(u.pcm, { signal, seed: hashSeed(ctx.conversationId, utterance.index, n, k) });
        if (said) messages.push({ text: said, atMs: Math.max(0, Math.round(u.startMs - spokeAt)), kind: 'voice' });
      }
      const text = messages.map((m) => m.text).join('\n');
      const audio = await saveAudio(`turn${utterance.index + 1}-${n}-bot.wav`, concatPcm(parts.map((u) => u.pcm)));
      const firstMs = Math.max(0, Math.round(parts[0].startMs - spokeAt));
      const handoff = mentions(text, '转接') && ['人工', '客服', '坐席'].some((w) => mentions(text, w));
      return {
        text,
        messages,
        buttons: [],
        latency: { firstMs, settledMs: Math.max(firstMs, Math.round(parts[parts.length - 1].endMs - spokeAt)) },
        transcribed: true,
        ...(handoff ? { handoff: true } : {}),
        evidence: { ...(audio ? { audio } : {}), ...(callerAudio ? { callerAudio } : {}) },
      };
    },
    async close() {
      listener.close();
      await call.hangup().catch(() => {});
    },
    metrics: () => ({ ...metrics }),
  };
}

async function playOrDrop(call: Call, pcm: Int16Array, signal: AbortSignal): Promise<void> {
  let ended = false;
  const endedFirst = call.ended.then((end) => {
    ended = true;
    return end;
  });
  const inner = new AbortController();
  const both = AbortSignal.any([signal, inner.signal]);
  const result = await Promise.race([call.play(pcm, both).then(() => null), endedFirst]);
  if (result || ended) {
    inner.abort();
    throw new TransportFault('dropped', `the call ended while the caller was speaking: ${result?.reason ?? 'remote hangup'}`);
  }
}

/** Asks for a human agent the profile's way and times the first agent-side utterance. */
async function measureHuman(config: HotlineConfig, line: Line, asr: Recognizer, id: string, signal: AbortSignal): Promise<number | null> {
  line.listener.drop();
  if ('dtmf' in config.human) await line.call.sendDtmf(config.human.dtmf);
  else await line.speak(config.human.say, signal);
  const askedAt = performance.now();
  for (let i = 0; ; i++) {
    const left = config.humanTimeoutMs - (performance.now() - askedAt);
    if (left <= 0) return null;
    const heard = await line.listener.next(left, signal);
    if (heard.kind !== 'utterance') return null;
    const text = await asr.transcribe(heard.utterance.pcm, { signal, seed: hashSeed(id, 'human', i) });
    if (HUMAN_MARKERS.some((w) => mentions(text, w))) return Math.round(heard.utterance.startMs - askedAt);
  }
}
