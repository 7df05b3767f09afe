import { z } from 'zod';

// A bank's own official-account endpoint, driven the way the WeChat platform
// drives it. `token`, `appId` and `aesKey` are the values on the account's
// 开发 › 基本配置 page; put them in the environment (${env:WX_TOKEN}).
// No .refine here: the bank schema extends this object with its common keys.
export const wechatMpConfigSchema = z
  .strictObject({
    url: z.string().min(1).describe("The endpoint's server URL (服务器地址 URL); may use ${env:…} and ${embedded:…}"),
    token: z.string().min(1).describe('Token (令牌)'),
    appId: z.string().min(1).describe('AppID of the official account'),
    aesKey: z
      .string()
      .refine((v) => v.length === 43 || v.startsWith('${'), 'EncodingAESKey is 43 characters')
      .optional()
      .describe('EncodingAESKey (消息加解密密钥); required in compatible and safe modes'),
    mode: z
      .enum(['plain', 'compatible', 'safe'])
      .default('safe')
      .describe('消息加解密方式: plain 明文, compatible 兼容, safe 安全'),
    toUser: z.string().min(1).describe("The account's original id (gh_…), written as ToUserName"),
    fromUser: z.string().optional().describe('The customer openid; default: one per conversation'),
    retries: z.number().int().min(0).max(10).default(3).describe('Re-sends with the same MsgId after a timeout'),
    timeoutMs: z.number().int().positive().default(5000).describe('The platform waits this long for a passive reply'),
    verify: z.boolean().default(true).describe('Do the URL verification (echostr) once before the first conversation'),
  })
  .describe('aesKey is required in compatible and safe modes (checked when the adapter starts)');

export type WechatMpConfig = z.output<typeof wechatMpConfigSchema>;
