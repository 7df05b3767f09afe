import { execFile } from 'node:child_process';
import { resample } from '../../../lib/telephony/audio/resample.ts';
import { readWav } from '../../../lib/telephony/audio/wav.ts';
import type { Synthesizer } from './types.ts';

// Local Mandarin TTS: `espeak-ng -v cmn -s <rate> --stdout` writes a 22050-Hz
// WAV, which is resampled to the telephone rate.

export interface EspeakConfig {
  voice: string;
  rate: number;
  pitch?: number;
  binary: string;
}

export function runBinary(file: string, args: string[], signal?: AbortSignal, input?: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, signal }, (err, stdout, stderr) => {
      if (err) {
        const detail = stderr?.toString().trim();
        reject(new Error(`${file} failed: ${detail || err.message}`, { cause: err }));
      } else resolve(stdout);
    });
    if (input) child.stdin?.end(input);
  });
}

export function createEspeakSynthesizer(config: EspeakConfig): Synthesizer {
  return {
    simulated: false,
    synthesize: async (text, opts = {}) => {
      const args = ['-v', config.voice, '-s', String(config.rate), '--stdout'];
      if (config.pitch !== undefined) args.push('-p', String(config.pitch));
      // `--` keeps a text starting with '-' from being read as an option.
      args.push('--', text);
      const wav = readWav(await runBinary(config.binary, args, opts.signal));
      return resample(wav.samples, wav.sampleRate, 8000);
    },
  };
}
