// The demo bank's pages: a portal with a chat launcher (the widget in an
// iframe), the widget page itself, and the WeChat H5 service page.

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export const hostPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>示例银行 - 个人金融</title>
<style>
  body { margin: 0; font: 15px/1.6 "WenQuanYi Micro Hei", sans-serif; }
  .top { background: #b3122e; color: #fff; padding: 14px 24px; font-size: 20px; }
  main { padding: 24px; max-width: 900px; }
  #launcher { position: fixed; right: 24px; bottom: 24px; background: #b3122e; color: #fff; border: 0; border-radius: 22px; padding: 10px 18px; cursor: pointer; }
  #chat-panel { position: fixed; right: 24px; bottom: 80px; width: 380px; height: 560px; box-shadow: 0 4px 24px rgba(0,0,0,.25); background: #fff; }
  #chat-frame { border: 0; width: 100%; height: 100%; }
</style></head>
<body>
  <div class="top">示例银行</div>
  <main><h1>个人金融服务</h1><p>存款、银行卡、转账汇款、网点查询……如有疑问，请咨询在线客服。</p></main>
  <button id="launcher" type="button" aria-label="在线客服">在线客服</button>
  <div id="chat-panel" hidden></div>
  <script>
    document.getElementById('launcher').addEventListener('click', () => {
      const panel = document.getElementById('chat-panel');
      if (!panel.firstChild) {
        const f = document.createElement('iframe');
        f.id = 'chat-frame';
        f.title = '在线客服';
        f.src = '/widget';
        panel.appendChild(f);
      }
      panel.hidden = false;
    });
  </script>
</body></html>`;

export const widgetPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>在线客服</title>
<style>html, body { margin: 0; height: 100%; } #chat-root { height: 100%; position: relative; }</style></head>
<body><div id="chat-root"></div><script src="/widget.js"></script></body></html>`;

export const wechatPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1, user-scalable=no">
<title>示例银行微信客服</title>
<style>html, body { margin: 0; height: 100%; } #chat-root { height: 100%; position: relative; }</style></head>
<body><div id="chat-root" data-mobile="1"></div><script src="/widget.js"></script></body></html>`;

/** What WeChat-only pages show in an ordinary browser. */
export const notInWechatPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>提示</title></head>
<body style="text-align:center;padding-top:30%;font-family:sans-serif;color:#333">
<p class="weui-msg__title">请在微信客户端打开链接</p></body></html>`;

export function oauthUrl(appId: string, redirectUri: string): string {
  const q = new URLSearchParams({ appid: appId, redirect_uri: redirectUri, response_type: 'code', scope: 'snsapi_base', state: 'demo' });
  return `https://open.weixin.qq.com/connect/oauth2/authorize?${q}#wechat_redirect`;
}

export const errorPage = (message: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>错误</title></head><body><p>${escape(message)}</p></body></html>`;
