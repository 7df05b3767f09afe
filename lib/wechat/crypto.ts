import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// The WeChat official-account message crypto (WXBizMsgCrypt): SHA-1 signatures
// over the sorted parameters, and AES-256-CBC with PKCS#7 padded to 32 bytes
// (not AES's 16), IV = the key's first 16 bytes, plaintext framed as
// random(16) | uint32 BE length | message | appid.

const BLOCK = 32;

/** sha1hex(sort(parts).join('')) — URL verification uses [token, timestamp, nonce]. */
export function signature(...parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Safe/compatible mode: msg_signature over [token, timestamp, nonce, Encrypt]. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return signature(token, timestamp, nonce, encrypt);
}

/** The 43-character EncodingAESKey → 32-byte AES key. */
export function aesKeyFrom(encodingAesKey: string): Buffer {
  const key = Buffer.from(encodingAesKey + '=', 'base64');
  if (encodingAesKey.length !== 43 || key.length !== 32) {
    throw new Error(`EncodingAESKey must be 43 characters of base64 (got ${encodingAesKey.length}) — copy it from the official account's 开发 › 基本配置 page`);
  }
  return key;
}

export function pkcs7Pad(data: Buffer, block = BLOCK): Buffer {
  const n = block - (data.length % block);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

export function pkcs7Unpad(data: Buffer, block = BLOCK): Buffer {
  const n = data[data.length - 1];
  if (n < 1 || n > block || n > data.length) throw new Error(`bad PKCS#7 padding byte ${n}`);
  return data.subarray(0, data.length - n);
}

/** Encrypts one message for `appId`; returns the base64 `Encrypt` field. */
export function encrypt(encodingAesKey: string, appId: string, message: string, random: Buffer = randomBytes(16)): string {
  const key = aesKeyFrom(encodingAesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = pkcs7Pad(Buffer.concat([random, length, body, Buffer.from(appId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export interface Decrypted {
  message: string;
  appId: string;
  /** The PKCS#7 pad length found (1..32). */
  pad: number;
}

/** Decrypts a base64 `Encrypt` field; throws on a malformed ciphertext. */
export function decrypt(encodingAesKey: string, encrypted: string): Decrypted {
  const key = aesKeyFrom(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const plain = pkcs7Unpad(padded);
  if (plain.length < 20) throw new Error('decrypted message too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new Error(`decrypted length ${length} exceeds the message`);
  return {
    message: plain.subarray(20, 20 + length).toString('utf8'),
    appId: plain.subarray(20 + length).toString('utf8'),
    pad: padded.length - plain.length,
  };
}
