import { z } from 'zod';

// A bank's web chat driven in a real browser. A selector is CSS as Playwright
// reads it: a descendant or child combinator steps from a shadow host into its
// open shadow root, so `x-chat .bubble` written as DevTools shows it works for
// typing and reading alike. Iframes are entered with `selectors.frame`.

export const openStepSchema = z.union([
  z.strictObject({ click: z.string().describe('Click this element (launcher button, privacy 同意)') }),
  z.strictObject({ fill: z.string(), value: z.string() }).describe('Type a value into a field (a pre-chat form)'),
  z.strictObject({ press: z.string().describe('A key, e.g. Enter or Escape'), on: z.string().optional() }),
  z.strictObject({ waitFor: z.string().describe('Wait until this element is visible') }),
  z
    .strictObject({ frame: z.string().describe('Continue inside this iframe; "top" goes back to the page') })
    .describe('Enter an iframe for the following steps'),
]);
export type OpenStep = z.output<typeof openStepSchema>;

export const webSelectorsSchema = z.strictObject({
  frame: z
    .union([z.string().min(1), z.array(z.string().min(1))])
    .transform((f) => (typeof f === 'string' ? [f] : f))
    .optional()
    .describe("The iframe holding the chat ('#chat-frame'), or the chain of iframes to it, outermost first (['#outer', '#chat-frame'])"),
  input: z.string().describe('The message box (textarea, input or contenteditable)'),
  send: z.string().optional().describe('The send button; without it the harness presses Enter'),
  botMessage: z.string().describe("One of the bot's message bubbles (not the customer's)"),
  typing: z.string().optional().describe('The "对方正在输入" indicator, while it is visible the reply is not done'),
  buttons: z.string().optional().describe('Quick-reply buttons offered with a reply'),
  handoff: z.string().optional().describe('A notice that appears when the chat is handed to a human agent (人工客服已接入)'),
});

export const webConfigShape = {
  url: z.string().min(1).describe('The page that hosts the chat; may use ${env:…} and ${embedded:…}'),
  selectors: webSelectorsSchema,
  open: z.array(openStepSchema).default([]).describe('Steps from page load to a chat ready for input'),
  settleMs: z.number().int().min(50).default(800).describe('A reply is done when the chat has been quiet this long'),
  prewarm: z
    .boolean()
    .default(false)
    .describe("Open the next conversation's chat (page, open steps, welcome) while this one talks: faster, but one extra chat session at the bank"),
  isolation: z
    .enum(['context', 'page', 'tab'])
    .default('context')
    .describe(
      'context: a fresh browser context per conversation (nothing shared). page: contexts are reused, one conversation at a time each, with a new page and cookies, permissions and every origin\'s storage cleared between conversations — less CPU per conversation; the browser\'s HTTP cache is kept. tab: as page, but the page itself is kept at about:blank with its session storage cleared, so its renderer process serves the next conversation — less CPU still',
    ),
  maxWaitMs: z.number().int().positive().default(20_000).describe('Give up waiting for a reply after this long'),
  loadTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(30_000)
    .describe('Give up loading the chat page after this long (a bank page on a busy machine can take longer than a reply wait)'),
  screenshots: z.boolean().optional().describe('A screenshot after every turn (default: the run option)'),
  viewport: z.strictObject({ width: z.number().int().positive(), height: z.number().int().positive() }).optional(),
  userAgent: z.string().optional(),
  locale: z.string().optional().describe('Browser locale, e.g. zh-CN'),
};

export const webConfigSchema = z.strictObject(webConfigShape);
export type WebConfig = z.output<typeof webConfigSchema>;
