import { describe, expect, it } from 'vitest';
import { FairScheduler } from '../../harness/run/schedule.ts';

// How the run's --concurrency slots are shared between channels: a channel
// whose conversations are queued gets the next free slot before a channel
// that already holds more, each channel stays within its own cap, and the
// total never exceeds the slots.

/** A task that ends when its test says so. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { done, open };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('FairScheduler', () => {
  it('gives a freed slot to the channel with the fewest running, not to the first queued', async () => {
    const s = new FairScheduler(4, () => 16);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const task = (lane: string, i: number) => {
      const g = gate();
      gates.set(`${lane}${i}`, g);
      return s.run(lane, async () => {
        started.push(`${lane}${i}`);
        await g.done;
      });
    };
    // The browser channel queues twelve conversations before the phone channel queues any.
    const all = [...Array.from({ length: 12 }, (_, i) => task('web', i)), ...Array.from({ length: 6 }, (_, i) => task('phone', i))];
    await tick();
    expect(started).toEqual(['web0', 'web1', 'web2', 'web3']);
    // As web conversations end, the phone channel catches up to an even share.
    gates.get('web0')!.open();
    await tick();
    gates.get('web1')!.open();
    await tick();
    expect(started.slice(4)).toEqual(['phone0', 'phone1']);
    expect(s.active('web')).toBe(2);
    expect(s.active('phone')).toBe(2);
    // Even shares: the next slot alternates, the lane that waited longest first.
    gates.get('phone0')!.open();
    await tick();
    gates.get('web2')!.open();
    await tick();
    expect(started.slice(6)).toEqual(['phone2', 'web4']);
    for (const g of gates.values()) g.open();
    // Each opened gate lets the next task start; open them as they appear.
    while (started.length < 18) {
      await tick();
      for (const g of gates.values()) g.open();
    }
    await Promise.all(all);
    expect(s.active()).toBe(0);
  });

  it("keeps each channel within its own cap and the total within the slots", async () => {
    const s = new FairScheduler(5, (lane) => (lane === 'web' ? 2 : 16));
    let now = 0;
    let peak = 0;
    const peakOf = new Map<string, number>();
    const run = (lane: string) =>
      s.run(lane, async () => {
        now++;
        peak = Math.max(peak, now);
        peakOf.set(lane, Math.max(peakOf.get(lane) ?? 0, s.active(lane)));
        await new Promise((r) => setTimeout(r, 2));
        now--;
      });
    await Promise.all([...Array.from({ length: 10 }, () => run('web')), ...Array.from({ length: 10 }, () => run('api')), ...Array.from({ length: 10 }, () => run('phone'))]);
    expect(peak).toBe(5);
    expect(peakOf.get('web')).toBe(2);
    expect(s.active()).toBe(0);
  });

  it('passes a task’s failure to its caller and frees its slot', async () => {
    const s = new FairScheduler(1, () => 1);
    await expect(s.run('web', async () => Promise.reject(new Error('the page crashed')))).rejects.toThrow('the page crashed');
    await expect(s.run('web', async () => 'next')).resolves.toBe('next');
  });
});
