import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { randomBytes } from 'node:crypto';
import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seal } from '../../stores/crypto.js';
import { encryptionCodec } from '../../stores/payload-codec.js';

const masterKey = randomBytes(32);
const codec = encryptionCodec(masterKey);
const text = (b: Uint8Array | null | undefined) => new TextDecoder().decode(b ?? undefined);
const payload = defaultPayloadConverter.toPayload({
  applicationId: 'application/P1/c1',
  command: { type: 'make_offer', terms: 'P3, two-year fixed-term contract' },
});

describe('the payload codec', () => {
  it('round-trips a payload, and what it stores is ciphertext bytes, not base64 text', async () => {
    const [encoded] = await codec.encode([payload]);
    expect(text(encoded!.metadata!.encoding)).toBe('binary/encrypted');
    expect(text(encoded!.metadata!['encryption-key-id'])).toBe('payloads-v2');
    const plain = proto.temporal.api.common.v1.Payload.encode(payload).finish();
    // nonce (12) + tag (16) + ciphertext, which AES-GCM makes as long as the plaintext.
    expect(encoded!.data!.length).toBe(plain.length + 28);
    expect(Buffer.from(encoded!.data!).includes(Buffer.from('make_offer'))).toBe(false);
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(
      defaultPayloadConverter.fromPayload(payload),
    );
  });

  it('still reads payloads written in the base64 format, as histories in flight hold them', async () => {
    // Exactly what the codec wrote until 2026-11.
    const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'temporal-payloads', 32));
    const te = new TextEncoder();
    const v1 = {
      metadata: { encoding: te.encode('binary/encrypted'), 'encryption-key-id': te.encode('payloads-v1') },
      data: Buffer.from(
        seal(key, Buffer.from(proto.temporal.api.common.v1.Payload.encode(payload).finish()), 'payloads-v1'),
      ),
    };
    const [decoded] = await codec.decode([v1]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(
      defaultPayloadConverter.fromPayload(payload),
    );
  });

  it('passes payloads from before the codec through, and refuses tampered ciphertext', async () => {
    expect(await codec.decode([payload])).toEqual([payload]);
    const [encoded] = await codec.encode([payload]);
    const tampered = Buffer.from(encoded!.data!);
    tampered[tampered.length - 1]! ^= 1;
    await expect(codec.decode([{ ...encoded!, data: tampered }])).rejects.toThrow();
    // A v2 payload presented as v1 (or the other way round) does not open either.
    const relabelled = {
      ...encoded!,
      metadata: { ...encoded!.metadata, 'encryption-key-id': new TextEncoder().encode('payloads-v1') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow();
    const unknown = {
      ...encoded!,
      metadata: { ...encoded!.metadata, 'encryption-key-id': new TextEncoder().encode('payloads-v9') },
    };
    await expect(codec.decode([unknown])).rejects.toThrow(
      "payload encrypted under unknown key id 'payloads-v9'",
    );
  });
});
