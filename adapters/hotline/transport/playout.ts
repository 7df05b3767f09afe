import { FRAME_SAMPLES } from './types.ts';

// A playout buffer: audio a far end sends in bursts (or faster than real
// time) reaches listeners as one 20-ms frame every 20 ms, as a phone would
// play it. `mark`s are acknowledged when the audio before them has played;
// `clear` drops what has not played yet (barge-in).

type Item = { frame: Int16Array } | { mark: string };

export class Playout {
  private queue: Item[] = [];
  private partial = new Int16Array(0);
  private listeners = new Set<(frame: Int16Array) => void>();
  private timer: NodeJS.Timeout | null = null;
  private nextDue = 0;

  constructor(private readonly onMark: (name: string) => void, private readonly frameMs = 20) {}

  subscribe(listener: (frame: Int16Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(samples: Int16Array): void {
    const all = new Int16Array(this.partial.length + samples.length);
    all.set(this.partial);
    all.set(samples, this.partial.length);
    let at = 0;
    for (; at + FRAME_SAMPLES <= all.length; at += FRAME_SAMPLES) this.queue.push({ frame: all.slice(at, at + FRAME_SAMPLES) });
    this.partial = all.slice(at);
    this.pump();
  }

  mark(name: string): void {
    this.flushPartial();
    this.queue.push({ mark: name });
    this.pump();
  }

  clear(): void {
    const marks = this.queue.filter((i): i is { mark: string } => 'mark' in i);
    this.queue = [];
    this.partial = new Int16Array(0);
    for (const m of marks) this.onMark(m.mark);
  }

  /** Delivers everything still queued at once (the stream ended). */
  drain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushPartial();
    const rest = this.queue;
    this.queue = [];
    for (const item of rest) if ('frame' in item) this.emit(item.frame);
  }

  private flushPartial(): void {
    if (this.partial.length === 0) return;
    const frame = new Int16Array(FRAME_SAMPLES);
    frame.set(this.partial);
    this.partial = new Int16Array(0);
    this.queue.push({ frame });
  }

  private emit(frame: Int16Array): void {
    for (const l of this.listeners) l(frame);
  }

  private pump(): void {
    if (this.timer) return;
    const now = performance.now();
    while (this.queue.length > 0) {
      const head = this.queue[0];
      if ('mark' in head) {
        this.queue.shift();
        this.onMark(head.mark);
        continue;
      }
      if (this.nextDue > now + 1) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, this.nextDue - now);
        return;
      }
      this.queue.shift();
      // After a gap the clock restarts: late audio plays at once.
      this.nextDue = Math.max(this.nextDue, now - this.frameMs) + this.frameMs;
      this.emit(head.frame);
    }
  }
}
