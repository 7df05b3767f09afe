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
  ended: 'settled' | 'max-wait';
}

const source = String.raw`(sel) => {
  if (window.__harnessChat) return false;
  const st = { armed: false, sendAt: performance.now(), sendSeen: false, lastChange: performance.now(), firstAt: null,
    seen: new WeakSet(), seenButtons: new WeakSet(), seenHandoff: new WeakSet(), baseCount: 0, firstSeen: new WeakMap(), onChange: null };
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
  const deepAll = (selector) => {
    if (!selector) return [];
    const out = [];
    for (const root of roots) if (root.isConnected !== false) out.push(...root.querySelectorAll(selector));
    return out.filter((el, i) => !out.some((o, j) => j !== i && o !== el && o.contains(el)));
  };
  const visible = (el) => el.isConnected && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const text = (el) => (el.innerText ?? el.textContent ?? '').trim();
  const hits = (node, selector) => !!selector && node.nodeType === 1 && (node.matches(selector) || !!node.querySelector(selector));
  const within = (node, selector) => {
    if (!selector) return false;
    const el = node.nodeType === 1 ? node : node.parentElement;
    return !!el && !!el.closest(selector);
  };
  const relevant = (r) => {
    // aria-busy is the ARIA signal for "this region is still being written".
    if (r.type === 'attributes' && r.attributeName === 'aria-busy') return true;
    if (within(r.target, sel.botMessage) || within(r.target, sel.typing) || within(r.target, sel.buttons)) return true;
    for (const n of [...r.addedNodes, ...r.removedNodes]) {
      if (hits(n, sel.botMessage) || hits(n, sel.typing) || hits(n, sel.buttons) || hits(n, sel.handoff)) return true;
    }
    return false;
  };
  const fresh = () => {
    const all = deepAll(sel.botMessage);
    let list = all.filter((el) => !st.seen.has(el));
    if (st.baseCount > 0 && list.length === all.length) list = all.slice(st.baseCount); // the widget re-rendered its list
    return list;
  };
  const onMutations = (records) => {
    if (records.some((r) => r.addedNodes.length > 0)) for (const root of [...roots]) scan(root);
    if (!records.some(relevant)) return;
    const now = performance.now();
    st.lastChange = now;
    for (const el of deepAll(sel.botMessage)) if (!st.firstSeen.has(el) && text(el)) st.firstSeen.set(el, now);
    if (st.armed && st.firstAt === null && fresh().some((el) => text(el))) st.firstAt = now;
    if (st.onChange) st.onChange();
  };
  const armSend = (e) => {
    if (st.armed && !st.sendSeen && (e.type === 'click' || e.key === 'Enter')) {
      st.sendSeen = true;
      st.sendAt = performance.now();
      st.lastChange = st.sendAt;
    }
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
      st.armed = true;
      st.sendSeen = false;
      st.sendAt = performance.now();
      st.lastChange = st.sendAt;
      st.firstAt = null;
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
          resolve({ messages, buttons, ended, handoff,
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
  };
  return true;
}`;

/** An expression that installs the observer with these selectors (idempotent). */
export function installExpression(selectors: ObserverSelectors): string {
  return `(${source})(${JSON.stringify(selectors)})`;
}

export const markExpression = 'window.__harnessChat.mark()';

/** Wait for quiet; `require`: a new bot message since mark(), any bot message, or nothing. */
export function waitExpression(settleMs: number, maxWaitMs: number, require: 'new' | 'any' | 'none'): string {
  return `window.__harnessChat.wait(${settleMs}, ${maxWaitMs}, ${JSON.stringify(require)})`;
}
