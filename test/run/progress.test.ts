import { describe, expect, it } from 'vitest';
import { createProgress } from '../../harness/run/progress.ts';
import type { ConversationRecord } from '../../harness/types.ts';

function fakeStream(tty: boolean) {
  let text = '';
  const stream = { isTTY: tty, columns: 120, write: (s: string) => ((text += s), true), cursorTo: () => true, clearLine: () => true, moveCursor: () => true, on: () => stream, removeListener: () => stream } as any;
  return { stream, text: () => text };
}
const rec = (error = false) => ({ id: 'x', ...(error ? { error: { kind: 'timeout', message: 'm' } } : {}) }) as unknown as ConversationRecord;

describe('progress', () => {
  it('draws a live bar with ETA and pass/fail/error counts on a TTY', () => {
    const f = fakeStream(true);
    const p = createProgress('auto', 3, 0, f.stream);
    p.done(rec(), true);
    p.done(rec(), false);
    p.done(rec(true), false);
    p.stop();
    expect(f.text()).toMatch(/3\/3 conversations \| 100% \| ETA \d+s \| ✓ 1 ✗ 1 ! 1/);
  });

  it('prints plain lines off a TTY, counting a resumed run from where it was', () => {
    const f = fakeStream(false);
    const p = createProgress('auto', 10, 7, f.stream);
    p.done(rec(), true);
    p.stop();
    expect(f.text()).toMatch(/^progress 8\/10 \(80%\) pass 1 fail 0 errors 0 · [\d.]+\/s · ETA \d+s\n$/);
    expect(f.text()).not.toContain('\x1b[');
  });
});
