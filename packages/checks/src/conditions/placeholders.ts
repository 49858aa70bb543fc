/**
 * What one run of a check produced, as conditions see it. Each check type fills the fields it measures and leaves
 * the others undefined; a condition on an undefined field fails with the reason "absent".
 */
export interface CheckResultContext {
  /** HTTP status code of the final response. */
  status?: number;
  /** Response body as text (already capped by the check type); parsed as JSON only when a condition needs it. */
  body?: string;
  /** Milliseconds from the start of the request to the full response (or the probe's round trip). */
  responseTimeMs?: number;
  /** Milliseconds until the peer's certificate expires; negative once it has. */
  certificateExpiresInMs?: number;
  /** Whether the connection (TCP, TLS, ICMP reply, …) was established. */
  connected?: boolean;
  /** The DNS response code, as its mnemonic: NOERROR, NXDOMAIN, SERVFAIL, … */
  dnsRcode?: string;
  /** The address the check reached (or the first address a DNS check answered), as text. */
  ip?: string;
  /** Percent of the probes sent that got no reply (ICMP), 0 to 100. */
  packetLossPercent?: number;
  /** How many samples a scrape read (Prometheus check). */
  samplesScraped?: number;
  /** The samples a scrape read, for `[METRIC].name{label="value"}` to pick from. */
  metrics?: readonly MetricReading[];
  /** The value read: an SNMP check's first value, a number or text. */
  value?: number | string;
  /** The highest receive or transmit utilisation, 0 to 100, of the interfaces a check covers. */
  utilisationPercent?: number;
  /** The highest errors per second (received plus sent) of the interfaces a check covers. */
  errorsPerSecond?: number;
  /** How many of the interfaces a check covers are enabled but not up. */
  interfacesDown?: number;
}

/** One sample a scrape read, as a `[METRIC]` condition sees it. */
export interface MetricReading {
  name: string;
  labels?: Readonly<Record<string, string>>;
  value: number;
}

/** The name inside the brackets of a placeholder, `[STATUS]` → `STATUS`. */
export type PlaceholderName =
  | 'STATUS'
  | 'BODY'
  | 'RESPONSE_TIME'
  | 'CERTIFICATE_EXPIRATION'
  | 'CONNECTED'
  | 'DNS_RCODE'
  | 'IP'
  | 'PACKET_LOSS'
  | 'SAMPLES'
  | 'METRIC'
  | 'VALUE'
  | 'UTILISATION'
  | 'ERRORS_PER_SECOND'
  | 'INTERFACES_DOWN';

/**
 * How a placeholder's value compares: `number` numerically; `duration` numerically in milliseconds, taking
 * literals such as `72h`; `boolean` as true/false with == and != only; `rcode` as a DNS response code mnemonic;
 * `text` as a string (ordered operators convert it to a number).
 */
export type PlaceholderKind = 'number' | 'duration' | 'boolean' | 'rcode' | 'text';

/** One placeholder: how it compares, where its value comes from, and whether it takes a JSON path. */
export interface PlaceholderSpec {
  kind: PlaceholderKind;
  read(context: CheckResultContext): unknown;
  /** True for `[BODY]`, the only placeholder followed by a JSON path (`[BODY].items[0].name`). */
  takesPath: boolean;
  /**
   * True for `[METRIC]`, which is always followed by a metric name and optional label equalities,
   * `[METRIC].node_filesystem_avail_bytes{mountpoint="/"}`, and reads the value of the one sample they select.
   */
  takesSelector?: boolean;
  /** Words for the UI and for error messages. */
  description: string;
}

/** Every placeholder the condition language knows. Check types choose which of them they offer. */
export const PLACEHOLDERS: Readonly<Record<PlaceholderName, PlaceholderSpec>> = {
  STATUS: { kind: 'number', read: (c) => c.status, takesPath: false, description: 'the HTTP status code' },
  BODY: {
    kind: 'text',
    read: (c) => c.body,
    takesPath: true,
    description: 'the response body; [BODY].a.b[0] reads a value from a JSON body',
  },
  RESPONSE_TIME: {
    kind: 'duration',
    read: (c) => c.responseTimeMs,
    takesPath: false,
    description: 'the response time (a number is milliseconds; 500ms, 2s also work)',
  },
  CERTIFICATE_EXPIRATION: {
    kind: 'duration',
    read: (c) => c.certificateExpiresInMs,
    takesPath: false,
    description: 'the time left before the certificate expires, such as 72h or 30d',
  },
  CONNECTED: { kind: 'boolean', read: (c) => c.connected, takesPath: false, description: 'whether the connection was made' },
  DNS_RCODE: { kind: 'rcode', read: (c) => c.dnsRcode, takesPath: false, description: 'the DNS response code, such as NOERROR' },
  IP: { kind: 'text', read: (c) => c.ip, takesPath: false, description: 'the address that was reached' },
  PACKET_LOSS: {
    kind: 'number',
    read: (c) => c.packetLossPercent,
    takesPath: false,
    description: 'the percentage of probes that got no reply, 0 to 100',
  },
  SAMPLES: { kind: 'number', read: (c) => c.samplesScraped, takesPath: false, description: 'the number of samples the scrape read' },
  METRIC: {
    kind: 'number',
    read: (c) => c.metrics,
    takesPath: false,
    takesSelector: true,
    description: 'the value of one scraped sample: [METRIC].node_load1, [METRIC].node_filesystem_avail_bytes{mountpoint="/"}',
  },
  VALUE: { kind: 'text', read: (c) => c.value, takesPath: false, description: 'the value read (a number compares as one)' },
  UTILISATION: {
    kind: 'number',
    read: (c) => c.utilisationPercent,
    takesPath: false,
    description: "the busiest interface's receive or transmit utilisation in percent of its speed",
  },
  ERRORS_PER_SECOND: {
    kind: 'number',
    read: (c) => c.errorsPerSecond,
    takesPath: false,
    description: 'the highest errors per second (in plus out) of an interface',
  },
  INTERFACES_DOWN: {
    kind: 'number',
    read: (c) => c.interfacesDown,
    takesPath: false,
    description: 'how many enabled interfaces are not up',
  },
};

/** DNS response codes by mnemonic (RFC 1035, RFC 2136), the values `[DNS_RCODE]` compares against. */
export const DNS_RCODES: ReadonlySet<string> = new Set([
  'NOERROR',
  'FORMERR',
  'SERVFAIL',
  'NXDOMAIN',
  'NOTIMP',
  'REFUSED',
  'YXDOMAIN',
  'YXRRSET',
  'NXRRSET',
  'NOTAUTH',
  'NOTZONE',
]);

/** True when `name` is a placeholder the language knows (whatever the check type). */
export function isPlaceholderName(name: string): name is PlaceholderName {
  return Object.hasOwn(PLACEHOLDERS, name);
}
