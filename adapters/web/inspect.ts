import type { Extraction, ReplyInspection } from '../../harness/types.ts';
import type { WebConfig } from './config.ts';
import type { AddedText, ChatLook, ObservedReply } from './observer.ts';

// What `harness try` and preflight read after a web turn: the chat's text,
// what each selector matched, and — when botMessage matched nothing although
// the chat shows new text — selectors for the elements that hold that text,
// named as DevTools shows them (through each shadow host).

export type SelectorField = 'input' | 'send' | 'botMessage' | 'typing' | 'buttons' | 'handoff';
export const selectorFields: SelectorField[] = ['input', 'send', 'botMessage', 'typing', 'buttons', 'handoff'];

export interface FrameMatch {
  selector: string;
  /** The iframe's src, null when the selector matched no iframe. */
  src: string | null;
}

export interface TurnSeen {
  said: string;
  clicked?: string;
  url: string;
  frames: FrameMatch[];
  observed?: ObservedReply;
  look?: ChatLook;
  screenshot?: string;
  /** Why the turn failed before a reply could be read (input not found…). */
  failure?: string;
}

/** The selector a user would write for an element: each shadow host, then the element. */
export const devtoolsSelector = (p: AddedText['path']): string => [...p.hosts, p.own].join(' ');

/** Candidate selectors for the elements holding the new text (the customer's own message left out), most common first. */
export function candidateSelectors(added: AddedText[], said: string): { selector: string; sample: string; crosses: string[] }[] {
  const s = said.trim();
  const byKey = new Map<string, { selector: string; sample: string; crosses: string[]; n: number }>();
  for (const a of added) {
    const t = a.text.trim();
    if (!t || !a.visible || (s && (t === s || (t.includes(s) && t.length <= s.length + 8)))) continue;
    const selector = devtoolsSelector(a.path);
    const got = byKey.get(selector);
    if (got) got.n++;
    else byKey.set(selector, { selector, sample: t, crosses: a.path.hosts, n: 1 });
  }
  return [...byKey.values()].sort((a, b) => b.n - a.n).map(({ n: _, ...c }) => c);
}

const q = (s: string) => `\`${s}\``;
const short = (t: string) => (t.length > 40 ? `${t.slice(0, 40)}…` : t);

/** Suggestions for selectors that matched nothing; `verified` counts candidate selectors in the page. */
export function suggest(config: WebConfig, seen: TurnSeen, verified: Map<string, number> = new Map()): string[] {
  const out: string[] = [];
  const { selectors } = config;
  const look = seen.look;
  for (const f of seen.frames) {
    if (f.src === null) out.push(`selectors.frame ${q(f.selector)} matched no iframe${look?.iframes.length ? `; iframes here: ${look.iframes.map((i) => q(devtoolsSelector(i.path))).join(', ')}` : ''}`);
  }
  if (!look) return out;
  for (const field of ['input', 'send'] as const) {
    const m = look.matched[field];
    if (!m || m.count > 0) continue;
    const found = field === 'input' ? look.inputs : look.sends;
    out.push(
      `selectors.${field} ${q(selectors[field]!)} matched nothing` +
        (found.length ? `; ${field === 'input' ? 'text boxes' : 'send buttons'} here: ${found.map((e) => q(devtoolsSelector(e.path))).join(', ')}` : ''),
    );
  }
  const bot = look.matched.botMessage;
  if (bot?.error) out.push(`selectors.botMessage ${bot.error}`);
  const got = seen.observed?.messages.length ?? 0;
  if (got === 0 && bot && !bot.error) {
    if (bot.count > 0) {
      out.push(
        `selectors.botMessage ${q(selectors.botMessage)} matches ${bot.count} element(s), but none appeared after the message was sent ` +
          `(the last: "${short(bot.texts.at(-1) ?? '')}"): the bot did not answer within maxWaitMs (${config.maxWaitMs} ms), or the selector matches only older messages`,
      );
    } else {
      const candidates = candidateSelectors(look.added, seen.said).filter((c) => (verified.get(c.selector) ?? 1) > 0);
      if (candidates.length) {
        out.push(
          `selectors.botMessage ${q(selectors.botMessage)} matched nothing, but new text appeared in: ` +
            candidates.slice(0, 4).map((c) => `${q(c.selector)} ("${short(c.sample)}")`).join(', '),
        );
        const host = candidates.find((c) => c.crosses.length)?.crosses;
        if (host) {
          out.push(
            `that text is inside the open shadow root of <${host.at(-1)}>: a selector reaches it through the host, as DevTools shows it (${q(candidates.find((c) => c.crosses.length)!.selector)})`,
          );
        }
      } else if (!selectors.frame?.length && look.iframes.length) {
        out.push(`no new text in the page itself; the chat may be inside an iframe: set selectors.frame to ${look.iframes.map((i) => q(devtoolsSelector(i.path))).join(' or ')}`);
      }
    }
  }
  const typing = look.matched.typing;
  if (seen.observed?.ended === 'max-wait' && typing && typing.visible > 0) {
    out.push(`selectors.typing ${q(selectors.typing!)} still shows after maxWaitMs: a typing selector that matches something always visible holds every reply to the maximum`);
  }
  return out;
}

/** Every selector's extraction for this turn: the reply's messages and buttons, else what the selector matches now. */
export function extractions(config: WebConfig, seen: TurnSeen): Extraction[] {
  const { selectors } = config;
  const out: Extraction[] = seen.frames.map((f, i) => ({ field: `selectors.frame[${i}]`, rule: f.selector, values: f.src === null ? [] : [f.src] }));
  for (const field of selectorFields) {
    const rule = selectors[field];
    if (!rule) continue;
    const now = seen.look?.matched[field]?.texts ?? [];
    const o = seen.observed;
    const values =
      field === 'botMessage' && o ? o.messages.map((m) => m.text)
      : field === 'buttons' && o ? o.buttons
      : field === 'typing' && o ? o.typingSeen
      : field === 'handoff' && o ? (o.handoff ? now : [])
      : now;
    out.push({ field: `selectors.${field}`, rule, values });
  }
  return out;
}

export function inspection(config: WebConfig, seen: TurnSeen, verified?: Map<string, number>): ReplyInspection {
  return {
    request: { url: seen.url, body: seen.clicked ? `[button] ${seen.clicked}` : seen.said },
    response: { body: seen.look?.body ?? seen.failure ?? '' },
    extracted: extractions(config, seen),
    ...(seen.screenshot ? { files: { screenshot: seen.screenshot } } : {}),
    suggestions: [...(seen.failure ? [seen.failure] : []), ...suggest(config, seen, verified)],
  };
}
