import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with a fresh 12-byte nonce per message; `aad` binds a ciphertext to its owner and
 * purpose, so one candidate's sealed data cannot be passed off as another's.
 * Output: nonce | tag | ciphertext, as bytes (sealBytes) or as base64 text (seal).
 */
export function sealBytes(key: Buffer, plaintext: Buffer | string, aad: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([
    cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext),
    cipher.final(),
  ]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openBytes(key: Buffer, sealed: Uint8Array, aad: string): Buffer {
  const raw = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}

export function seal(key: Buffer, plaintext: Buffer | string, aad: string): string {
  return sealBytes(key, plaintext, aad).toString('base64');
}

export function open(key: Buffer, sealed: string, aad: string): Buffer {
  return openBytes(key, Buffer.from(sealed, 'base64'), aad);
}
