import type { KV } from '@nats-io/kv';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { EmailRequestSchema, type EmailRequestInput } from '../schemas/effects.js';
import type { Directory } from './directory.js';
import { renderEmail } from './email-templates.js';
import { icsInvitation } from './ics.js';

export type MailDelivery = { kind: 'smtp'; url: string } | { kind: 'outbox'; dir: string };

export interface Mailer {
  send(request: EmailRequestInput): Promise<{ emailId: string; status: 'sent' | 'already_sent' }>;
  close(): void;
}

/**
 * Sends each email at most once per email id. SMTP: a ledger (NATS key-value) records what was
 * sent, and the Message-ID is derived from the email id so a mail system can spot a duplicate too.
 * The embedded default writes .eml files to an outbox folder; the file's name is the ledger.
 * Addresses are looked up here, never carried in workflow history, and never logged.
 */
export function createMailer(opts: {
  delivery: MailDelivery;
  directory: Directory;
  ledger: KV;
  from: string;
}): Mailer {
  const { delivery, directory, ledger, from } = opts;
  const smtp =
    delivery.kind === 'smtp'
      ? nodemailer.createTransport({ url: delivery.url, pool: false } as SMTPTransport.Options)
      : undefined;
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  return {
    async send(input) {
      const req = EmailRequestSchema.parse(input);
      const digest = createHash('sha256').update(req.emailId).digest('hex').slice(0, 32);
      const ledgerKey = `email.${digest}`;
      if (await ledger.get(ledgerKey).then((e) => e?.operation === 'PUT')) {
        return { emailId: req.emailId, status: 'already_sent' };
      }
      const to = await directory.lookup(req.to);
      const rendered = renderEmail(req, to.name);
      const message = {
        from,
        to: `"${to.name.replaceAll('"', "'")}" <${to.email}>`,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId: `<${digest}@hiring.interpol.int>`,
        headers: { 'X-Hiring-Email-Id': req.emailId, 'X-Hiring-Template': req.template },
        ...(req.calendar
          ? {
              icalEvent: {
                method: 'REQUEST',
                filename: `${req.template}.ics`,
                content: icsInvitation(req.calendar, from, new Date()),
              },
            }
          : {}),
      };
      if (smtp) {
        await smtp.sendMail(message);
      } else if (delivery.kind === 'outbox') {
        const built = await stream.sendMail(message);
        await mkdir(delivery.dir, { recursive: true });
        try {
          await writeFile(join(delivery.dir, `${digest}.eml`), built.message as Buffer, { flag: 'wx' });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          await ledger.put(ledgerKey, req.emailId);
          return { emailId: req.emailId, status: 'already_sent' };
        }
      }
      await ledger.put(ledgerKey, req.emailId);
      return { emailId: req.emailId, status: 'sent' };
    },
    close() {
      smtp?.close();
    },
  };
}
