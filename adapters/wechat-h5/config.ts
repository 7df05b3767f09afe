import { z } from 'zod';
import { webConfigShape } from '../web/config.ts';

// A bank's WeChat H5 service page (公众号菜单 › 在线客服), opened as WeChat's
// in-app browser would: MicroMessenger user agent, phone viewport, touch,
// zh-CN, the WeixinJSBridge, and the OAuth hop through open.weixin.qq.com.
export const wechatH5ConfigSchema = z.strictObject({
  ...webConfigShape,
  ua: z.enum(['ios', 'android']).default('ios').describe('Which WeChat in-app browser to present as'),
  oauthCode: z.string().default('harness-oauth-code').describe('The `code` handed back when the page asks WeChat OAuth for the user'),
});

export type WechatH5Config = z.output<typeof wechatH5ConfigSchema>;
