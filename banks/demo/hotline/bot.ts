import { hashSeed, mulberry32 } from '../../../lib/telephony/audio/rng.ts';
import { UtteranceDetector } from '../../../lib/telephony/audio/vad.ts';
import type { Brain, BrainSession } from '../brain/types.ts';
import type { DemoOptions } from '../part.ts';
import type { CallHandler, MediaLeg } from './leg.ts';
import { simulatedEars, simulatedMouth, type Ears, type Mouth } from './voice.ts';

// The demo bank's hotline, transport-free: a two-level IVR menu, a simulated
// human agent, and the voice bot that hears the caller through its own
// recogniser, asks the shared brain, and answers in synthesised speech.

export interface DemoHotlineOptions {
  /** Character error rate of the demo bot's own recogniser (default 0.08). */
  cer?: number;
  /** Silence (ms) that ends the caller's utterance for the demo bot. */
  hangoverMs?: number;
  /** Real speech engines instead of simulated audio (tests of real audio paths). */
  tts?: Mouth;
  asr?: Ears;
  /**
   * The IVR's menus from the first to the last (default [MENU_1, MENU_2]):
   * 1 goes one level down (1 or 2 in the last menu reaches the voice bot),
   * 0 asks for a human agent, * goes back up.
   */
  menus?: string[];
  /** Time a caller who asked for a human waits in the queue before an agent answers (default 0). */
  queueMs?: number;
}

export const MENU_1 = '欢迎致电示例银行。智能语音服务请按1，人工服务请按0。';
export const MENU_2 = '个人业务请按1，信用卡业务请按2，返回上级菜单请按星号键。';
export const WRONG_KEY = '输入有误，请重新选择。';
export const TRANSFER = '正在为您转接人工客服，请稍候。';
export const QUEUE = '您好，当前排队人数较多，请您耐心等待。';
export const AGENT = '您好，工号1024为您服务。这是演示坐席，本次通话即将结束，再见。';
const NOT_HEARD = '抱歉，我没有听清，请您再说一遍。';
/** No frame for this long mid-utterance: the caller has stopped sending, and the quiet counts as silence. */
const QUIET_AFTER_MS = 1000;

type Event = { dtmf: string } | { speech: Int16Array };

/** A short request for a person ("转人工", "我要人工客服") rather than a question for the bot. */
function asksForHuman(text: string): boolean {
  const bare = text.replace(/[\p{P}\s]/gu, '');
  return bare.length <= 8 && /人工|坐席|真人/.test(bare);
}

export function createCallHandler(brain: Brain, options: Partial<DemoOptions> = {}): CallHandler {
  const hotline = (options.hotline ?? {}) as DemoHotlineOptions;
  const tts = hotline.tts ?? simulatedMouth(120);
  const asr = hotline.asr ?? simulatedEars(hotline.cer ?? 0.08, 0.7);
  const latencyMs = options.latencyMs ?? 0;
  const jitterMs = options.jitterMs ?? 0;
  const menus = hotline.menus?.length ? hotline.menus : [MENU_1, MENU_2];
  const queueMs = Math.max(0, hotline.queueMs ?? 0);

  return async (leg: MediaLeg) => {
    const stop = new AbortController();
    const events: Event[] = [];
    let wake: (() => void) | null = null;
    const push = (e: Event) => {
      events.push(e);
      wake?.();
    };
    let over = false;
    void leg.ended.then(() => {
      over = true;
      stop.abort(new Error('call ended'));
      wake?.();
    });
    const vad = new UtteranceDetector({ hangoverMs: hotline.hangoverMs ?? 300, minSpeechMs: 60, thresholdDb: -40 });
    let lastFrameAt = performance.now();
    const hear = (frame: Int16Array) => {
      lastFrameAt = performance.now();
      const u = vad.push(frame, lastFrameAt);
      if (u) push({ speech: u.pcm });
    };
    const offAudio = leg.onAudio(hear);
    // A leg that has sent nothing for QUIET_AFTER_MS mid-utterance has stopped
    // sending (some callers send nothing while quiet): from then on the quiet
    // is silence. A shorter gap is a caller's frames held up and coming late
    // in a burst (a busy machine), which a jitter buffer rides out: counting
    // it as silence would cut the question in two.
    const idle = setInterval(() => {
      if (vad.speaking && performance.now() - lastFrameAt >= QUIET_AFTER_MS) for (let i = 0; i < 5; i++) hear(new Int16Array(160));
    }, 100);
    const offDtmf = leg.onDtmf((digit) => push({ dtmf: digit }));
    const next = async (): Promise<Event | null> => {
      while (events.length === 0 && !over) await new Promise<void>((r) => (wake = r));
      wake = null;
      return events.shift() ?? null;
    };
    const say = async (text: string) => leg.play(await tts.synthesize(text), stop.signal);
    const think = (key: string) => {
      const ms = Math.max(0, latencyMs + (mulberry32(hashSeed(key))() * 2 - 1) * jitterMs);
      return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
    };
    const transfer = async () => {
      if (queueMs > 0) {
        await say(QUEUE);
        // Hung up while queueing: no timer keeps the bank (or the process) alive.
        await new Promise<void>((r) => {
          const t = setTimeout(r, queueMs);
          stop.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
        });
        if (over) return;
      }
      await say(TRANSFER);
      await new Promise((r) => setTimeout(r, 400)); // hold, then the agent picks up
      await say(AGENT);
      await leg.hangup();
    };

    try {
      // The menu the caller is in (its index), or the voice bot.
      let level: number | 'bot' = 0;
      let session: BrainSession | null = null;
      let turn = 0;
      await say(menus[0]);
      for (let e = await next(); e; e = await next()) {
        if (level !== 'bot') {
          if (!('dtmf' in e)) continue; // menus take keys only
          events.length = 0; // a key press cuts the menu short
          const last = level === menus.length - 1;
          if (e.dtmf === '0') return await transfer();
          if (last && (e.dtmf === '1' || e.dtmf === '2')) {
            level = 'bot';
            session = brain.session('hotline');
            await say(session.welcome().text);
          } else if (!last && e.dtmf === '1') {
            level++;
            await say(menus[level]);
          } else if (level > 0 && e.dtmf === '*') {
            level--;
            await say(menus[level]);
          } else {
            await say(WRONG_KEY + menus[level]);
          }
          continue;
        }
        if ('dtmf' in e) {
          if (e.dtmf === '0') return await transfer();
          continue;
        }
        const heard = await asr.transcribe(e.speech, { signal: stop.signal });
        turn++;
        if (!heard.trim()) {
          await say(NOT_HEARD);
          continue;
        }
        if (asksForHuman(heard)) return await transfer();
        const reply = session!.reply(heard);
        await think(`${heard}#${turn}`);
        const offer = reply.related ? '猜您想问：' : '您可以说：';
        const spoken = reply.buttons.length > 0 && !reply.buttons.every((b) => reply.text.includes(b)) ? `${reply.text}${offer}${reply.buttons.join('、')}。` : reply.text;
        await say(spoken);
      }
    } catch (err) {
      if (!over) throw err;
    } finally {
      clearInterval(idle);
      offAudio();
      offDtmf();
    }
  };
}
