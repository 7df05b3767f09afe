// Which conversation gets the next of the run's --concurrency slots. Each
// channel has its own cap (politeness.maxConcurrent); among channels with
// work waiting and room under their cap, the one with the fewest
// conversations running goes first (ties: the one that has waited longest).
// A first-come queue would let the channel whose preflight passed first fill
// every slot, and each later conversation of another channel would queue
// behind a whole round of it: a slow, cheap channel (a phone call paced in
// real time) ends up running one call at a time behind the browsers.

interface Waiting {
  start(): void;
}

interface Lane {
  running: number;
  cap: number;
  queue: Waiting[];
  /** When its oldest waiting task was queued (a counter, for ties). */
  since: number;
}

export class FairScheduler {
  private running = 0;
  private tick = 0;
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly slots: number,
    private readonly capOf: (lane: string) => number,
  ) {}

  /** Run `fn` when `lane` gets a slot; resolves or rejects with it. */
  run<T>(lane: string, fn: () => Promise<T>): Promise<T> {
    const l = this.lane(lane);
    return new Promise<T>((resolve, reject) => {
      if (!l.queue.length) l.since = this.tick++;
      l.queue.push({
        start: () => {
          this.running++;
          l.running++;
          fn()
            .then(resolve, reject)
            .finally(() => {
              this.running--;
              l.running--;
              this.pump();
            });
        },
      });
      this.pump();
    });
  }

  /** Conversations running now, in all lanes or in one. */
  active(lane?: string): number {
    return lane === undefined ? this.running : (this.lanes.get(lane)?.running ?? 0);
  }

  private lane(name: string): Lane {
    let l = this.lanes.get(name);
    if (!l) {
      l = { running: 0, cap: Math.max(1, this.capOf(name)), queue: [], since: 0 };
      this.lanes.set(name, l);
    }
    return l;
  }

  private pump(): void {
    while (this.running < this.slots) {
      let best: Lane | undefined;
      for (const l of this.lanes.values()) {
        if (!l.queue.length || l.running >= l.cap) continue;
        if (!best || l.running < best.running || (l.running === best.running && l.since < best.since)) best = l;
      }
      if (!best) return;
      const next = best.queue.shift()!;
      best.since = this.tick++;
      next.start();
    }
  }
}
