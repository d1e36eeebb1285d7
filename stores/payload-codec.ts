import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { hkdfSync } from 'node:crypto';
import { open, openBytes, sealBytes } from './crypto.js';

const ENCODING = 'binary/encrypted';
/**
 * The key id names the key and the format, and is the ciphertext's associated data. v2: the sealed
 * bytes as they are. v1 (until 2026-11): the same bytes as base64 text, a third larger in every
 * history and on every hop; its payloads stay readable for the histories that hold them.
 */
const KEY_ID = 'payloads-v2';
const KEY_ID_V1 = 'payloads-v1';
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
  const td = new TextDecoder();
  return {
    // A payload that does not open is a rejection (not a throw), as the SDK and /codec expect.
    encode(payloads: Payload[]): Promise<Payload[]> {
      return settled(() =>
        payloads.map((p) => ({
          metadata: { encoding: te.encode(ENCODING), 'encryption-key-id': te.encode(KEY_ID) },
          data: sealBytes(key, Buffer.from(ProtoPayload.encode(p).finish()), KEY_ID),
        })),
      );
    },
    decode(payloads: Payload[]): Promise<Payload[]> {
      return settled(() =>
        payloads.map((p) => {
          const encoding = p.metadata?.encoding ? td.decode(p.metadata.encoding) : '';
          if (encoding !== ENCODING || !p.data) return p;
          const keyId = td.decode(p.metadata?.['encryption-key-id'] ?? new Uint8Array());
          if (keyId === KEY_ID) return ProtoPayload.decode(openBytes(key, p.data, KEY_ID));
          if (keyId === KEY_ID_V1) return ProtoPayload.decode(open(key, td.decode(p.data), KEY_ID_V1));
          // Written by a newer codec (or not by us): say so rather than fail to decrypt.
          throw new Error(`payload encrypted under unknown key id '${keyId.slice(0, 40)}'`);
        }),
      );
    },
  };
}

function settled<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}
