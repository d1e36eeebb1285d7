import type { KV } from '@nats-io/kv';
import { ContactSchema, type Contact, type Recipient, type StaffContact } from '../schemas/effects.js';
import type { CandidateStore } from '../stores/candidates.js';
import { kvToken } from '../stores/kv.js';

/**
 * Where an email goes. Workflows name recipients by id only, so no address or name ever enters a
 * workflow history; this lookup happens in the activity, at send time. Candidates come from their
 * (sealed) profiles; staff from the `people` bucket; HR is a configured mailbox.
 */
export interface Directory {
  lookup(recipient: Recipient): Promise<Contact>;
  /** Where a staff member's emails go (reminders, escalations, answers to their offers). */
  putStaff(id: string, contact: Contact): Promise<void>;
  /** Every staff member with a contact, by id. */
  staff(): Promise<StaffContact[]>;
  /** Forgets a staff member's contact; false when there was none. */
  removeStaff(id: string): Promise<boolean>;
}

export class UnknownRecipient extends Error {
  override readonly name = 'UnknownRecipient';
}

export function directory(opts: { people: KV; candidates: CandidateStore; hr: Contact }): Directory {
  // Every staff member is under `recruiter.`, whatever their role: the key the first staff emails
  // (to recruiters) were written under. Staff ids are key tokens already (the API's Id rule).
  const PREFIX = 'recruiter.';
  const key = (id: string) => `${PREFIX}${kvToken(id)}`;
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
    async removeStaff(id) {
      const entry = await opts.people.get(key(id));
      if (entry?.operation !== 'PUT') return false;
      await opts.people.delete(key(id));
      return true;
    },
    async staff() {
      const keys: string[] = [];
      for await (const k of await opts.people.keys(`${PREFIX}*`)) keys.push(k);
      const out: StaffContact[] = [];
      for (const k of keys.sort()) {
        const entry = await opts.people.get(k);
        if (entry?.operation === 'PUT')
          out.push({ subject: k.slice(PREFIX.length), ...ContactSchema.parse(entry.json()) });
      }
      return out;
    },
  };
}
