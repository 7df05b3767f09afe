import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rms } from '../../../lib/telephony/audio/frames.ts';
import { writeWav } from '../../../lib/telephony/audio/wav.ts';
import { asrConfigSchema, createRecognizer, createSynthesizer, ttsConfigSchema } from '../../../adapters/hotline/speech/registry.ts';
import { startOpenAiAudioServer, type OpenAiAudioServer } from '../../fixtures/openai-audio-server.ts';

let server: OpenAiAudioServer;
beforeAll(async () => {
  server = await startOpenAiAudioServer();
});
afterAll(() => server.close());

const tone = (ms: number) => Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));

describe('openai speech engine', () => {
  it('turns text into 8 kHz telephone audio from a wav response', async () => {
    const tts = await createSynthesizer(ttsConfigSchema.parse({ engine: 'openai', baseURL: server.baseURL, apiKey: server.apiKey, voice: 'nova' }));
    const pcm = await tts.synthesize('您好，请问怎么挂失银行卡');
    expect(server.speechRequests.at(-1)).toEqual({ model: 'gpt-4o-mini-tts', voice: 'nova', input: '您好，请问怎么挂失银行卡', response_format: 'wav' });
    const seconds = pcm.length / 8000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(8);
    expect(rms(pcm)).toBeGreaterThan(0.01);
  });

  it('reads raw 24 kHz pcm responses at the right speed', async () => {
    const config = { engine: 'openai', baseURL: server.baseURL, apiKey: server.apiKey };
    const wav = await (await createSynthesizer(ttsConfigSchema.parse({ ...config, response_format: 'wav' }))).synthesize('查询余额');
    const pcm = await (await createSynthesizer(ttsConfigSchema.parse({ ...config, response_format: 'pcm' }))).synthesize('查询余额');
    expect(Math.abs(pcm.length - wav.length)).toBeLessThanOrEqual(8);
  });

  it('uploads the utterance as a 16 kHz WAV file with model and language, and returns the transcript', async () => {
    server.transcript = '银行卡挂失请拨打客服热线。';
    const asr = await createRecognizer(asrConfigSchema.parse({ engine: 'openai', baseURL: server.baseURL, apiKey: server.apiKey, model: 'whisper-1', language: 'zh' }));
    expect(await asr.transcribe(tone(1500))).toBe('银行卡挂失请拨打客服热线。');
    expect(server.uploads.at(-1)).toEqual({ model: 'whisper-1', language: 'zh', filename: 'utterance.wav', contentType: 'audio/wav', sampleRate: 16000, durationMs: 1500 });
  });

  it('accepts plain-text transcripts', async () => {
    server.transcript = '网点查询';
    const asr = await createRecognizer(asrConfigSchema.parse({ engine: 'openai', baseURL: server.baseURL, apiKey: server.apiKey, response_format: 'text' }));
    expect(await asr.transcribe(tone(300))).toBe('网点查询');
  });

  it('surfaces a wrong API key as an authentication error', async () => {
    const asr = await createRecognizer(asrConfigSchema.parse({ engine: 'openai', baseURL: server.baseURL, apiKey: 'sk-wrong', maxRetries: 0 }));
    await expect(asr.transcribe(tone(200))).rejects.toMatchObject({ status: 401 });
  });

  it('surfaces a bad language code the way the service rejects it', async () => {
    const asr = await createRecognizer(asrConfigSchema.parse({ engine: 'openai', baseURL: server.baseURL, apiKey: server.apiKey, language: 'zh-CN', maxRetries: 0 }));
    await expect(asr.transcribe(tone(200))).rejects.toMatchObject({ status: 400, param: 'language', code: 'invalid_language_format' });
  });
});

describe('the OpenAI audio stand-in', () => {
  const client = () => new OpenAI({ apiKey: server.apiKey, baseURL: server.baseURL, maxRetries: 0 });

  it('rejects a transcription without a model or a file', async () => {
    const file = await toFile(writeWav(tone(100), 8000), 'a.wav', { type: 'audio/wav' });
    await expect(client().audio.transcriptions.create({ file } as any)).rejects.toMatchObject({ status: 400, param: 'model', type: 'invalid_request_error' });
    await expect(client().audio.transcriptions.create({ model: 'whisper-1' } as any)).rejects.toMatchObject({ status: 400, param: 'file' });
  });

  it('rejects an unknown speech format and a request without a key', async () => {
    await expect(client().audio.speech.create({ model: 'tts-1', voice: 'alloy', input: '你好', response_format: 'ogg' as any })).rejects.toMatchObject({ status: 400, param: 'response_format' });
    const res = await fetch(`${server.baseURL}/audio/speech`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect((await res.json()).error.type).toBe('invalid_request_error');
  });
});
