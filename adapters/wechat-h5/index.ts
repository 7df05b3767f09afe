import type { BrowserContext, Route } from 'playwright-core';
import type { Adapter, AdapterEnv } from '../../harness/types.ts';
import { createWebAdapter, type SharedBrowser } from '../web/index.ts';
import type { WechatH5Config } from './config.ts';

// The `web` adapter dressed as WeChat's in-app browser (user agents from the
// WeChat clients of 2024: iOS 8.0.49, Android 8.0.42 on XWEB).

export const wechatUserAgents = {
  ios: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003135) NetType/WIFI Language/zh_CN',
  android:
    'Mozilla/5.0 (Linux; Android 13; V2055A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 ' +
    'Chrome/111.0.5563.116 Mobile Safari/537.36 XWEB/1110017 MMWEBSDK/20230805 MMWEBID/525 MicroMessenger/8.0.42.2460(0x28002A35) ' +
    'WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
} as const;

/** A WeixinJSBridge that answers the calls service pages make on load. */
export const weixinJsBridgeStub = String.raw`(() => {
  if (window.WeixinJSBridge) return;
  const answers = {
    getNetworkType: { err_msg: 'network_type:wifi' },
    getBrandWCPayRequest: { err_msg: 'get_brand_wcpay_request:cancel' },
  };
  const handlers = {};
  window.WeixinJSBridge = {
    invoke(name, args, cb) {
      const res = answers[name] || { err_msg: name + ':ok' };
      if (typeof cb === 'function') setTimeout(() => cb(res), 0);
    },
    call(name) { return { err_msg: name + ':ok' }; },
    on(name, cb) { handlers[name] = cb; },
    emit(name, data) { if (handlers[name]) handlers[name](data); },
  };
  const ready = () => document.dispatchEvent(new Event('WeixinJSBridgeReady'));
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => setTimeout(ready, 0));
  else setTimeout(ready, 0);
})();`;

const isOauth = (url: URL) => url.hostname === 'open.weixin.qq.com';

/** Where WeChat OAuth (snsapi_base/userinfo) sends the browser back to, with a code. */
export function oauthReturn(authorizeUrl: string, code: string): string | null {
  const url = new URL(authorizeUrl);
  const back = url.searchParams.get('redirect_uri');
  if (!back) return null;
  const target = new URL(back);
  target.searchParams.set('code', code);
  target.searchParams.set('state', url.searchParams.get('state') ?? '');
  return target.toString();
}

async function fulfilOauth(route: Route, code: string): Promise<void> {
  const target = oauthReturn(route.request().url(), code);
  if (!target) return route.fulfill({ status: 400, contentType: 'text/plain', body: 'redirect_uri missing' });
  return route.fulfill({ status: 302, headers: { location: target } });
}

// A server-side 302 to open.weixin.qq.com is followed inside the browser,
// where routes do not see it: fetch the bank's own page navigations here and
// short-circuit such redirects. JS redirects arrive as new navigations and
// meet the open.weixin.qq.com route directly.
async function bankNavigation(route: Route, code: string): Promise<void> {
  const request = route.request();
  if (!request.isNavigationRequest() || request.method() !== 'GET') return route.fallback();
  let response;
  try {
    // A keep-alive connection the bank closed just as it was reused fails with ECONNRESET: fetched again.
    response = await route.fetch({ maxRedirects: 0, maxRetries: 2 });
  } catch (err) {
    // The page sees the network error (the session turns it into a transport fault), as it would without the route.
    return route.abort(abortCode(err));
  }
  const location = response.headers()['location'];
  if (response.status() >= 300 && response.status() < 400 && location) {
    const next = new URL(location, request.url());
    const target = isOauth(next) ? oauthReturn(next.toString(), code) : null;
    if (target) return route.fulfill({ status: 302, headers: { location: target } });
  }
  return route.fulfill({ response });
}

/** The browser's network error for a failed fetch of the bank's page (Playwright's error names the socket error in its message). */
function abortCode(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const said = `${e?.code ?? ''} ${e?.message ?? err}`;
  if (/ECONNREFUSED/.test(said)) return 'connectionrefused';
  if (/ECONNRESET|EPIPE|socket hang up/i.test(said)) return 'connectionreset';
  if (/ETIMEDOUT/.test(said)) return 'timedout';
  if (/ENOTFOUND|EAI_AGAIN/.test(said)) return 'namenotresolved';
  return 'failed';
}

/** A route handler's own failure (the page closed meanwhile) must not become an unhandled rejection that ends the run. */
const quietly = (p: Promise<void>) => p.catch(() => {});

/** `lent`: a browser the caller keeps open (see createWebAdapter). */
export function createWechatH5Adapter(config: WechatH5Config, env: AdapterEnv, lent?: SharedBrowser): Adapter {
  const userAgent = config.userAgent ?? wechatUserAgents[config.ua];
  return createWebAdapter({ ...config, userAgent }, env, {
    contextOptions: {
      userAgent,
      viewport: config.viewport ?? { width: 375, height: 667 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: config.locale ?? 'zh-CN',
    },
    async prepare(context: BrowserContext) {
      await context.addInitScript(weixinJsBridgeStub);
      const origin = new URL(config.url).origin;
      await context.route((url) => isOauth(url), (route) => quietly(fulfilOauth(route, config.oauthCode)));
      await context.route((url) => url.origin === origin, (route) => quietly(bankNavigation(route, config.oauthCode)));
    },
  }, lent);
}
