import { type RunSnmpSummary, SNMP_FAILURE_REASONS, type SnmpFailureReason } from '@estate/contract';
import type { HostFinding } from './engine/scan-types';

/** A credential as the run summary names it. */
export interface NamedCredential {
  id: string;
  name?: string;
  version: 'v2c' | 'v3';
}

const REASON_WORDS: Record<SnmpFailureReason, string> = {
  'no-answer': 'no answer',
  authentication: 'refused the credential (unknown v3 user or wrong key)',
  unsupported: 'unsupported',
  unreachable: 'unreachable',
  error: 'failed',
};

const hostsText = (n: number) => `${n} host${n === 1 ? '' : 's'}`;

/**
 * Counts how SNMP went over a run's hosts — asked, answered, and each credential's failures by reason — and says in
 * words what a person should know: that no host answered at all (with v2c, a wrong community and no agent look the
 * same), or that hosts refused a credential. Credentials are named as the run knew them.
 */
export class SnmpTally {
  private asked = 0;
  private answered = 0;
  private readonly failures = new Map<string, number>();
  private readonly credentials: Map<string, NamedCredential>;

  constructor(credentials: NamedCredential[]) {
    this.credentials = new Map(credentials.map((c) => [c.id, c]));
  }

  /** Counts one live host the engine asked SNMP on. */
  add(finding: HostFinding): void {
    this.asked++;
    if (finding.snmp) this.answered++;
    for (const f of finding.snmpFailures ?? []) {
      const key = `${f.credentialId}\u0000${f.reason}`;
      this.failures.set(key, (this.failures.get(key) ?? 0) + 1);
    }
  }

  /** The counts, failures ordered by credential (as the scan lists them) and reason. */
  summary(): RunSnmpSummary {
    const order = [...this.credentials.keys()];
    const failures = [...this.failures.entries()]
      .map(([key, hosts]) => {
        const [credentialId = '', reason] = key.split('\u0000') as [string, SnmpFailureReason];
        return { credentialId, credentialName: this.nameOf(credentialId), reason, hosts };
      })
      .sort(
        (a, b) =>
          order.indexOf(a.credentialId) - order.indexOf(b.credentialId) ||
          SNMP_FAILURE_REASONS.indexOf(a.reason) - SNMP_FAILURE_REASONS.indexOf(b.reason),
      );
    return { asked: this.asked, answered: this.answered, allFailed: this.asked > 0 && this.answered === 0, failures };
  }

  /** Warnings for the run: every attempt failed; a credential refused by hosts whose agents are there. */
  warnings(): string[] {
    const { allFailed, failures } = this.summary();
    const out: string[] = [];
    const label = (id: string) => {
      const c = this.credentials.get(id);
      return `"${this.nameOf(id)}"${c ? ` (${c.version})` : ''}`;
    };
    if (allFailed) {
      const what = failures.map((f) => `${label(f.credentialId)}: ${REASON_WORDS[f.reason]} from ${hostsText(f.hosts)}`).join('; ');
      const v2c = failures.some((f) => f.reason === 'no-answer' && this.credentials.get(f.credentialId)?.version === 'v2c');
      out.push(
        `SNMP: ${this.asked === 1 ? 'the one host asked did not answer' : `none of the ${this.asked} hosts asked answered`} (${what}).` +
          (v2c ? ' With v2c a wrong community gets no answer, just like a host without an SNMP agent.' : ''),
      );
    }
    for (const f of failures.filter((x) => x.reason === 'authentication')) {
      if (allFailed) continue;
      out.push(`SNMP: ${hostsText(f.hosts)} refused the credential ${label(f.credentialId)} (unknown v3 user or wrong key).`);
    }
    return out;
  }

  private nameOf(id: string): string {
    return this.credentials.get(id)?.name ?? id;
  }
}
