// One meaning for a selector, in the page: CSS read the way Playwright's CSS
// engine reads it, so a selector that types and clicks (through a Playwright
// locator) reads replies exactly the same. Compound selectors are matched
// natively; the combinators between them walk the composed tree, where the
// parent of a shadow root's top element is its host: `x-chat .bubble` and
// `x-chat > .log > .bubble` reach into x-chat's open shadow root, as they do
// in Playwright and as DevTools shows the elements. Playwright's `:visible`
// and `:has-text("…")` are understood too; engines (`text=`, `>>`) are not.
//
// Kept as source text and inlined into each in-page script that needs it, so
// a page cannot swap it out through a global.

export const deepQuerySource = String.raw`(() => {
  const cache = new Map();
  const parentOf = (el) => el.parentElement || (el.parentNode && el.parentNode.nodeType === 11 ? el.parentNode.host : null) || null;
  const visible = (el) => el.isConnected && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const norm = (s) => String(s || '').replace(/\s+/g, ' ').trim().toLowerCase();
  const fail = (selector, why) => { throw new Error('"' + selector + '": ' + why); };

  // Split at top level (outside quotes, brackets, parentheses) on the characters in \`at\`.
  function split(s, at) {
    const out = [];
    let depth = 0, quote = '', start = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c === '\\') { i++; continue; }
      if (quote) { if (c === quote) quote = ''; continue; }
      if (c === '"' || c === "'") quote = c;
      else if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (depth === 0 && at.includes(c)) { out.push({ text: s.slice(start, i), sep: c }); start = i + 1; }
    }
    out.push({ text: s.slice(start), sep: '' });
    return out;
  }

  // One compound ("div.bubble:not(.me):has-text('余额')"): native CSS plus Playwright's own pseudo-classes.
  function compound(selector, raw) {
    let css = raw, vis = false;
    const texts = [];
    css = css.replace(/:visible(?![\w-])/g, () => { vis = true; return ''; });
    css = css.replace(/:has-text\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)]*))\s*\)/g, (_, a, b, c) => {
      texts.push(norm(a ?? b ?? c));
      return '';
    });
    css = css.trim() || '*';
    try {
      document.createDocumentFragment().querySelector(css);
    } catch {
      fail(selector, '"' + raw + '" is not valid CSS');
    }
    return { css, vis, texts };
  }

  function parse(selector) {
    if (typeof selector !== 'string' || !selector.trim()) fail(String(selector), 'empty selector');
    if (cache.has(selector)) return cache.get(selector);
    if (/>>/.test(selector) || /^\s*[a-z_-]+=/i.test(selector)) {
      fail(selector, 'Playwright engines (text=, xpath=, >>) can click but cannot read the chat; write it as CSS, e.g. "x-chat .bubble"');
    }
    const list = split(selector, ',').map(({ text }) => {
      // Combinators: whitespace, >, +, ~ at top level.
      const parts = [];
      let comb = null, buf = '', depth = 0, quote = '';
      const flush = () => {
        if (!buf.trim()) return;
        parts.push({ comb, ...compound(selector, buf.trim()) });
        buf = '';
        comb = '';
      };
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '\\') { buf += c + (text[i + 1] ?? ''); i++; continue; }
        if (quote) { buf += c; if (c === quote) quote = ''; continue; }
        if (c === '"' || c === "'") { quote = c; buf += c; continue; }
        if (c === '(' || c === '[') depth++;
        if (c === ')' || c === ']') depth--;
        if (depth === 0 && /[\s>+~]/.test(c)) {
          const had = buf.trim();
          flush();
          if (c !== ' ' && !/\s/.test(c)) {
            if (!had && !parts.length) fail(selector, 'starts with a combinator');
            comb = c;
          }
          continue;
        }
        buf += c;
      }
      flush();
      if (!parts.length) fail(selector, 'an empty part between commas');
      if (comb) fail(selector, 'ends with the combinator "' + comb + '"');
      parts[0].comb = null;
      return parts;
    });
    cache.set(selector, list);
    return list;
  }

  function matchesOne(el, p) {
    if (!el.matches(p.css)) return false;
    if (p.vis && !visible(el)) return false;
    for (const t of p.texts) if (!norm(el.innerText ?? el.textContent).includes(t)) return false;
    return true;
  }

  // Does el (matching parts[i]) satisfy parts[0..i-1] through the combinators?
  function matchesBefore(el, parts, i) {
    if (i === 0) return true;
    const comb = parts[i].comb, prev = parts[i - 1];
    if (comb === '>') {
      const p = parentOf(el);
      return !!p && matchesOne(p, prev) && matchesBefore(p, parts, i - 1);
    }
    if (comb === '+') {
      const p = el.previousElementSibling;
      return !!p && matchesOne(p, prev) && matchesBefore(p, parts, i - 1);
    }
    if (comb === '~') {
      for (let p = el.previousElementSibling; p; p = p.previousElementSibling) if (matchesOne(p, prev) && matchesBefore(p, parts, i - 1)) return true;
      return false;
    }
    for (let p = parentOf(el); p; p = parentOf(p)) if (matchesOne(p, prev) && matchesBefore(p, parts, i - 1)) return true;
    return false;
  }

  const matches = (el, selector) => el && el.nodeType === 1 && parse(selector).some((parts) => matchesOne(el, parts[parts.length - 1]) && matchesBefore(el, parts, parts.length - 1));

  /** The document or element, and every open shadow root under it. */
  function roots(scope) {
    const out = [];
    const walk = (r) => {
      out.push(r);
      if (r.shadowRoot) walk(r.shadowRoot);
      for (const el of r.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(scope || document);
    return out;
  }

  const chain = (n) => { const out = []; for (let e = n; e; e = parentOf(e)) out.unshift(e); return out; };
  /** Composed tree order: a shadow tree comes where its host is, before the host's light children. */
  function order(a, b) {
    if (a === b) return 0;
    const pa = chain(a), pb = chain(b);
    let i = 0;
    while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
    if (i === pa.length) return -1;
    if (i === pb.length) return 1;
    const x = pa[i], y = pb[i], rx = x.getRootNode(), ry = y.getRootNode();
    if (rx === ry) return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    return rx.nodeType === 11 ? -1 : ry.nodeType === 11 ? 1 : 0;
  }

  const contains = (a, b) => { for (let e = parentOf(b); e; e = parentOf(e)) if (e === a) return true; return false; };

  /** Every element matching the selector under these roots (default: the whole document), in composed order. */
  function all(selector, within) {
    const list = parse(selector);
    const found = new Set();
    for (const root of within || roots(document)) {
      if (root.isConnected === false) continue;
      for (const parts of list) {
        const last = parts[parts.length - 1];
        const here = [...root.querySelectorAll(last.css)];
        if (root.nodeType === 1) here.unshift(root);
        for (const el of here) if (matchesOne(el, last) && matchesBefore(el, parts, parts.length - 1)) found.add(el);
      }
    }
    return [...found].sort(order);
  }

  const closest = (node, selector) => {
    for (let e = node && (node.nodeType === 1 ? node : node.parentElement || parentOf(node)); e; e = parentOf(e)) if (matches(e, selector)) return e;
    return null;
  };
  const has = (node, selector) => node.nodeType === 1 && all(selector, roots(node)).length > 0;

  return { parse, all, matches, closest, has, roots, contains, order, parentOf, visible };
})()`;
