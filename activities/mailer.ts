import type { KV } from '@nats-io/kv';
import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { EmailRequestSchema, type EmailRequestInput, type Recipient } from '../schemas/effects.js';
import type { Directory } from './directory.js';
import { renderEmail } from './email-templates.js';
import { icsInvitation } from './ics.js';

export type MailDelivery = { kind: 'smtp'; url: string } | { kind: 'outbox'; dir: string };

export interface Mailer {
  send(request: EmailRequestInput): Promise<{ emailId: string; status: 'sent' | 'already_sent' }>;
  /** A message outside any application (an account confirmation code), with the same once-only rule. */
  sendRaw(message: {
    emailId: string;
    to: Recipient;
    subject: string;
    text: string;
  }): Promise<{ emailId: string; status: 'sent' | 'already_sent' }>;
  close(): void;
}

/**
 * Writes `file` whole or not at all, and only if it is not there yet; false when it already was.
 * The message is written to a temporary file and linked into place (atomic, and refused if the
 * name exists), so a worker killed mid-write never leaves a half-written message under the final
 * name for a retry to mistake for a sent one (the fault test found exactly that: an empty .eml and
 * a lost acknowledgement). An empty file under the final name is such a leftover: it is replaced.
 * Temporary files live in `tmpDir` (a folder beside the outbox), never among the messages.
 */
async function writeOnce(file: string, tmpDir: string, content: Buffer): Promise<boolean> {
  const tmp = join(tmpDir, `${basename(file)}.${randomUUID()}`);
  await writeFile(tmp, content);
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if ((await stat(file)).size > 0) return false;
    await rename(tmp, file);
    return true;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Sends each email at most once per email id. SMTP: a ledger (NATS key-value) records what was
 * sent, and the Message-ID is derived from the email id so a mail system can spot a duplicate too.
 * The embedded default writes .eml files to an outbox folder; the file's name is the ledger, and
 * the NATS ledger is not asked: its read and write were two of the three NATS round trips of every
 * email, for an answer the atomic link already gives (README, Performance).
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
  // Created once per mailer, on the first message: the outbox and, beside it, the folder of
  // messages being written, rid of what killed workers left there. Files younger than an hour may
  // be another worker's message in progress.
  let outboxReady: Promise<string> | undefined;
  const prepareOutbox = async (dir: string): Promise<string> => {
    const tmpDir = `${dir}.partial`;
    await mkdir(dir, { recursive: true });
    await mkdir(tmpDir, { recursive: true });
    const cutoff = Date.now() - 60 * 60 * 1000;
    for (const f of await readdir(tmpDir)) {
      const path = join(tmpDir, f);
      const modified = (await stat(path).catch(() => undefined))?.mtimeMs;
      if (modified !== undefined && modified < cutoff) await unlink(path).catch(() => undefined);
    }
    return tmpDir;
  };

  /** Sends once per email id: the ledger (and, for the outbox, the file name) remembers. */
  async function deliver(
    emailId: string,
    build: () => Promise<nodemailer.SendMailOptions>,
  ): Promise<{ emailId: string; status: 'sent' | 'already_sent' }> {
    const digest = createHash('sha256').update(emailId).digest('hex').slice(0, 32);
    const ledgerKey = `email.${digest}`;
    if (delivery.kind === 'smtp' && (await ledger.get(ledgerKey).then((e) => e?.operation === 'PUT')))
      return { emailId, status: 'already_sent' };
    const built = await build();
    const message = {
      ...built,
      from,
      messageId: `<${digest}@hiring.interpol.int>`,
      headers: { ...(built.headers as Record<string, string> | undefined), 'X-Hiring-Email-Id': emailId },
    };
    if (delivery.kind === 'smtp') {
      await smtp!.sendMail(message);
      await ledger.put(ledgerKey, emailId);
      return { emailId, status: 'sent' };
    }
    const raw = await stream.sendMail(message);
    outboxReady ??= prepareOutbox(delivery.dir);
    const tmpDir = await outboxReady.catch((err: unknown) => {
      outboxReady = undefined; // a failed preparation is tried again by the retry
      throw err;
    });
    const written = await writeOnce(join(delivery.dir, `${digest}.eml`), tmpDir, raw.message as Buffer);
    return { emailId, status: written ? 'sent' : 'already_sent' };
  }
  const address = (c: { name: string; email: string }) => `"${c.name.replaceAll('"', "'")}" <${c.email}>`;

  return {
    send(input) {
      const req = EmailRequestSchema.parse(input);
      return deliver(req.emailId, async () => {
        const to = await directory.lookup(req.to);
        const rendered = renderEmail(req, to.name);
        return {
          to: address(to),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          headers: { 'X-Hiring-Template': req.template },
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
      });
    },
    sendRaw(m) {
      return deliver(m.emailId, async () => {
        const to = await directory.lookup(m.to);
        return {
          to: address(to),
          subject: m.subject,
          text: `Dear ${to.name},\n\n${m.text}\n\nINTERPOL Recruitment\n`,
        };
      });
    },
    close() {
      smtp?.close();
    },
  };
}
