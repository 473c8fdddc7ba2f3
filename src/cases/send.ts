import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { buildRaw, type ComposedMail } from './mail.js';

/** Where digests go: an SMTP server, or a pickup folder of .eml files. */
export interface Sender {
  readonly describe: string; // for people: no password in it
  send(mail: ComposedMail): Promise<string>; // where it went: the server's answer, or the file
  close(): void;
}

export interface SmtpTarget {
  host: string;
  port: number;
  secure: boolean; // smtps: TLS from the first byte; smtp: STARTTLS when the server offers it
  user: string | null;
  password: string | null;
}

/** What --smtp says: the server, and the user and password when the URL holds them. */
export type SmtpUrl = SmtpTarget;

/** Parses --smtp: smtp://[user[:password]@]host[:port] or smtps://...; a message (no secret in it) when it is not one. */
export function parseSmtpUrl(text: string): { target: SmtpUrl; problem: null } | { target: null; problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { target: null, problem: 'is not a URL (example: smtp://mail.example-telco.de:587)' };
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return { target: null, problem: `must start with smtp:// or smtps://, not ${url.protocol}//` };
  if (url.hostname === '') return { target: null, problem: 'names no host' };
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash) return { target: null, problem: 'has a path or query; give only smtp://host:port' };
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    target: {
      host, port: url.port ? Number(url.port) : secure ? 465 : 25, secure,
      user: url.username ? decodeURIComponent(url.username) : null, password: url.password ? decodeURIComponent(url.password) : null,
    },
    problem: null,
  };
}

export function smtpSender(target: SmtpTarget): Sender {
  const transport = nodemailer.createTransport({
    host: target.host, port: target.port, secure: target.secure,
    auth: target.user !== null ? { user: target.user, pass: target.password ?? '' } : undefined,
    connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000,
  });
  const hostPort = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  return {
    describe: `${target.secure ? 'smtps' : 'smtp'}://${target.user !== null ? `${encodeURIComponent(target.user)}@` : ''}${hostPort}`,
    async send(mail) {
      const info = await transport.sendMail(mail.options);
      return `accepted by ${hostPort}${info.messageId ? ` as ${info.messageId}` : ''}`;
    },
    close: () => transport.close(),
  };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A pickup folder: one .eml file per message, named by time, digest and recipient; an existing file is never replaced. */
export function folderSender(dir: string, now: Date): Sender {
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  let seq = 0;
  return {
    describe: dir,
    async send(mail) {
      await mkdir(dir, { recursive: true });
      const safe = mail.digest.to.address.replace(/[^A-Za-z0-9@._-]/g, '_');
      const file = join(dir, `${stamp}-${pad(++seq)}-${mail.digest.kind}-${safe}.eml`);
      await writeFile(file, await buildRaw(mail), { flag: 'wx' });
      return file;
    },
    close: () => undefined,
  };
}
