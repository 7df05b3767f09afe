import type { Utterance, VadOptions } from '../../lib/telephony/audio/vad.ts';
import { UtteranceDetector } from '../../lib/telephony/audio/vad.ts';
import type { Call, CallEnd } from './transport/types.ts';

// The harness's ear on a call: every received frame goes through the VAD,
// finished utterances queue up until a turn or an IVR step takes them.
// Times are performance.now() milliseconds.

export type Heard = { kind: 'utterance'; utterance: Utterance } | { kind: 'timeout' } | { kind: 'ended'; end: CallEnd };

export class Listener {
  /** When the first voiced frame arrived (null: nothing heard yet). */
  firstVoiceAt: number | null = null;
  private readonly vad: UtteranceDetector;
  private queue: Utterance[] = [];
  private end: CallEnd | null = null;
  private wake: (() => void) | null = null;
  private readonly unsubscribe: () => void;

  constructor(call: Call, vad: Partial<VadOptions>, private readonly maxUtteranceMs = 60000) {
    this.vad = new UtteranceDetector(vad);
    this.unsubscribe = call.onAudio((frame) => {
      const now = performance.now();
      const u = this.vad.push(frame, now);
      if (this.firstVoiceAt === null && this.vad.speaking) this.firstVoiceAt = now;
      if (u) this.enqueue(u);
    });
    void call.ended.then((end) => {
      const last = this.vad.flush();
      if (last) this.enqueue(last);
      this.end = end;
      this.notify();
    });
  }

  get ended(): CallEnd | null {
    return this.end;
  }

  /** Forgets utterances nobody asked for (a prompt still echoing before our turn). */
  drop(): Utterance[] {
    const stale = this.queue;
    this.queue = [];
    return stale;
  }

  /**
   * The next utterance. `timeoutMs` bounds the wait for speech to start; an
   * utterance under way at the deadline is awaited to its end.
   */
  async next(timeoutMs: number, signal?: AbortSignal): Promise<Heard> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      const u = this.queue.shift();
      if (u) return { kind: 'utterance', utterance: u };
      if (this.end) return { kind: 'ended', end: this.end };
      const now = performance.now();
      if (now >= deadline && (!this.vad.speaking || now >= deadline + this.maxUtteranceMs)) return { kind: 'timeout' };
      const limit = now < deadline ? deadline : now + 250;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(5, Math.min(limit - now, 250)));
        const onAbort = () => done();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.wake = done;
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      });
      this.wake = null;
    }
  }

  close(): void {
    this.unsubscribe();
    this.notify();
  }

  private enqueue(u: Utterance): void {
    this.queue.push(u);
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}
