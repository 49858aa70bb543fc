import { bool, missing, num, type OptionalNumber, type TypedFields, text, withNumber } from './check-type-config-parts';

/** How a mail check's connection uses TLS: not at all, upgraded with STARTTLS, or TLS from the first byte. */
export type MailTlsMode = 'none' | 'starttls' | 'tls';

/** The fields of a mail server banner check (SMTP or IMAP); `serverName` and `caPem` are kept as saved. */
export interface MailFields {
  host: string;
  port: OptionalNumber;
  tlsMode: MailTlsMode;
  /** What the greeting must start with; blank: the protocol's own (`220`, `* OK`). */
  expect: string;
  /** Whether an untrusted certificate fails the check (it is reported either way). */
  verify: boolean;
}

/** The fields of the SMTP and IMAP types. */
export interface MailFieldValues {
  smtp: MailFields;
  imap: MailFields;
}

/** The ports a mail type uses without one set: plain (and STARTTLS), and implicit TLS. */
export const MAIL_PORTS: Readonly<Record<keyof MailFieldValues, { plain: number; tls: number }>> = {
  smtp: { plain: 25, tls: 465 },
  imap: { plain: 143, tls: 993 },
};

/**
 * A mail type's fields. The TLS mode is the pair of settings `tls` and `starttls` (at most one true); explicit
 * defaults (`"tls": false`, `"verify": true`) are left out.
 */
const mailFields: TypedFields<MailFields> = {
  covered: ['host', 'port', 'tls', 'starttls', 'expect', 'verify'],
  blank: () => ({ host: '', port: '', tlsMode: 'none', expect: '', verify: true }),
  read: (config) => ({
    host: text(config.host),
    port: num(config.port),
    tlsMode: config.tls === true ? 'tls' : config.starttls === true ? 'starttls' : 'none',
    expect: text(config.expect),
    verify: bool(config.verify, true),
  }),
  build: (m, kept) => {
    const complaint = missing(['host', m.host, 'Enter the mail server’s host name or address']);
    if (complaint) return complaint;
    const config: Record<string, unknown> = withNumber({ ...kept, host: m.host.trim() }, 'port', m.port);
    if (m.tlsMode !== 'none') config[m.tlsMode] = true;
    // The greeting is compared as it starts, spaces included: it is not trimmed.
    if (m.expect !== '') config.expect = m.expect;
    if (!m.verify) config.verify = false;
    return { config };
  },
  fieldOf: (setting) => (setting === 'tls' || setting === 'starttls' ? 'tlsMode' : undefined),
};

/** How the mail types' fields read and make their configurations. */
export const MAIL_FIELDS: { readonly [T in keyof MailFieldValues]: TypedFields<MailFieldValues[T]> } = {
  smtp: mailFields,
  imap: mailFields,
};
