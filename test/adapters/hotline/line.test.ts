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
});
