import { pinyin } from 'pinyin-pro';
import { TransportFault } from '../../harness/types.ts';
import { hashSeed } from '../../lib/telephony/audio/rng.ts';
import type { Listener } from './listener.ts';
import type { Recognizer } from './speech/types.ts';
import type { Call } from './transport/types.ts';
import type { IvrStep } from './ivr-config.ts';

// IVR navigation: the profile's `ivr:` steps take the call from the first
// menu to the voice bot, and the walk is measured the way service-experience
// surveys score channel convenience (time to first audio, menu depth, a human
// agent offered in the first menu, time to reach the bot).

export interface IvrDeps {
  call: Call;
  listener: Listener;
  recognizer: Recognizer;
  /** Speaks a caller phrase (synthesise, condition, play). */
  say(text: string, signal: AbortSignal): Promise<void>;
  conversationId: string;
  signal: AbortSignal;
  log(message: string): void;
}

export interface IvrResult {
  prompts: string[];
  ivrDepth: number;
  humanInFirstMenu: boolean | null;
  /** performance.now() when the navigation reached the bot. */
  reachedBotAt: number;
}

const HUMAN_WORDS = ['人工', '客服', '坐席', '人工服务', '人工客服', '转人工'];
// A key offer: "按0", "请0" (按 misheard or dropped), "0键"; or just "请按".
const KEY = /(按|请)\s*[0-9*#零一二三四五六七八九井星]|[0-9*#]\s*(键|号)/;

function syllableList(text: string): string[] {
  return pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).map((s) => s.trim()).filter(Boolean);
}

function syllables(text: string): string {
  return ` ${syllableList(text).join(' ')} `;
}

/**
 * Like `mentions`, tolerating a recogniser that dropped or misheard part of
 * the word: any `keep` consecutive syllables of it are enough.
 */
export function mentionsLoosely(text: string, word: string, keep: number): boolean {
  if (mentions(text, word)) return true;
  const w = syllableList(word);
  if (keep >= w.length || keep < 1) return false;
  const heard = syllables(text);
  for (let i = 0; i + keep <= w.length; i++) if (heard.includes(` ${w.slice(i, i + keep).join(' ')} `)) return true;
  // One syllable missing from the middle ("人工服务" heard as "人服务").
  if (w.length >= 3) for (let skip = 1; skip < w.length - 1; skip++) if (heard.includes(` ${w.filter((_, k) => k !== skip).join(' ')} `)) return true;
  return false;
}

/** The transcript says `word`, in characters or — for homophone ASR errors — in sound. */
export function mentions(text: string, word: string): boolean {
  return text.includes(word) || syllables(text).includes(syllables(word));
}

/** A menu offers a human agent with a key: "人工服务请按0". */
export function offersHuman(prompt: string): boolean {
  return prompt
    .split(/[。，,；;！!？?\n]/)
    .some((clause) => HUMAN_WORDS.some((w) => (w.length >= 4 ? mentionsLoosely(clause, w, w.length - 1) : mentions(clause, w))) && (KEY.test(clause) || mentions(clause, '请按') || mentionsLoosely(clause, '请按', 1)));
}

export async function runIvr(steps: IvrStep[], deps: IvrDeps): Promise<IvrResult> {
  const prompts: string[] = [];
  let depth = 0;
  let reachedBotAt = performance.now();
  for (const [i, step] of steps.entries()) {
    if ('waitPrompt' in step) {
      const heard = await deps.listener.next(step.waitPrompt.timeoutMs, deps.signal);
      if (heard.kind === 'ended') throw new TransportFault('dropped', `the call ended during the IVR (step ${i + 1}: waitPrompt): ${heard.end.reason ?? heard.end.by}`);
      if (heard.kind === 'timeout') throw new TransportFault('timeout', `no IVR prompt within ${step.waitPrompt.timeoutMs} ms (step ${i + 1})`);
      const text = await deps.recognizer.transcribe(heard.utterance.pcm, { signal: deps.signal, seed: hashSeed(deps.conversationId, 'ivr', i) });
      prompts.push(text);
      reachedBotAt = performance.now();
      deps.log(`IVR prompt ${prompts.length}: ${text}`);
    } else if ('dtmf' in step) {
      deps.listener.drop();
      await deps.call.sendDtmf(step.dtmf);
      depth++;
    } else if ('say' in step) {
      deps.listener.drop();
      await deps.say(step.say, deps.signal);
      depth++;
    } else {
      const last = prompts.at(-1) ?? '';
      // The harness's own recogniser may have garbled the prompt: half of a word is enough.
      if (!step.expect.some((w) => mentionsLoosely(last, w, Math.ceil([...w].length / 2)))) {
        throw new TransportFault('protocol', `IVR step ${i + 1}: the prompt "${last}" mentions none of ${step.expect.join('、')}; update the profile's ivr steps`, { retryable: false });
      }
    }
  }
  return { prompts, ivrDepth: depth, humanInFirstMenu: prompts.length > 0 ? offersHuman(prompts[0]) : null, reachedBotAt };
}
