import { SMTPServer } from 'smtp-server';
import { freePort } from '../../scripts/servers.js';

export interface ReceivedMail {
  to: string[];
  raw: string;
  header(name: string): string | undefined;
}

/** A real SMTP server, in-process on loopback, that keeps every message it accepts. */
export async function startSmtpServer(onPort?: number): Promise<{
  url: string;
  received: ReceivedMail[];
  stop(): Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Stopping drops open connections at once: an outage is an outage, not a polite drain.
    closeTimeout: 100,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          header(name) {
            const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
            return m?.[1]?.trim();
          },
        });
        callback();
      });
    },
  });
  const port = onPort ?? (await freePort());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
