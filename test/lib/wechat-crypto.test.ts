import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, msgSignature, pkcs7Pad, pkcs7Unpad, signature } from '../../lib/wechat/crypto.ts';
import { buildNewsXml, parseArticles, parseFields } from '../../lib/wechat/xml.ts';

const sampleKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
// The WXBizMsgCrypt sample message (token spamtest, timestamp 1409735669, nonce 1320562132).
const sampleEncrypt =
  'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';

describe('WeChat message crypto', () => {
  it('signs URL verification like the published vector', () => {
    expect(signature('AAAAA', '1714036504', '1514711492')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
  });

  it('computes the sample msg_signature over token, timestamp, nonce and Encrypt', () => {
    expect(msgSignature('spamtest', '1409735669', '1320562132', sampleEncrypt)).toBe('5d197aaffba7e9b25a30732f161a50dee96bd5fa');
  });

  it('decrypts the WXBizMsgCrypt sample: pad 2, appid at the tail, text message inside', () => {
    const d = decrypt(sampleKey, sampleEncrypt);
    expect(d.pad).toBe(2);
    expect(d.appId).toBe('wx2c2769f8efd9abc2');
    const f = parseFields(d.message);
    expect(f).toMatchObject({ MsgType: 'text', Content: 'abcdteT', MsgId: '6054768590064713728', ToUserName: 'gh_10f6c3c3ac5a' });
  });

  it('round-trips Chinese text, padding to a multiple of 32 bytes', () => {
    const msg = '<xml><Content><![CDATA[我的银行卡丢了，怎么挂失？]]></Content></xml>';
    const enc = encrypt(sampleKey, 'wx2c2769f8efd9abc2', msg);
    expect(Buffer.from(enc, 'base64').length % 32).toBe(0);
    expect(decrypt(sampleKey, enc)).toMatchObject({ message: msg, appId: 'wx2c2769f8efd9abc2' });
  });

  it('pads a full block with 32 bytes of 32, never 16', () => {
    const padded = pkcs7Pad(Buffer.alloc(32, 1));
    expect(padded.length).toBe(64);
    expect(padded.at(-1)).toBe(32);
    expect(pkcs7Pad(Buffer.alloc(20)).length).toBe(32);
    expect(pkcs7Unpad(padded).length).toBe(32);
  });

  it('rejects a ciphertext made with another key', () => {
    const enc = encrypt(sampleKey, 'wx1', 'hello');
    expect(() => decrypt('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq', enc)).toThrow();
  });

  it('reads news articles back from a news reply', () => {
    const xml = buildNewsXml({ ToUserName: 'o1', FromUserName: 'gh', CreateTime: 1 }, [
      { title: '中山路支行', description: '地址：中山路1号', picUrl: '', url: 'https://x' },
    ]);
    expect(parseFields(xml)).toMatchObject({ MsgType: 'news', ArticleCount: '1' });
    expect(parseArticles(xml)).toEqual([{ title: '中山路支行', description: '地址：中山路1号', picUrl: '', url: 'https://x' }]);
  });
});
