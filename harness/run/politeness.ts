import type { Politeness } from '../config/bank.ts';
import { sleep } from '../util/sleep.ts';

// Per bank-channel politeness: at most maxConcurrent conversations at once,
// and at least minIntervalMs between two messages sent to the channel.

export class ChannelGate {
  private nextSlot = 0;

  constructor(private readonly politeness: Politeness) {}

  /** Conversations the channel may hold at once (the run's scheduler keeps to it). */
  get maxConcurrent(): number {
    return this.politeness.maxConcurrent;
  }

  /** Wait until this channel may receive another message. */
  async beforeSend(signal: AbortSignal): Promise<void> {
    const gap = this.politeness.minIntervalMs;
    if (gap <= 0) return;
    const now = Date.now();
    const at = Math.max(now, this.nextSlot);
    this.nextSlot = at + gap;
    if (at > now) await sleep(at - now, signal);
  }
}
