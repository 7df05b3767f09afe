import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { resample } from '../../../../lib/telephony/audio/resample.ts';
import { readWav } from '../../../../lib/telephony/audio/wav.ts';
import type { TtsEngineDefinition } from '../types.ts';

// Recorded speech: every utterance is a WAV file a person recorded, named
// after its text (`<dir>/我的信用卡丢了怎么办.wav`; "/" and "\" in a text become
// "_"). Real voices on a hotline without a TTS service; a text with no
// recording fails the turn and names the file to record.

const schema = z.strictObject({
  engine: z.literal('file'),
  /** Folder of the recordings, relative to the working directory. */
  dir: z.string().min(1),
});

/** The file name of the recording of `text`. */
export function recordingName(text: string): string {
  return `${text.trim().replace(/[/\\\u0000-\u001f]/g, '_')}.wav`;
}

export const fileTts: TtsEngineDefinition<'file', typeof schema> = {
  kind: 'file',
  schema,
  create: async ({ dir }) => ({
    simulated: false,
    synthesize: async (text, opts = {}) => {
      const file = join(dir, recordingName(text));
      const bytes = await readFile(file, { signal: opts.signal }).catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' ? new Error(`no recording of "${text}": record it as ${file}`, { cause: err }) : err;
      });
      const wav = readWav(bytes);
      return resample(wav.samples, wav.sampleRate, 8000);
    },
  }),
};
