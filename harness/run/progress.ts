import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { ConversationRecord } from '../types.ts';

// cli-progress loads for a bar only: a run in CI or with --progress none goes without it.
const require = createRequire(import.meta.url);

// A live bar with ETA and pass/fail counts on a TTY; a line every few seconds
// otherwise (CI logs), so a long run never looks hung.

export interface Progress {
  done(record: ConversationRecord, passed: boolean | undefined): void;
  log(message: string): void;
  /** n conversations will not run after all (their channel was stopped): take them off the total. */
  skip(n: number): void;
  stop(): void;
}

export function createProgress(mode: 'auto' | 'bar' | 'lines' | 'none', total: number, already: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const useBar = mode === 'bar' || (mode === 'auto' && stream.isTTY === true);
  let pass = 0;
  let fail = 0;
  let errors = 0;
  let count = already;
  const count1 = (record: ConversationRecord, passed: boolean | undefined) => {
    count++;
    if (record.error) errors++;
    else if (passed) pass++;
    else fail++;
  };
  if (mode === 'none') {
    return { done: count1, log: () => {}, skip: () => {}, stop: () => {} };
  }
  if (useBar) {
    const cliProgress = require('cli-progress') as typeof CliProgress;
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: ' {bar} {value}/{total} conversations | {percentage}% | ETA {eta_formatted} | ✓ {pass} ✗ {fail} ! {errors}',
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, already, { pass, fail, errors });
    return {
      done(record, passed) {
        count1(record, passed);
        bar.update(count, { pass, fail, errors });
      },
      log(message) {
        stream.write(`\r\x1b[K${message}\n`);
      },
      skip(n) {
        total = Math.max(count, total - n);
        bar.setTotal(total);
      },
      stop() {
        bar.stop();
      },
    };
  }
  const started = Date.now();
  const line = () => {
    const rate = (count - already) / Math.max(0.001, (Date.now() - started) / 1000);
    const eta = rate > 0 ? Math.round((total - count) / rate) : null;
    stream.write(`progress ${count}/${total} (${Math.round((count / Math.max(1, total)) * 100)}%) pass ${pass} fail ${fail} errors ${errors} · ${rate.toFixed(1)}/s · ETA ${eta === null ? '?' : `${eta}s`}\n`);
  };
  const timer = setInterval(line, 5000);
  timer.unref();
  return {
    done: count1,
    log: (message) => stream.write(message + '\n'),
    skip(n) {
      total = Math.max(count, total - n);
    },
    stop() {
      clearInterval(timer);
      if (count > already) line();
    },
  };
}
