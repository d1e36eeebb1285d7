import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import type { Recipient } from '../schemas/effects.js';

export const ContactSchema = z.object({ name: z.string().min(1).max(200), email: z.email() });
export type Contact = z.infer<typeof ContactSchema>;

/**
 * Where an email goes. Workflows name recipients by id only, so no address or name ever enters a
 * workflow history; this lookup happens in the activity, at send time.
 */
export interface Directory {
  lookup(recipient: Recipient): Promise<Contact>;
  put(kind: 'candidate' | 'recruiter', id: string, contact: Contact): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function kvDirectory(kv: KV, hr: Contact): Directory {
  const key = (kind: string, id: string) => `${kind}.${id.replaceAll(/[^A-Za-z0-9_-]/g, '_')}`;
  return {
    async lookup(recipient) {
      if (recipient.kind === 'hr') return hr;
      const entry = await kv.get(key(recipient.kind, recipient.id));
      if (!entry || entry.operation !== 'PUT')
        throw new UnknownRecipient(`no contact for ${recipient.kind} ${recipient.id}`);
      return ContactSchema.parse(JSON.parse(decoder.decode(entry.value)));
    },
    async put(kind, id, contact) {
      await kv.put(key(kind, id), encoder.encode(JSON.stringify(ContactSchema.parse(contact))));
    },
  };
}

export class UnknownRecipient extends Error {
  override readonly name = 'UnknownRecipient';
}
