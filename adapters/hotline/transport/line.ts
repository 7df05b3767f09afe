import { FrameFanout } from '../../../lib/telephony/audio/frame-fanout.ts';
import { FRAME_SAMPLES } from './types.ts';

// The 20-ms clock of a phone line, for transports without one of their own
// (a WebSocket media stream). Like a telephony platform, it streams the
// caller's audio continuously — queued speech, else silence — and plays the
// far end's audio out one frame per tick through a playout buffer, silence
// when there is none, so a VAD on either side hears the pauses between
// utterances. `mark`s are acknowledged when the audio before them has
// played; `clear` drops what has not played yet (barge-in).

type InItem = { frame: Int16Array } | { mark: string };
type OutItem = { frame: Int16Array; done?: () => void; fail?: (err: unknown) => void };

const SILENCE = new Int16Array(FRAME_SAMPLES);

export interface LineEvents {
  /** Send one caller frame (speech or silence) to the far end. */
  send(frame: Int16Array): void;
  /** The far end's mark has been played out. */
  played(mark: string): void;
}

export class LineClock {
  private inQueue: InItem[] = [];
  private partial = new Int16Array(0);
  private outQueue: OutItem[] = [];
  /** Frames played out; those played before anyone listens go to the first listener. */
  private readonly heard = new FrameFanout();
  private timer: NodeJS.Timeout | null = null;
  private start = 0;
  private ticks = 0;

  /** Playing out (true) or waiting for the jitter buffer to fill (false). */
  private playing = false;
  private waitingSince = 0;
  /** Since when the far end's audio has run dry mid-stream (0: not holding). */
  private holdingSince = 0;

  /**
   * `prebufferFrames`: a jitter buffer. Far-end audio starts playing once this
   * many frames are queued (or after as many frame times), so frames that
   * arrive a little late do not turn into gaps inside an utterance.
   */
  constructor(
    private readonly events: LineEvents,
    private readonly prebufferFrames = 3,
    private readonly frameMs = 20,
    /** After an underrun, wait this long for late frames before the gap counts as silence. */
    private readonly holdMs = 200,
  ) {}

  run(): void {
    if (this.timer) return;
    this.start = performance.now();
    this.ticks = 0;
    this.schedule();
  }

  /** Stops the clock; caller audio still queued is abandoned (its play() rejects with `reason`, else resolves). */
  stop(reason?: unknown): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const pending = this.outQueue;
    this.outQueue = [];
    for (const item of pending) {
      if (reason !== undefined) item.fail?.(reason);
      else item.done?.();
    }
  }

  /** Every frame played out from now on; the first listener also gets those played before it. */
  subscribe(listener: (frame: Int16Array) => void): () => void {
    return this.heard.subscribe(listener);
  }

  /** Queues caller audio; resolves when its last frame has been sent. */
  play(frames: Int16Array[], signal?: AbortSignal): Promise<void> {
    if (frames.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const items: OutItem[] = frames.map((frame) => ({ frame }));
      const onAbort = () => {
        this.outQueue = this.outQueue.filter((i) => !items.includes(i));
        reject(signal!.reason);
      };
      const last = items[items.length - 1];
      last.done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      last.fail = (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.outQueue.push(...items);
    });
  }

  /** Far-end audio of any length; it is re-framed into 20-ms frames. */
  receive(samples: Int16Array): void {
    const all = new Int16Array(this.partial.length + samples.length);
    all.set(this.partial);
    all.set(samples, this.partial.length);
    let at = 0;
    for (; at + FRAME_SAMPLES <= all.length; at += FRAME_SAMPLES) this.inQueue.push({ frame: all.slice(at, at + FRAME_SAMPLES) });
    this.partial = all.slice(at);
  }

  mark(name: string): void {
    this.flushPartial();
    this.inQueue.push({ mark: name });
  }

  clear(): void {
    const marks = this.inQueue.filter((i): i is { mark: string } => 'mark' in i);
    this.inQueue = [];
    this.partial = new Int16Array(0);
    for (const m of marks) this.events.played(m.mark);
  }

  /** The line went down: what was received but not yet played reaches listeners at once. */
  drain(reason?: unknown): void {
    this.stop(reason);
    this.flushPartial();
    const rest = this.inQueue;
    this.inQueue = [];
    for (const item of rest) if ('frame' in item) this.emit(item.frame);
  }

  private schedule(): void {
    const due = this.start + this.ticks * this.frameMs;
    const wait = due - performance.now();
    if (wait < -5 * this.frameMs) {
      // The event loop stalled: restart the clock rather than burst.
      this.start = performance.now();
      this.ticks = 0;
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, wait));
  }

  private tick(): void {
    // A tick this late means this process was held (a busy machine), not
    // that the far end went quiet: its frames may be unread in the socket,
    // which is read after this tick. An underrun is judged a pause only at a
    // tick after that read.
    const now = performance.now();
    const late = now - (this.start + this.ticks * this.frameMs) > 5 * this.frameMs;
    this.ticks++;
    const out = this.outQueue.shift();
    this.events.send(out?.frame ?? SILENCE);
    out?.done?.();
    this.playMarks();
    if (this.holdingSince) {
      // Underrun mid-stream: a late frame continues the utterance seamlessly
      // (the wait becomes latency, not a gap inside the speech); after
      // holdMs the wait was a pause, and listeners get its silence at once.
      if (this.inQueue.length > 0) {
        this.holdingSince = 0;
      } else if (now - this.holdingSince >= this.holdMs && !late) {
        const frames = Math.round((now - this.holdingSince) / this.frameMs);
        this.holdingSince = 0;
        this.playing = false;
        this.waitingSince = 0;
        for (let i = 0; i < frames; i++) this.emit(SILENCE);
      }
      if (this.holdingSince) {
        this.playMarks();
        if (this.timer) this.schedule();
        return;
      }
    }
    if (!this.playing && this.inQueue.length > 0) {
      if (this.waitingSince === 0) this.waitingSince = now;
      if (this.inQueue.length >= this.prebufferFrames || now - this.waitingSince >= this.prebufferFrames * this.frameMs) this.playing = true;
    }
    const head = this.playing ? this.inQueue.shift() : undefined;
    if (this.playing && this.inQueue.length === 0) this.holdingSince = now;
    this.emit(head && 'frame' in head ? head.frame : SILENCE);
    this.playMarks();
    if (this.timer) this.schedule();
  }

  private playMarks(): void {
    while (this.inQueue.length > 0 && 'mark' in this.inQueue[0]) this.events.played((this.inQueue.shift() as { mark: string }).mark);
  }

  private flushPartial(): void {
    if (this.partial.length === 0) return;
    const frame = new Int16Array(FRAME_SAMPLES);
    frame.set(this.partial);
    this.partial = new Int16Array(0);
    this.inQueue.push({ frame });
  }

  private emit(frame: Int16Array): void {
    this.heard.emit(frame);
  }
}
