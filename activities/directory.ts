import type { KV } from '@nats-io/kv';
import { z } from 'zod';
import type { Recipient } from '../schemas/effects.js';
import type { CandidateStore } from '../stores/candidates.js';
import { kvToken } from '../stores/kv.js';

export const ContactSchema = z.object({ name: z.string().min(1).max(200), email: z.email() });
export type Contact = z.infer<typeof ContactSchema>;

/**
 * Where an email goes. Workflows name recipients by id only, so no address or name ever enters a
 * workflow history; this lookup happens in the activity, at send time. Candidates come from their
 * (sealed) profiles; staff from the `people` bucket; HR is a configured mailbox.
 */
export interface Directory {
  lookup(recipient: Recipient): Promise<Contact>;
  putStaff(id: string, contact: Contact): Promise<void>;
}

export class UnknownRecipient extends Error {
  override readonly name = 'UnknownRecipient';
}

export function directory(opts: { people: KV; candidates: CandidateStore; hr: Contact }): Directory {
  const key = (id: string) => `recruiter.${kvToken(id)}`;
  return {
    async lookup(recipient) {
      if (recipient.kind === 'hr') return opts.hr;
      if (recipient.kind === 'candidate') {
        const c = await opts.candidates.get(recipient.id);
        // Unknown, or erased at the candidate's request: there is nobody to write to.
        if (!c) throw new UnknownRecipient(`no contact for candidate ${recipient.id}`);
        return { name: c.profile.name, email: c.profile.email };
      }
      const entry = await opts.people.get(key(recipient.id));
      if (!entry || entry.operation !== 'PUT')
        throw new UnknownRecipient(`no contact for recruiter ${recipient.id}`);
      return ContactSchema.parse(entry.json());
    },
    async putStaff(id, contact) {
      await opts.people.put(key(id), JSON.stringify(ContactSchema.parse(contact)));
    },
  };
}
