import { z } from 'zod';
import { pinyin } from 'pinyin-pro';
import { TransportFault } from '../../harness/types.ts';
import { hashSeed } from './audio/rng.ts';
import type { Listener } from './listener.ts';
import type { Recognizer } from './speech/types.ts';
import type { Call } from './transport/types.ts';

// IVR navigation: the profile's `ivr:` steps take the call from the first
// menu to the voice bot, and the walk is measured the way service-experience
// surveys score channel convenience (time to first audio, menu depth, a human
// agent offered in the first menu, time to reach the bot).

export const ivrStepSchema = z.union([
  z.strictObject({ waitPrompt: z.strictObject({ timeoutMs: z.number().int().positive().default(15000) }).default({ timeoutMs: 15000 }) }),
  z.strictObject({ dtmf: z.string().regex(/^[0-9*#A-D]+$/, 'digits 0-9, *, #, A-D') }),
  z.strictObject({ say: z.string().min(1) }),
  z.strictObject({ expect: z.array(z.string().min(1)).min(1) }),
]);
export type IvrStep = z.output<typeof ivrStepSchema>;

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

const HUMAN_WORDS = ['人工', '客服', '坐席'];
const KEY = /(按|an\b)\s*[0-9*#零一二三四五六七八九井星]|[0-9*#]\s*(键|号)/;

function syllables(text: string): string {
  const list = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive' }).map((s) => s.trim()).filter(Boolean);
  return ` ${list.join(' ')} `;
}

/** The transcript says `word`, in characters or — for homophone ASR errors — in sound. */
export function mentions(text: string, word: string): boolean {
  return text.includes(word) || syllables(text).includes(syllables(word));
}

/** A menu offers a human agent with a key: "人工服务请按0". */
export function offersHuman(prompt: string): boolean {
  return prompt.split(/[。，,；;！!？?\n]/).some((clause) => HUMAN_WORDS.some((w) => mentions(clause, w)) && (KEY.test(clause) || mentions(clause, '请按')));
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
      if (!step.expect.some((w) => mentions(last, w))) {
        throw new TransportFault('protocol', `IVR step ${i + 1}: the prompt "${last}" mentions none of ${step.expect.join('、')}; update the profile's ivr steps`, { retryable: false });
      }
    }
  }
  return { prompts, ivrDepth: depth, humanInFirstMenu: prompts.length > 0 ? offersHuman(prompts[0]) : null, reachedBotAt };
}
