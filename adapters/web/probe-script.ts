// In-page helpers of `harness probe`: look through the document and its open
// shadow roots for the usual chat-widget parts and name them with CSS
// selectors that Playwright can use (its CSS engine pierces open shadow
// roots, so a selector is valid when it matches inside any root).

export const probeHelpers = String.raw`(() => {
  if (window.__probe) return true;
  const roots = () => {
    const out = [document];
    const walk = (r) => { for (const el of r.querySelectorAll('*')) if (el.shadowRoot) { out.push(el.shadowRoot); walk(el.shadowRoot); } };
    walk(document);
    return out;
  };
  const all = (sel) => { const out = []; for (const r of roots()) { try { out.push(...r.querySelectorAll(sel)); } catch { return []; } } return out; };
  const visible = (el) => el.isConnected && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const text = (el) => (el.innerText || el.textContent || '').trim();
  const label = (el) => [text(el), el.getAttribute('aria-label'), el.getAttribute('title'), el.getAttribute('placeholder'), el.value].filter(Boolean).join(' ');
  // Generated class names (CSS modules, styled-components, emotion) change with every release.
  const hashy = (c) => /^(css|sc|jsx|emotion|styled)-/.test(c) || /\d{3,}/.test(c) || (/[_-][A-Za-z0-9]{5,}$/.test(c) && /\d/.test(c));
  const esc = (s) => CSS.escape(s);
  const count = (sel) => all(sel).length;
  function selectorFor(el, unique = true) {
    const tag = el.tagName.toLowerCase();
    const tries = [];
    if (el.id && !hashy(el.id)) tries.push('#' + esc(el.id));
    const cls = [...el.classList].filter((c) => !hashy(c));
    if (cls.length) tries.push(tag + '.' + cls.map(esc).join('.'));
    for (const a of ['aria-label', 'placeholder', 'name', 'title', 'data-testid']) {
      const v = el.getAttribute(a);
      if (v) tries.push(tag + '[' + a + '="' + v.replace(/"/g, '\\"') + '"]');
    }
    if (cls.length) tries.push('.' + cls.map(esc).join('.'));
    tries.push(tag);
    for (const t of tries) if (!unique || count(t) === 1) return t;
    return tries[0];
  }
  const find = (sel, re) => all(sel).filter((el) => visible(el) && re.test(label(el)));
  window.__probe = {
    inputs() {
      const c = all('textarea, [contenteditable="true"], [contenteditable=""], input:not([type]), input[type="text"], input[type="search"]')
        .filter((el) => !el.disabled && !el.readOnly);
      const score = (el) => (visible(el) ? 10 : 0) + (el.tagName === 'TEXTAREA' ? 3 : 0) + (/问题|消息|输入|message|ask|咨询|说点什么/i.test(label(el)) ? 5 : 0)
        - (/搜索|search|用户名|密码|账号|验证码/i.test(label(el) + (el.name || '')) ? 20 : 0);
      return c.map((el) => ({ selector: selectorFor(el), visible: visible(el), score: score(el) })).sort((a, b) => b.score - a.score);
    },
    launchers() {
      return find('button, a, [role="button"], div[class*="chat" i], div[class*="service" i], div[id*="chat" i], img[alt]', /客服|咨询|在线|聊天|chat|help|support|智能/i)
        .filter((el) => !/^(a)$/i.test(el.tagName) || !el.getAttribute('href') || el.getAttribute('href').startsWith('#') || el.getAttribute('href').startsWith('javascript'))
        .map((el) => ({ selector: selectorFor(el), text: label(el).slice(0, 40) }));
    },
    consent() {
      return find('button, a, [role="button"]', /^(同意|我同意|同意并继续|接受|我知道了|开始咨询|确定|agree|accept|ok|continue)/i)
        .map((el) => ({ selector: selectorFor(el), text: label(el).slice(0, 40) }));
    },
    send() {
      return find('button, [role="button"], input[type="submit"], a', /^(发送|send|提交|submit)/i).map((el) => ({ selector: selectorFor(el), text: label(el).slice(0, 20) }));
    },
    iframeSelector(el) { return selectorFor(el); },
    record() {
      const added = [];
      const t0 = performance.now();
      const obs = new MutationObserver((recs) => {
        for (const r of recs) for (const n of r.addedNodes) if (n.nodeType === 1) added.push({ el: n, at: performance.now() - t0 });
        for (const r of recs) if (r.target.nodeType === 1 && r.type === 'attributes') added.push({ el: r.target, at: performance.now() - t0, attr: true });
      });
      const watch = () => { for (const r of roots()) obs.observe(r, { childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style', 'hidden'] }); };
      watch();
      window.__probeRec = { added, obs, t0 };
      return true;
    },
    analyse(said) {
      const rec = window.__probeRec;
      rec.obs.disconnect();
      const els = [...new Set(rec.added.map((a) => a.el))].filter((el) => el.isConnected);
      const typing = rec.added.filter((a) => /输入|typing|思考|稍候|\.\.\.|…/i.test(text(a.el)) && text(a.el).length < 20)
        .map((a) => a.el).find((el) => !visible(el));
      const texty = els.filter((el) => visible(el) && text(el) && !el.matches('button, [role="button"]'));
      const user = texty.find((el) => text(el) === said);
      const userRow = user ? texty.filter((el) => el.contains(user) && text(el) === said).pop() : null;
      const rows = texty.filter((el) => el !== userRow && !(userRow && userRow.contains(el)) && !(userRow && el.contains(userRow)) && !texty.some((o) => o !== el && o.contains(el) && o !== userRow && !(userRow && o.contains(userRow))));
      const classesOf = (el) => [...el.classList].filter((c) => !hashy(c));
      let bot = null;
      if (rows.length) {
        const common = rows.map(classesOf).reduce((a, b) => a.filter((c) => b.includes(c)));
        const userCls = userRow ? classesOf(userRow) : [];
        const distinct = common.filter((c) => !userCls.includes(c));
        if (common.length && (distinct.length || !userRow || userCls.length === 0)) bot = '.' + common.map(esc).join('.');
        else if (distinct.length === 0 && rows[0].parentElement) {
          const p = rows[0].parentElement;
          const pc = classesOf(p).filter((c) => !(userRow && userRow.parentElement && classesOf(userRow.parentElement).includes(c)));
          if (pc.length) bot = '.' + pc.map(esc).join('.') + ' > ' + rows[0].tagName.toLowerCase();
        }
      }
      const buttons = els.filter((el) => visible(el) && el.matches('button, [role="button"]') && text(el) && !/发送|send/i.test(text(el)));
      const buttonCls = buttons.length ? buttons.map(classesOf).reduce((a, b) => a.filter((c) => b.includes(c))) : [];
      return {
        botMessage: bot,
        botTexts: rows.map(text).slice(0, 5),
        userEcho: userRow ? selectorFor(userRow, false) : null,
        typing: typing ? selectorFor(typing, false) : null,
        buttons: buttonCls.length ? '.' + buttonCls.map(esc).join('.') : null,
        buttonTexts: buttons.map(text).slice(0, 6),
      };
    },
  };
  return true;
})()`;
