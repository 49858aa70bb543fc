import { type Built, missing, num, type OptionalNumber, type TypedFields, text, withNumber, withTexts } from './check-type-config-parts';

/** How a PostgreSQL check uses TLS; blank: not at all (the server's default). */
export const POSTGRES_TLS_MODES = ['disable', 'require', 'verify'] as const;

/**
 * The fields of the database types. The password is a secret, never a field; the query's first value is `[BODY]`,
 * which the conditions compare (`[BODY] == 1`).
 */
export interface DbFieldValues {
  postgres: {
    host: string;
    port: OptionalNumber;
    database: string;
    user: string;
    query: string;
    tls: '' | (typeof POSTGRES_TLS_MODES)[number];
  };
  mysql: { host: string; port: OptionalNumber; database: string; user: string; query: string };
  /**
   * `command` is the command and its arguments as typed (an argument with spaces in double quotes); `commandAsList`
   * whether it is sent as a list of words, as it was saved or because an argument needs quoting.
   */
  redis: { host: string; port: OptionalNumber; db: OptionalNumber; username: string; command: string; commandAsList: boolean };
}

const HOST = 'Enter the database server’s host name or address';
const USER = 'Enter the user to log in as';

/** A Redis command's words as typed: separated by spaces, an argument with spaces or quotes in double quotes (JSON). */
export function redisWords(command: string): { words: string[]; quoted: boolean } | { error: string } {
  const words: string[] = [];
  let quoted = false;
  for (const [word] of command.matchAll(/"(?:[^"\\]|\\.)*"|\S+/g)) {
    if (!word.startsWith('"')) {
      words.push(word);
      continue;
    }
    try {
      words.push(JSON.parse(word) as string);
      quoted = true;
    } catch {
      return { error: `${word} is not a quoted argument: write "like this", with \\" for a quote inside` };
    }
  }
  return { words, quoted };
}

/** A Redis command saved as a list, as the field shows it: words that need it quoted. */
function redisCommandText(value: unknown): string {
  if (!Array.isArray(value)) return text(value);
  return value.map((word) => (typeof word === 'string' && /^[^\s"]+$/.test(word) ? word : JSON.stringify(String(word)))).join(' ');
}

function buildRedis(r: DbFieldValues['redis'], kept: Record<string, unknown>): Built {
  const complaint = missing(['host', r.host, HOST]);
  if (complaint) return complaint;
  const config = withTexts(withNumber(withNumber({ ...kept, host: r.host.trim() }, 'port', r.port), 'db', r.db), { username: r.username });
  if (r.command.trim() === '') return { config };
  const parsed = redisWords(r.command);
  if ('error' in parsed) return { errors: { command: parsed.error } };
  // Typed as text, the server splits the command at spaces itself; a quoted argument needs the list.
  return { config: { ...config, command: r.commandAsList || parsed.quoted ? parsed.words : r.command.trim() } };
}

/** How the database types' fields read and make their configurations. */
export const DB_FIELDS: { readonly [T in keyof DbFieldValues]: TypedFields<DbFieldValues[T]> } = {
  postgres: {
    covered: ['host', 'port', 'database', 'user', 'query', 'tls'],
    blank: () => ({ host: '', port: '', database: '', user: '', query: '', tls: '' }),
    read: (config) => ({
      host: text(config.host),
      port: num(config.port),
      database: text(config.database),
      user: text(config.user),
      query: text(config.query),
      tls: POSTGRES_TLS_MODES.find((mode) => mode === config.tls) ?? '',
    }),
    build: (p, kept) =>
      missing(['host', p.host, HOST], ['database', p.database, 'Enter the database to connect to'], ['user', p.user, USER]) ?? {
        config: withTexts(withNumber({ ...kept, host: p.host.trim() }, 'port', p.port), {
          database: p.database,
          user: p.user,
          query: p.query,
          tls: p.tls,
        }),
      },
  },
  mysql: {
    covered: ['host', 'port', 'database', 'user', 'query'],
    blank: () => ({ host: '', port: '', database: '', user: '', query: '' }),
    read: (config) => ({
      host: text(config.host),
      port: num(config.port),
      database: text(config.database),
      user: text(config.user),
      query: text(config.query),
    }),
    build: (m, kept) =>
      missing(['host', m.host, HOST], ['user', m.user, USER]) ?? {
        config: withTexts(withNumber({ ...kept, host: m.host.trim() }, 'port', m.port), {
          database: m.database,
          user: m.user,
          query: m.query,
        }),
      },
  },
  redis: {
    covered: ['host', 'port', 'db', 'username', 'command'],
    blank: () => ({ host: '', port: '', db: '', username: '', command: '', commandAsList: false }),
    read: (config) => ({
      host: text(config.host),
      port: num(config.port),
      db: num(config.db),
      username: text(config.username),
      command: redisCommandText(config.command),
      commandAsList: Array.isArray(config.command),
    }),
    build: buildRedis,
  },
};
