import { deepQuerySource } from './deep-query.ts';

// The script installed in the chat's frame. A MutationObserver (one per open
// shadow root, since mutations inside a shadow tree do not reach an observer
// on the document) records when bot messages change; time is read with
// performance.now() in the page, so latency excludes the harness's own
// round trips. Kept as source text: a function passed through the
// transpiler could pick up helper calls that do not exist in the page.

export interface ObserverSelectors {
  botMessage: string;
  typing?: string;
  buttons?: string;
  handoff?: string;
}

export interface ObservedMessage {
  text: string;
  atMs: number | null;
}

export interface ObservedReply {
  messages: ObservedMessage[];
  buttons: string[];
  firstMs: number | null;
  settledMs: number | null;
  /** A handoff notice appeared (null without a handoff selector). */
  handoff: boolean | null;
  /** What the typing selector showed during the turn. */
  typingSeen: string[];
  ended: 'settled' | 'max-wait';
}

const source = String.raw`(sel, deep) => {
  if (window.__harnessChat) return { installed: false, errors: [] };
  const errors = [];
  for (const [field, selector] of Object.entries(sel)) {
    if (!selector) continue;
    try { deep.parse(selector); } catch (e) { errors.push({ field, message: String(e.message || e) }); delete sel[field]; }
  }
  const st = { armed: false, sendAt: performance.now(), sendSeen: false, lastChange: performance.now(), firstAt: null,
    seen: new WeakSet(), seenButtons: new WeakSet(), seenHandoff: new WeakSet(), baseCount: 0, firstSeen: new WeakMap(), onChange: null,
    oldText: new Map(), typingSeen: [] };
  const roots = new Set();
  const observer = new MutationObserver((records) => onMutations(records));
  const watch = (root) => {
    if (roots.has(root)) return;
    roots.add(root);
    observer.observe(root, { childList: true, subtree: true, characterData: true, attributes: true });
  };
  const scan = (root) => {
    watch(root);
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) scan(el.shadowRoot);
  };
  const live = () => [...roots].filter((r) => r.isConnected !== false);
  // Outermost matches only: a bubble nested in a matched row is the same message.
  const deepAll = (selector) => {
    if (!selector) return [];
    const out = deep.all(selector, live());
    return out.filter((el) => !out.some((o) => o !== el && deep.contains(o, el)));
  };
  const visible = deep.visible;
  const text = (el) => (el.innerText ?? el.textContent ?? '').trim();
  const label = (el) => text(el) || el.value || el.getAttribute('aria-label') || el.getAttribute('placeholder') || el.getAttribute('title') || '<' + own(el) + '>';
  const hits = (node, selector) => !!selector && node.nodeType === 1 && deep.has(node, selector);
  const within = (node, selector) => !!selector && !!deep.closest(node, selector);
  const relevant = (r) => {
    // aria-busy is the ARIA signal for "this region is still being written".
    if (r.type === 'attributes' && r.attributeName === 'aria-busy') return true;
    if (within(r.target, sel.botMessage) || within(r.target, sel.typing) || within(r.target, sel.buttons)) return true;
    for (const n of [...r.addedNodes, ...r.removedNodes]) {
      if (hits(n, sel.botMessage) || hits(n, sel.typing) || hits(n, sel.buttons) || hits(n, sel.handoff)) return true;
    }
    return false;
  };
  // A loading bubble that shares the bot-bubble class is not a message while the typing selector matches it.
  const loading = (el) => !!sel.typing && (deep.matches(el, sel.typing) || deep.all(sel.typing, deep.roots(el)).some(visible));
  const fresh = () => {
    const all = deepAll(sel.botMessage);
    let list = all.filter((el) => !st.seen.has(el));
    if (st.baseCount > 0 && list.length === all.length) list = all.slice(st.baseCount); // the widget re-rendered its list
    return list.filter((el) => !loading(el));
  };
  const onMutations = (records) => {
    if (records.some((r) => r.addedNodes.length > 0)) for (const root of [...roots]) scan(root);
    if (!records.some(relevant)) return;
    const now = performance.now();
    st.lastChange = now;
    for (const el of deepAll(sel.botMessage)) if (!st.firstSeen.has(el) && text(el) && !loading(el)) st.firstSeen.set(el, now);
    if (st.armed && st.firstAt === null && fresh().some((el) => text(el))) st.firstAt = now;
    if (st.armed && sel.typing && !st.typingSeen.length) st.typingSeen = deepAll(sel.typing).filter(visible).slice(0, 3).map(label);
    if (st.onChange) st.onChange();
  };
  const armSend = (e) => {
    if (st.armed && !st.sendSeen && (e.type === 'click' || e.key === 'Enter')) {
      st.sendSeen = true;
      st.sendAt = performance.now();
      st.lastChange = st.sendAt;
    }
  };
  // Visible text nodes of the document and its open shadow roots, in composed order.
  const textNodes = () => {
    const out = [];
    const walk = (root) => {
      const it = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let n = it.nextNode(); n; n = it.nextNode()) {
        if (n.nodeType === 3) { if (n.data.trim() && n.parentElement && !/^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(n.parentElement.tagName)) out.push(n); }
        else if (n.shadowRoot) walk(n.shadowRoot);
      }
    };
    walk(document.body || document.documentElement);
    return out;
  };
  document.addEventListener('click', armSend, true);
  document.addEventListener('keydown', armSend, true);
  scan(document);
  window.__harnessChat = {
    mark() {
      const all = deepAll(sel.botMessage);
      st.seen = new WeakSet(all);
      st.baseCount = all.length;
      st.seenButtons = new WeakSet(deepAll(sel.buttons));
      st.seenHandoff = new WeakSet(deepAll(sel.handoff));
      st.oldText = new Map(textNodes().map((n) => [n, n.data]));
      st.armed = true;
      st.sendSeen = false;
      st.sendAt = performance.now();
      st.lastChange = st.sendAt;
      st.firstAt = null;
      st.typingSeen = [];
    },
    wait(settleMs, maxWaitMs, require) {
      return new Promise((resolve) => {
        let timer = 0;
        const finish = (ended) => {
          clearTimeout(timer);
          st.onChange = null;
          const messages = fresh().map((el) => ({ text: text(el), atMs: st.firstSeen.has(el) ? Math.round(st.firstSeen.get(el) - st.sendAt) : null }))
            .filter((m) => m.text);
          const buttons = deepAll(sel.buttons).filter((b) => !st.seenButtons.has(b) && visible(b)).map(text).filter(Boolean);
          const handoff = sel.handoff ? deepAll(sel.handoff).some((el) => !st.seenHandoff.has(el)) : null;
          resolve({ messages, buttons, ended, handoff, typingSeen: st.typingSeen,
            firstMs: st.firstAt === null ? null : Math.round(st.firstAt - st.sendAt),
            settledMs: messages.length ? Math.round(st.lastChange - st.sendAt) : null });
        };
        const check = () => {
          const now = performance.now();
          const left = st.sendAt + maxWaitMs - now;
          if (left <= 0) return finish('max-wait');
          const quiet = now - st.lastChange;
          const typing = deepAll(sel.typing).some(visible);
          const present = require === 'new' ? fresh() : require === 'any' ? deepAll(sel.botMessage) : [null];
          if (quiet >= settleMs && !typing && present.some((el) => el === null || text(el))) return finish('settled');
          timer = setTimeout(check, Math.min(quiet < settleMs ? settleMs - quiet : settleMs, left));
        };
        st.onChange = () => { clearTimeout(timer); timer = setTimeout(check, Math.max(0, Math.min(settleMs, st.sendAt + maxWaitMs - performance.now()))); };
        check();
      });
    },
    /** What each selector matches now, and the text that appeared since mark(). */
    look(all, clip) {
      const clipText = (t) => (t.length > 200 ? t.slice(0, 200) + '…' : t);
      const matched = {};
      for (const [field, selector] of Object.entries(all)) {
        if (!selector) continue;
        try {
          const els = deep.all(selector);
          matched[field] = { count: els.length, texts: els.slice(-5).map((el) => clipText(label(el))),
            visible: els.filter(visible).length };
        } catch (e) {
          matched[field] = { count: 0, texts: [], visible: 0, error: String(e.message || e) };
        }
      }
      const nodes = textNodes();
      let body = nodes.map((n) => n.data.trim()).join('\n');
      if (body.length > clip) body = '…' + body.slice(body.length - clip);
      const added = nodes.filter((n) => st.oldText.get(n) !== n.data);
      const holders = [];
      for (const n of added) if (!holders.includes(n.parentElement)) holders.push(n.parentElement);
      const named = (els) => els.filter(visible).slice(0, 5).map((el) => ({ text: clipText(label(el)), path: pathOf(el), visible: true }));
      return { matched, body, added: holders.slice(-12).map((el) => ({ text: clipText(text(el)), path: pathOf(el), visible: visible(el) })),
        inputs: named(deep.all('textarea, [contenteditable=""], [contenteditable="true"], [contenteditable="plaintext-only"], input:not([type]), input[type="text"]')),
        sends: named(deep.all('button, [role="button"], input[type="submit"]').filter((el) => /发送|send|提交|submit/i.test(label(el)))),
        iframes: deep.all('iframe').map((el) => ({ text: el.src || '', path: pathOf(el), visible: visible(el) })) };
    },
    /** How many elements each selector matches (suggestions are checked before they are offered). */
    count(list) {
      return list.map((s) => { try { return deep.all(s).length; } catch { return 0; } });
    },
  };
  // How DevTools would name an element: each shadow host on the way, then the element itself.
  const hashy = (c) => /^(css|sc|jsx|emotion|styled)-/.test(c) || /\d{3,}/.test(c) || (/[_-][A-Za-z0-9]{5,}$/.test(c) && /\d/.test(c));
  const own = (el) => {
    const tag = el.tagName.toLowerCase();
    const cls = [...el.classList].filter((c) => !hashy(c)).map((c) => '.' + CSS.escape(c)).join('');
    return cls ? tag + cls : el.id && !hashy(el.id) ? tag + '#' + CSS.escape(el.id) : tag;
  };
  function pathOf(el) {
    const hosts = [];
    for (let r = el.getRootNode(); r && r.nodeType === 11 && r.host; r = r.host.getRootNode()) hosts.unshift(r.host);
    const parent = deep.parentOf(el);
    return { hosts: hosts.map((h) => h.tagName.toLowerCase()), own: own(el), parent: parent && parent.nodeType === 1 && !hosts.includes(parent) ? own(parent) : null };
  }
  return { installed: true, errors };
}`;

