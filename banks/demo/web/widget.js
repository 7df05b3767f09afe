// The demo bank's chat widget (runs in the browser). Its UI lives in an open
// shadow root, as many vendors' widgets do; replies arrive as a stream of
// NDJSON events from POST /chat and are typed into bubbles piece by piece.
(function () {
  const host = document.getElementById('chat-root');
  const mobile = host.dataset.mobile === '1';
  const root = host.attachShadow({ mode: 'open' });
  const session = (crypto.randomUUID && crypto.randomUUID()) || String(Math.random()).slice(2);
  root.innerHTML = `
    <style>
      :host { display: block; font: 14px/1.5 "WenQuanYi Micro Hei", sans-serif; height: 100%; }
      [hidden] { display: none !important; }
      .chat { display: flex; flex-direction: column; height: 100%; box-sizing: border-box; background: #f5f6f8; }
      header { background: #b3122e; color: #fff; padding: 10px 12px; font-weight: bold; }
      header small { font-weight: normal; opacity: .8; margin-left: 8px; }
      .messages { flex: 1; overflow-y: auto; padding: 10px; }
      .msg { margin: 6px 0; display: flex; }
      .msg.user { justify-content: flex-end; }
      .msg .bubble { max-width: 78%; padding: 8px 10px; border-radius: 8px; white-space: pre-wrap; }
      .msg.bot .bubble { background: #fff; }
      .msg.user .bubble { background: #95ec69; }
.system { text-align: center; color: #999; font-size: 12px; margin: 6px 0; }
      .typing { color: #888; padding: 0 12px 6px; }
      .quick { padding: 0 10px 6px; }
      .quick-reply { margin: 2px 4px 2px 0; border: 1px solid #b3122e; color: #b3122e; background: #fff; border-radius: 14px; padding: 3px 10px; }
      .composer { display: flex; gap: 6px; padding: 8px; background: #fff; border-top: 1px solid #ddd; }
      .composer textarea { flex: 1; resize: none; height: 36px; }
      .notice { position: absolute; inset: 0; background: rgba(0,0,0,.45); display: flex; align-items: center; justify-content: center; }
      .notice div { background: #fff; padding: 16px; margin: 16px; border-radius: 8px; max-width: 320px; }
    </style>
    <div class="chat${mobile ? ' mobile' : ''}">
      <header>示例银行在线客服<small class="net"></small></header>
      <div class="messages" role="log" aria-live="polite"></div>
      <div class="typing" hidden>客服正在输入…</div>
      <div class="quick"></div>
      <div class="composer" hidden>
        <textarea class="input" placeholder="请输入您的问题" aria-label="输入消息"></textarea>
        <button class="send" type="button">发送</button>
      </div>
      <div class="notice"><div>
        <p>为向您提供服务，我们将记录本次会话内容。请阅读并同意《隐私政策》后开始咨询。</p>
        <button class="accept" type="button">同意并继续</button>
      </div></div>
    </div>`;
  const $ = (s) => root.querySelector(s);
  const list = $('.messages');
  const typing = $('.typing');
  const quick = $('.quick');
  const input = $('.input');

  const bubble = (who, text) => {
    const row = document.createElement('div');
    row.className = 'msg ' + who;
    const b = document.createElement('div');
    b.className = 'bubble';
    b.textContent = text || '';
    row.appendChild(b);
    list.appendChild(row);
    list.scrollTop = list.scrollHeight;
    return b;
  };
  const showButtons = (buttons) => {
    quick.textContent = '';
    for (const label of buttons || []) {
      const btn = document.createElement('button');
      btn.className = 'quick-reply';
      btn.type = 'button';
      btn.textContent = label;
      btn.addEventListener('click', () => send(label));
      quick.appendChild(btn);
    }
  };

  let busy = Promise.resolve();
  const send = (text) => {
    text = String(text || '').trim();
    if (!text) return;
    bubble('user', text);
    showButtons([]);
    input.value = '';
    busy = busy.then(() => exchange(text)).catch((err) => bubble('bot system', '网络异常，请稍后再试（' + err.message + '）'));
  };
  // aria-busy on the message log while a reply is being written (the ARIA way
  // to say "more is coming"): the harness can treat it as a typing indicator.
  async function exchange(text) {
    list.setAttribute('aria-busy', 'true');
    try {
      await stream(text);
    } finally {
      typing.hidden = true;
      list.removeAttribute('aria-busy');
    }
  }
  async function stream(text) {
    typing.hidden = false;
    const res = await fetch('chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ session, text }) });
    if (!res.ok) throw new Error('HTTP ' + res.status);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    let current = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const ev = JSON.parse(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        if (ev.t === 'typing') typing.hidden = !ev.on;
        else if (ev.t === 'bubble') { typing.hidden = true; current = bubble('bot', ''); }
        else if (ev.t === 'delta') { current.appendChild(document.createTextNode(ev.text)); list.scrollTop = list.scrollHeight; }
        else if (ev.t === 'buttons') showButtons(ev.buttons);
        else if (ev.t === 'handoff') {
          const note = document.createElement('div');
          note.className = 'system handoff-notice';
          note.textContent = '已为您转接人工客服，当前排队 1 人';
          list.appendChild(note);
        }
      }
    }
  }

  $('.accept').addEventListener('click', () => {
    $('.notice').hidden = true;
    $('.composer').hidden = false;
    input.focus();
  });
  $('.send').addEventListener('click', () => send(input.value));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(input.value); }
  });
  list.setAttribute('aria-busy', 'true');
  fetch('chat/welcome?session=' + encodeURIComponent(session))
    .then((r) => r.json())
    .then((w) => { for (const p of w.parts) bubble('bot', p); showButtons(w.buttons); })
    .finally(() => list.removeAttribute('aria-busy'));

  const onBridge = () => {
    window.WeixinJSBridge.call('hideOptionMenu');
    window.WeixinJSBridge.invoke('getNetworkType', {}, (r) => { $('.net').textContent = (r && r.err_msg) || ''; });
  };
  if (window.WeixinJSBridge) onBridge();
  else document.addEventListener('WeixinJSBridgeReady', onBridge, false);
})();
