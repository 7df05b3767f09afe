import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resample } from '../../../lib/telephony/audio/resample.ts';
import { readWav, writeWav } from '../../../lib/telephony/audio/wav.ts';
import { runBinary } from './espeak.ts';
import type { Recognizer, Synthesizer } from './types.ts';

// Any command-line synthesiser or recogniser. The command is an argv array
// (no shell, so a text with quotes or `;` is passed as one argument) whose
// items may contain {text}, {in} and {out}: files live in a temporary folder.
// A synthesiser writes a WAV to {out} (or to stdout without {out}); a
// recogniser reads the WAV {in} and writes its transcript to {out} (or stdout).

export interface CommandConfig {
  command: string[];
  /** Sample rate of the WAV handed to a recogniser as {in}. */
  inputRate: number;
  timeoutMs: number;
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'harness-speech-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function expand(command: string[], values: Record<string, string>): string[] {
  return command.map((arg) => arg.replace(/\{(text|in|out)\}/g, (m, key: string) => values[key] ?? m));
}

function timeoutSignal(config: CommandConfig, signal?: AbortSignal): AbortSignal {
  const t = AbortSignal.timeout(config.timeoutMs);
  return signal ? AbortSignal.any([signal, t]) : t;
}

export function createCommandSynthesizer(config: CommandConfig): Synthesizer {
  return {
    simulated: false,
    synthesize: (text, opts = {}) =>
      withTempDir(async (dir) => {
        const out = join(dir, 'out.wav');
        const usesOut = config.command.some((a) => a.includes('{out}'));
        const [bin, ...args] = expand(config.command, { text, out });
        const stdout = await runBinary(bin, args, timeoutSignal(config, opts.signal));
        const wav = readWav(usesOut ? await readFile(out) : stdout);
        return resample(wav.samples, wav.sampleRate, 8000);
      }),
  };
}

export function createCommandRecognizer(config: CommandConfig): Recognizer {
  return {
    simulated: false,
    transcribe: (pcm, opts = {}) =>
      withTempDir(async (dir) => {
        const input = join(dir, 'in.wav');
        const out = join(dir, 'out.txt');
        await writeFile(input, writeWav(resample(pcm, 8000, config.inputRate), config.inputRate));
        const usesOut = config.command.some((a) => a.includes('{out}'));
        const [bin, ...args] = expand(config.command, { in: input, out });
        const stdout = await runBinary(bin, args, timeoutSignal(config, opts.signal));
        return (usesOut ? await readFile(out, 'utf8') : stdout.toString('utf8')).trim();
      }),
  };
}
