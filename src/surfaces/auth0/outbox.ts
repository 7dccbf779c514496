import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../app/logger.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Until SMTP exists, mail is written as RFC 5322 messages to `<data>/outbox/<time>-<id>.eml`
 * (readable by the operator, 0600) and announced by a log line without its content.
 */
export class Outbox {
  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  async send(mail: Mail): Promise<string> {
    const dir = join(this.dataDir, 'outbox');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const id = randomBytes(8).toString('hex');
    const file = join(dir, `${this.now()}-${id}.eml`);
    const header = (v: string): string => v.replace(/[\r\n]+/g, ' ');
    const body = [
      'From: Cognate <no-reply@cognate.invalid>',
      `To: ${header(mail.to)}`,
      `Subject: ${header(mail.subject)}`,
      `Date: ${new Date(this.now()).toUTCString()}`,
      `Message-ID: <${id}@cognate.invalid>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      mail.text,
      '',
    ].join('\r\n');
    await writeFile(file, body, { mode: 0o600 });
    this.logger.info({ outbox: file, subject: mail.subject }, 'mail written to outbox');
    return file;
  }
}
