/*
 * The alert as every part of alerting sees it (rules produce them, routing groups and silences them, channels render
 * them): Prometheus' and Alertmanager's model, so their rule files, route configs and webhook receivers carry over.
 */

/** A label set: names to values. An alert's identity is its label set (see {@link labelsFingerprint}). */
export type Labels = Readonly<Record<string, string>>;

/** Where an alert of a rule stands, as Prometheus' alert-generator specification names it. */
export type AlertState = 'pending' | 'firing' | 'inactive';

/** One alert: a rule's (or an integration's) verdict about one label set. Times are epoch ms. */
export interface Alert {
  labels: Labels;
  /** summary, description, runbook_url, …: templated text, not part of the identity. */
  annotations: Labels;
  state: AlertState;
  /** When the expression first returned this label set in the current episode. */
  activeAt: number;
  /** When it started firing (after `for`); null while pending. */
  firedAt: number | null;
  /** When it stopped firing; null while active. */
  resolvedAt: number | null;
  /** The value of the expression's sample at the last evaluation (NaN for check-state rules without one). */
  value: number;
  /** Who produced it: `rule:<id>`, `alertmanager`, `events`, … */
  source: string;
}

/** Separates names and values in a fingerprint's input, as Prometheus' model does (a byte no UTF-8 text holds). */
const SEPARATOR = 0xff;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * The identity of a label set: FNV-1a 64 over its pairs sorted by name, each name and value followed by 0xff, as 16
 * hex digits — the same number Prometheus and Alertmanager compute for the same labels.
 */
export function labelsFingerprint(labels: Labels): string {
  let hash = FNV_OFFSET;
  const encoder = new TextEncoder();
  const step = (byte: number) => {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort()) {
    for (const byte of encoder.encode(name)) step(byte);
    step(SEPARATOR);
    for (const byte of encoder.encode(labels[name] ?? '')) step(byte);
    step(SEPARATOR);
  }
  return hash.toString(16).padStart(16, '0');
}