export function installExpression(selectors: ObserverSelectors): string {
  return `(${source})(${JSON.stringify(selectors)}, ${deepQuerySource})`;
}

/** An expression that reports what each selector matches and the text that appeared since mark(). */
export function lookExpression(selectors: Record<string, string | undefined>, clip: number): string {
  return `window.__harnessChat.look(${JSON.stringify(selectors)}, ${clip})`;
}

export interface SelectorMatch {
  count: number;
  visible: number;
  /** The last few matches' texts, clipped. */
  texts: string[];
  error?: string;
}

/** An element holding text that appeared since the message was sent, named as DevTools shows it. */
export interface AddedText {
  text: string;
  visible: boolean;
  path: { hosts: string[]; own: string; parent: string | null };
}

export interface ChatLook {
  matched: Record<string, SelectorMatch>;
  /** The visible text of the chat's frame, open shadow roots included, the newest end kept. */
  body: string;
  added: AddedText[];
  /** Text boxes, send buttons and iframes in the frame, for when input, send or frame match nothing. */
  inputs: AddedText[];
  sends: AddedText[];
  iframes: AddedText[];
}

export const countExpression = (selectors: string[]) => `window.__harnessChat.count(${JSON.stringify(selectors)})`;

export interface InstallResult {
  installed: boolean;
  /** Selectors the page could not read, by profile field. */
  errors: { field: string; message: string }[];
}

export const markExpression = 'window.__harnessChat.mark()';

/** Wait for quiet; `require`: a new bot message since mark(), any bot message, or nothing. */
export function waitExpression(settleMs: number, maxWaitMs: number, require: 'new' | 'any' | 'none'): string {
  return `window.__harnessChat.wait(${settleMs}, ${maxWaitMs}, ${JSON.stringify(require)})`;
}
