import OpenAI, { toFile } from 'openai';
import { resample } from '../../../lib/telephony/audio/resample.ts';
import { pcm16leToSamples, readWav, writeWav } from '../../../lib/telephony/audio/wav.ts';
import type { Recognizer, Synthesizer } from './types.ts';

// Any OpenAI-compatible audio endpoint (OpenAI, Azure, self-hosted
// whisper/TTS servers) through the official client and its baseURL.

export interface OpenAiSpeechConfig {
  baseURL?: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

export interface OpenAiTtsConfig extends OpenAiSpeechConfig {
  voice: string;
  response_format: 'wav' | 'pcm';
  /** Sample rate of `pcm` responses (OpenAI sends 24 kHz). */
  pcmRate: number;
  speed?: number;
  instructions?: string;
}

export interface OpenAiAsrConfig extends OpenAiSpeechConfig {
  language?: string;
  response_format: 'json' | 'text';
  prompt?: string;
  /** Upload at this rate (8 kHz telephone audio is upsampled for models trained on 16 kHz). */
  uploadRate: number;
}

function client(config: OpenAiSpeechConfig): OpenAI {
  return new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, timeout: config.timeoutMs, maxRetries: config.maxRetries });
}

export function createOpenAiSynthesizer(config: OpenAiTtsConfig): Synthesizer {
  const api = client(config);
  return {
    simulated: false,
    synthesize: async (text, opts = {}) => {
      const response = await api.audio.speech.create(
        {
          model: config.model,
          voice: config.voice,
          input: text,
          response_format: config.response_format,
          ...(config.speed !== undefined ? { speed: config.speed } : {}),
          ...(config.instructions ? { instructions: config.instructions } : {}),
        },
        { signal: opts.signal },
      );
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (config.response_format === 'pcm') return resample(pcm16leToSamples(bytes), config.pcmRate, 8000);
      const wav = readWav(bytes);
      return resample(wav.samples, wav.sampleRate, 8000);
    },
  };
}

export function createOpenAiRecognizer(config: OpenAiAsrConfig): Recognizer {
  const api = client(config);
  return {
    simulated: false,
    transcribe: async (pcm, opts = {}) => {
      const wav = writeWav(resample(pcm, 8000, config.uploadRate), config.uploadRate);
      const file = await toFile(wav, 'utterance.wav', { type: 'audio/wav' });
      const body = {
        file,
        model: config.model,
        ...(config.language ? { language: config.language } : {}),
        ...(config.prompt ? { prompt: config.prompt } : {}),
      };
      if (config.response_format === 'text') {
        const text = await api.audio.transcriptions.create({ ...body, response_format: 'text' }, { signal: opts.signal });
        return String(text).trim();
      }
      const result = await api.audio.transcriptions.create({ ...body, response_format: 'json' }, { signal: opts.signal });
      return result.text.trim();
    },
  };
}
