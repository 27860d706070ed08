import nodemailer from 'nodemailer';

export type Mail = { to: string; subject: string; text: string; html: string; replyTo?: string; messageId: string };
export type Mailer = { send(mail: Mail): Promise<void>; close(): void };

/** Outbound mail through any SMTP relay (SMTP_URL); locally, the built-in catcher. */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}
