import { langOf, messagesFor } from '../messages.ts';
import OpenAI from 'openai';
import { openEndpoint } from './endpoint.ts';
import pLimit from 'p-limit';
import type { TurnGrade } from '../../types.ts';
import type { GradeContext, Grader, TurnGradeInput } from '../types.ts';
import { normalise } from '../normalise.ts';
import { cacheKey, VerdictCache } from './cache.ts';
import { judgeTask, promptVersion, systemPrompt, userPrompt } from './prompt.ts';
import { scoreVerdict, verdictJsonSchema, verdictSchema, type Verdict } from './verdict.ts';

// The LLM judge: any OpenAI-compatible chat-completions endpoint (OpenAI,
// Azure, DeepSeek, Qwen compatible mode, vLLM, Ollama), temperature 0, a
// strict JSON-schema verdict, cached on disk by hash.

export interface LlmGraderOptions {
  baseURL?: string;
  apiKey?: string;
  model?: string;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Verdict cache folder (default .cache/llm-judge/); null disables it. */
  cacheDir?: string | null;
  timeoutMs?: number;
  /** Retries on 429/5xx/timeouts; the client honours Retry-After (default 4). */
  maxRetries?: number;
  /**
   * json_schema (default) asks for a strict schema; json_object is for servers
   * without structured outputs (the schema then goes in the prompt). A server
   * that rejects json_schema is switched to json_object automatically.
   */
  jsonMode?: 'json_schema' | 'json_object';
}

export class LlmJudgeError extends Error {
  constructor(readonly code: 'LLM_CONFIG' | 'LLM_REQUEST' | 'LLM_VERDICT', message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'LlmJudgeError';
  }
}

export interface LlmGrader extends Grader {
  readonly model: string;
  /** Requests actually sent (cache hits excluded). */
  readonly stats: { requests: number; cacheHits: number };
}

export function createLlmGrader(opts: LlmGraderOptions = {}): LlmGrader {
  const env = process.env;
  const endpoint = openEndpoint(opts);
  if (!endpoint) {
    throw new LlmJudgeError(
      'LLM_CONFIG',
      'The LLM judge needs an endpoint: set OPENAI_API_KEY (and OPENAI_MODEL) for OpenAI, or OPENAI_BASE_URL (plus OPENAI_API_KEY if it needs one) for any OpenAI-compatible server such as DeepSeek, Qwen, vLLM or Ollama.',
    );
  }
  const { client, baseURL, model } = endpoint;
  const limit = pLimit(opts.concurrency ?? 4);
  const cache = new VerdictCache(opts.cacheDir === undefined ? '.cache/llm-judge' : opts.cacheDir);
  const stats = { requests: 0, cacheHits: 0 };
  let jsonMode = opts.jsonMode ?? (env.OPENAI_JSON_MODE === 'json_object' ? 'json_object' : 'json_schema');

  async function complete(user: string, schema: Record<string, unknown>): Promise<string | null | undefined> {
    const system = jsonMode === 'json_schema' ? systemPrompt : `${systemPrompt}\n\n只输出一个 JSON 对象，符合以下 JSON Schema：\n${JSON.stringify(schema)}`;
    const completion = await client.chat.completions.create({
      model,
      temperature: 0,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
      response_format: jsonMode === 'json_schema' ? { type: 'json_schema', json_schema: { name: 'turn_verdict', strict: true, schema } } : { type: 'json_object' },
    });
    return completion.choices[0]?.message?.content;
  }

  async function completeOrDowngrade(user: string, schema: Record<string, unknown>): Promise<string | null | undefined> {
    try {
      return await complete(user, schema);
    } catch (err) {
      const unsupported = jsonMode === 'json_schema' && err instanceof OpenAI.APIError && err.status === 400 && /response_format|json_schema/i.test(err.message);
      if (!unsupported) throw err;
      jsonMode = 'json_object';
      return complete(user, schema);
    }
  }

  async function ask(input: TurnGradeInput, ctx: GradeContext): Promise<Verdict> {
    const task = judgeTask(input, ctx.packs);
    const canned = input.exchanges.map((e) => ctx.cannedReplies.size > 0 && ctx.cannedReplies.has(normalise(e.reply.text, ctx.locale)));
    const user = userPrompt(task, input, canned);
    const schema = verdictJsonSchema(task.keypoints.map((k) => k.id), ctx.packs.map((p) => p.id));
    const key = cacheKey({ model, promptVersion, systemPrompt, user, schema });
    const cached = verdictSchema.safeParse(await cache.get(key));
    if (cached.success) {
      stats.cacheHits++;
      return cached.data;
    }
    stats.requests++;
    let content: string | null | undefined;
    try {
      content = await completeOrDowngrade(user, schema);
    } catch (err) {
      const status = err instanceof OpenAI.APIError ? ` (HTTP ${err.status ?? '—'})` : '';
      throw new LlmJudgeError('LLM_REQUEST', `LLM judge request to ${baseURL ?? 'api.openai.com'} failed${status}: ${(err as Error).message}`, { cause: err });
    }
    let verdict: Verdict;
    try {
      // Some servers fence JSON in json_object mode.
      verdict = verdictSchema.parse(JSON.parse((content ?? '').trim().replace(/^```(?:json)?\s*|\s*```$/g, '')));
    } catch (err) {
      throw new LlmJudgeError('LLM_VERDICT', `LLM judge (${model}) returned no valid verdict: ${String(content).slice(0, 200)}`, { cause: err });
    }
    await cache.set(key, verdict);
    return verdict;
  }

  return {
    id: 'llm',
    model,
    stats,
    async gradeTurn(input: TurnGradeInput, ctx: GradeContext): Promise<TurnGrade> {
      const expect = input.case.turns[input.turnIndex].expect;
      if (input.exchanges.every((e) => !e.reply.text.trim() && !e.reply.handoff)) {
        // Nothing to judge: no request for an empty reply.
        return {
          index: input.turnIndex, recognition: 0, completeness: 0, level: 'silence', forbidHits: [], grader: 'llm',
          hits: expect.keypoints.map((k) => ({ id: k.id, weight: k.weight, hit: false })),
          reasons: [messagesFor(ctx).recognition0(messagesFor(ctx).silence), messagesFor(ctx).notRecognised],
        };
      }
      const verdict = await limit(() => ask(input, ctx));
      return scoreVerdict(verdict, { expect, pack: input.pack.id, index: input.turnIndex, exchanges: input.exchanges, lang: ctx.lang ?? langOf(ctx.locale) });
    },
    async close() {
      limit.clearQueue();
    },
  };
}

let shared: LlmGrader | undefined;

/** The default judge, configured from OPENAI_* variables on first use (importing never throws). */
export const llmGrader: Grader = {
  id: 'llm',
  async gradeTurn(input, ctx) {
    shared ??= createLlmGrader();
    return shared.gradeTurn(input, ctx);
  },
  async close() {
    await shared?.close?.();
    shared = undefined;
  },
};
