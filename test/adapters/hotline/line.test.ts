import { describe, expect, it } from 'vitest';
import { LineClock } from '../../../adapters/hotline/transport/line.ts';

// The WebSocket line's playout: a far end that starts its greeting the moment
// the call connects must be heard whole, even when the caller's ear is put on
// the line a little later.

const frame = (level: number) => new Int16Array(160).fill(level);

/** A running line and a way to wait for its clock to have ticked n more times. */
function line() {
  let ticks = 0;
  let wake: (() => void) | undefined;
  const clock = new LineClock({ send: () => (ticks++, wake?.()), played: () => {} });
  clock.run();
  const ticked = async (n: number) => {
    const until = ticks + n;
    while (ticks < until) await new Promise<void>((r) => (wake = r));
  };
  return { clock, ticked };
}

describe('the line clock', () => {
  it('hands the frames played before anyone listened to the first listener, in order, then plays on', async () => {
    const { clock, ticked } = line();
    for (let n = 1; n <= 5; n++) clock.receive(frame(n * 100));
    // The greeting plays out (a prebuffer of 3 frames, then one a tick) while nobody listens.
    await ticked(12);
    const heard: number[] = [];
    clock.subscribe((f) => heard.push(f[0]));
    clock.receive(frame(600));
    await ticked(8);
    clock.stop();
    expect(heard.filter((v) => v > 0)).toEqual([100, 200, 300, 400, 500, 600]);
  });

  it('gives the earlier frames only to the first listener', async () => {
    const { clock, ticked } = line();
    clock.receive(frame(100));
    await ticked(8);
    const first: number[] = [];
    const second: number[] = [];
    clock.subscribe((f) => first.push(f[0]));
    clock.subscribe((f) => second.push(f[0]));
    clock.stop();
    expect(first).toContain(100);
    expect(second).not.toContain(100);
  });

  it("does not hear this process being held as the far end's pause: the frames unread meanwhile continue the utterance", async () => {
    const { clock, ticked } = line();
    const heard: number[] = [];
    clock.subscribe((f) => heard.push(f[0]));
    for (let i = 0; i < 5; i++) clock.receive(frame(1000));
    await ticked(12); // played out; the buffer has run dry mid-utterance
    // The loop is held 500 ms; the rest of the utterance, unread in the socket meanwhile, is read after the timers that fell due.
    await new Promise<void>((resolve) =>
      setImmediate(() => {
        const until = performance.now() + 500;
        while (performance.now() < until);
        // The next turn of the loop runs the clock's overdue tick first, then this.
        setImmediate(() => {
          for (let i = 0; i < 5; i++) clock.receive(frame(2000));
          resolve();
        });
      }),
    );
    await ticked(12);
    clock.stop();
    const gap = heard.lastIndexOf(1000) >= 0 ? heard.slice(heard.lastIndexOf(1000) + 1, heard.indexOf(2000)) : [];
    expect(heard.filter((v) => v === 2000)).toHaveLength(5);
    // A hold of the buffer (up to 200 ms) at most, not 500 ms of silence that a VAD would take for the end of the utterance.
    expect(gap.length).toBeLessThan(12);
  });
});
