import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { hkdfSync } from 'node:crypto';
import { open, seal } from './crypto.js';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'payloads-v1';
const ProtoPayload = proto.temporal.api.common.v1.Payload;

/**
 * Encrypts every Temporal payload (workflow inputs, results, messages, activity arguments) with
 * AES-256-GCM before it reaches the server, so a history read from the server's database shows
 * ciphertext only. Payloads carry ids and business facts, no personal data (that lives sealed per
 * candidate in the stores): this is defence in depth, with one key derived from the master key.
 * Payloads written before the codec existed are passed through, so old histories still replay.
 */
export function encryptionCodec(masterKey: Buffer): PayloadCodec {
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'temporal-payloads', 32));
  const te = new TextEncoder();
  return {
    encode(payloads: Payload[]): Promise<Payload[]> {
      return Promise.resolve(
        payloads.map((p) => ({
          metadata: { encoding: te.encode(ENCODING), 'encryption-key-id': te.encode(KEY_ID) },
          data: Buffer.from(seal(key, Buffer.from(ProtoPayload.encode(p).finish()), KEY_ID)),
        })),
      );
    },
    decode(payloads: Payload[]): Promise<Payload[]> {
      return Promise.resolve(
        payloads.map((p) => {
          const encoding = p.metadata?.encoding ? Buffer.from(p.metadata.encoding).toString() : '';
          if (encoding !== ENCODING || !p.data) return p;
          return ProtoPayload.decode(open(key, Buffer.from(p.data).toString(), KEY_ID));
        }),
      );
    },
  };
}
