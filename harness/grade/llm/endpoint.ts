import OpenAI from 'openai';

// The one way the harness reaches an OpenAI-compatible endpoint (the judge,
// harness expand): the options given, else OPENAI_BASE_URL, OPENAI_API_KEY
// and OPENAI_MODEL.

export interface EndpointOptions {
  baseURL?: string;
  apiKey?: string;
  model?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface Endpoint {
  client: OpenAI;
  baseURL: string | undefined;
  model: string;
}

/** Whether an endpoint is configured at all (by options or environment). */
export function hasEndpoint(opts: EndpointOptions = {}): boolean {
  return !!(opts.baseURL ?? process.env.OPENAI_BASE_URL ?? opts.apiKey ?? process.env.OPENAI_API_KEY);
}

/** The client, or null when neither a base URL nor an API key is set. */
export function openEndpoint(opts: EndpointOptions = {}): Endpoint | null {
  const env = process.env;
  const baseURL = opts.baseURL ?? (env.OPENAI_BASE_URL || undefined);
  const apiKey = opts.apiKey ?? (env.OPENAI_API_KEY || undefined);
  if (!apiKey && !baseURL) return null;
  const model = opts.model ?? (env.OPENAI_MODEL || 'gpt-4o-mini');
  // A local server (vLLM, Ollama) needs no key, but the client insists on one.
  const client = new OpenAI({ baseURL, apiKey: apiKey ?? 'none', timeout: opts.timeoutMs ?? 60_000, maxRetries: opts.maxRetries ?? 4 });
  return { client, baseURL, model };
}
