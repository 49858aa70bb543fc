import type { CreateRelationshipRequest, HostData, RunSummary } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { type Dialect, readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { publishEvent } from '../../../platform/events';
import { HttpProblem } from '../../../platform/http/problem';
import { normaliseHostname, normaliseIp, normaliseMac } from '../../../platform/net/addresses';
import { plural } from '../../../platform/plural';
import type { DiscoveryHostsTable } from '../discovery.tables';
import type { IdentityService, ReconcileResult } from '../identity/identity.service';
import type { HostFinding, ScanEngine, SnmpFacts } from './engine/scan-types';
import { isLocalAddress, type LocalHost, readLocalHost } from './local-host';
import { ScanRepository, type ScanTables } from './scan.repository';
import type { ScanService, TargetExpander } from './scan.service';
import { compareHost, hostData, neighbourKeys, observationOf, onLocalHost, settleChange } from './scan-results';
import type { SnmpCredentialService } from './snmp-credential.service';
import { SnmpTally } from './snmp-summary';

/** Identity reconciliation as a scan run uses it: one observation in, the CI it is (created or matched) out. */
export type ScanReconciler = Pick<IdentityService, 'reconcile'>;

/** Records relationships discovery sees: idempotent, `source` says who saw them. */
export interface ScanRelationships {
  ensure(input: CreateRelationshipRequest, ctx: ActionContext, source: 'scan'): Promise<unknown>;
}

/** What a run is built from. */
export interface ScanRunDeps {
  db: Kysely<ScanTables>;
  dialect: Dialect;
  audit: AuditLog;
  scans: ScanService;
  credentials: SnmpCredentialService;
  engine: ScanEngine;
  expandTargets: TargetExpander;
  reconciler: ScanReconciler;
  relationships: ScanRelationships;
  /** Least time between two progress writes, in ms. Default 1000. */
  progressIntervalMs?: number;
  /** The identity of the machine the scan runs on, read once per run; `readLocalHost` unless a test gives one. */
  localHost?: () => Promise<LocalHost>;
}

/** Replaces every secret of `credentials` in a text by `[redacted]`. */
function scrubber(credentials: Awaited<ReturnType<SnmpCredentialService['unseal']>>): (text: string) => string {
  const secrets = credentials
    .flatMap((c) => (c.version === 'v2c' ? [c.community] : [c.authKey, c.privKey]))
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

/** What a host's note says of how reconciliation took it: values kept as facts, a corrected type, suggestions. */
function reconcileNotes(result: ReconcileResult): string[] {
  const notes: string[] = [];
  if (result.retypedFrom) notes.push(`The CI's type was corrected from ${result.retypedFrom}.`);
  if (result.facts.length > 0) {
    notes.push(`Kept as observed facts of the CI: ${result.facts.map((f) => `${f.key} (${f.reason})`).join('; ')}.`.slice(0, 2000));
  }
  if (result.suggestionIds.length > 0)
    notes.push(`Merge suggested with ${plural(result.suggestionIds.length, 'other CI', 'other CIs')}; see merge suggestions.`);
  return notes;
}

/** An SNMP device seen by this run, for the LLDP pass. */
interface SeenDevice {
  ciId: string;
  snmp: SnmpFacts;
}

/** What a run keeps while it records hosts. */
interface RunState {
  /** What the previous successful run saw, by address. */
  before: Map<string, DiscoveryHostsTable>;
  /** Addresses recorded so far. */
  seen: Set<string>;
  devices: SeenDevice[];
  /** The machine the scan runs on. */
  local: LocalHost;
  /** How SNMP goes, when the scan has credentials. */
  snmp?: SnmpTally;
}

/**
 * Runs one scan run (the job handler; tests call it directly). It unseals the scan's SNMP credentials in memory
 * only, asks the engine to scan, stores each live host with how it compares with the scan's previous successful
 * run, hands each host to identity reconciliation as an observation, adds `missing` rows for hosts the previous run
 * saw and this one did not, then turns LLDP neighbours that match a CI into `connected_to` relationships. The run's
 * end is published as `discovery.run.finished` in the transaction that records it.
 * Running it again is safe: a finished run is left alone, an interrupted one starts over (reconciliation and
 * relationships are idempotent).
 */
export class ScanRunService {
  private readonly repo: ScanRepository;

  constructor(private readonly deps: ScanRunDeps) {
    this.repo = new ScanRepository(deps.db);
  }

  /** Runs the run `runId` to its end. Throws (for the job to retry) when the engine or the store fails. */
  async run(runId: string, signal?: AbortSignal): Promise<void> {
    const run = await this.repo.getRun(runId);
    if (!run || run.status === 'succeeded' || run.status === 'failed') return;
    const scan = await this.repo.get(run.scan_id);
    if (!scan) return;
    const options = this.deps.scans.options(scan);
    const targets = readJson<string[]>(scan.targets, this.deps.dialect) ?? [];
    let addresses: string[];
    try {
      addresses = this.deps.expandTargets(targets, { force: options.force, allowLinkLocal: false });
    } catch (error) {
      await this.fail(runId, `The targets are refused by the scan policy: ${(error as Error).message}`);
      return;
    }
    let credentials: Awaited<ReturnType<SnmpCredentialService['unseal']>>;
    try {
      credentials = await this.deps.credentials.unseal(scan.credential_ids);
    } catch {
      // Never the error itself: it could quote what it failed on.
      await this.fail(runId, 'An SNMP credential of this scan cannot be unsealed (was the secret key file replaced?).');
      return;
    }
    await this.repo.clearHosts(runId);
    await this.repo.setRun(runId, { status: 'running', total: addresses.length, done: 0, started_at: Date.now(), error: null });

    const previous = await this.repo.previousSucceeded(scan.id, runId);
    const before = new Map<string, DiscoveryHostsTable>();
    if (previous) for (const h of await this.repo.seenHosts(previous.id)) before.set(h.address, h);

    const ctx: ActionContext = { actor: { type: 'system', id: null, label: `scan ${scan.name}` }, requestId: null, sourceIp: null };
    const summary: RunSummary = { hosts: 0, new: 0, changed: 0, unchanged: 0, missing: 0, cisCreated: 0, relationships: 0 };
    const seen = new Set<string>();
    const devices: SeenDevice[] = [];
    const local = await (this.deps.localHost ?? readLocalHost)();
    const snmp = credentials.length > 0 ? new SnmpTally(credentials) : undefined;
    // Findings are handled one at a time, in the order reported, so that two findings of one device never race.
    let chain: Promise<void> = Promise.resolve();
    const onHost = (finding: HostFinding): Promise<void> => {
      chain = chain.then(() => this.record(runId, scan, finding, { before, seen, devices, local, snmp }, summary, ctx));
      return chain;
    };
    const progress = this.progressWriter(runId);
    const scrub = scrubber(credentials);
    const scanning = this.deps.engine.scan(
      {
        addresses,
        ports: options.ports,
        concurrency: options.concurrency,
        ratePerSecond: options.ratePerSecond,
        timeoutMs: options.timeoutMs,
        reverseDns: options.reverseDns,
        serviceHints: options.serviceHints,
        snmp: credentials,
        snmpPort: options.snmpPort,
        tcpLiveness: options.tcpLiveness,
      },
      (finding) => onHost({ ...finding, notes: finding.notes.map(scrub) }),
      progress.report,
      signal,
    );
    try {
      await scanning;
    } catch (error) {
      // Findings still being written finish first, so a retry's clean start is not raced by this attempt.
      await chain.catch(() => undefined);
      // What fails here is logged and shown on the run: it must not quote a secret the engine was handed.
      throw new Error(scrub(error instanceof Error ? error.message : String(error)));
    }
    await chain;
    await progress.flush();
    signal?.throwIfAborted();

    const missing = [...before.values()].filter((h) => !seen.has(h.address));
    await this.repo.insertHosts(
      this.deps.db,
      missing.map((h) => ({
        run_id: runId,
        address: h.address,
        change: 'missing',
        data: readJson(h.data, this.deps.dialect),
        ci_id: h.ci_id,
      })),
    );
    summary.missing = missing.length;
    summary.relationships = await this.linkNeighbours(devices, ctx);
    if (snmp) {
      summary.snmp = snmp.summary();
      const warnings = snmp.warnings();
      if (warnings.length > 0) summary.warnings = warnings;
    }

    await this.deps.db.transaction().execute(async (trx) => {
      await this.repo.setRun(runId, { status: 'succeeded', done: addresses.length, summary, finished_at: Date.now() }, trx);
      await this.deps.audit.append(trx, ctx, {
        action: 'discovery_run.finish',
        targetType: 'discovery_run',
        targetId: runId,
        after: { scanId: scan.id, scanName: scan.name, addresses: addresses.length, ...summary },
      });
      const counts = { new: summary.new, changed: summary.changed, missing: summary.missing, unchanged: summary.unchanged };
      await publishEvent(trx, 'discovery.run.finished', { runId, scanId: scan.id, status: 'succeeded', counts, error: null });
    });
  }

  /**
   * Marks a run failed with `message` (when it is not finished yet) audits it and publishes `discovery.run.finished`, in `executor`'s transaction when it
   * is one (the transaction that marks the run's job dead), else in a new one.
   */
  async fail(runId: string, message: string, executor: Kysely<ScanTables> = this.deps.db): Promise<void> {
    await withTransaction(executor, async (trx) => {
      const run = await this.repo.getRun(runId, trx);
      if (!run || run.status === 'succeeded' || run.status === 'failed') return;
      await this.repo.setRun(runId, { status: 'failed', error: message.slice(0, 2000), finished_at: Date.now() }, trx);
      await this.deps.audit.append(
        trx,
        { actor: { type: 'system', id: null, label: `scan ${run.scan_name}` }, requestId: null, sourceIp: null },
        { action: 'discovery_run.finish', outcome: 'failure', targetType: 'discovery_run', targetId: runId, after: { error: message } },
      );
      await publishEvent(trx, 'discovery.run.finished', {
        runId,
        scanId: run.scan_id,
        status: 'failed',
        counts: { new: 0, changed: 0, missing: 0, unchanged: 0 },
        error: message.slice(0, 2000),
      });
    });
  }

  private async record(
    runId: string,
    scan: { id: string; name: string },
    finding: HostFinding,
    run: RunState,
    summary: RunSummary,
    ctx: ActionContext,
  ): Promise<void> {
    if (run.seen.has(finding.address)) return;
    run.seen.add(finding.address);
    run.snmp?.add(finding);
    const data = hostData(finding);
    const previous = run.before.get(finding.address);
    const compared = compareHost(previous ? readJson<HostData>(previous.data, this.deps.dialect) : undefined, data);
    let ci: { id: string; created: boolean } | null = null;
    try {
      const local = isLocalAddress(finding.address, run.local);
      const observation = local ? onLocalHost(observationOf(finding, scan), run.local) : observationOf(finding, scan);
      const result = await this.deps.reconciler.reconcile(observation, ctx);
      ci = { id: result.ciId, created: result.created };
      if (result.created) summary.cisCreated++;
      if (finding.snmp) run.devices.push({ ciId: result.ciId, snmp: finding.snmp });
      data.notes = [...data.notes, ...reconcileNotes(result)];
    } catch (error) {
      // A finding the inventory refuses (a reference it cannot resolve) is kept with a note; store failures are not.
      if (!(error instanceof HttpProblem) || error.status >= 500) throw error;
      const fields = (error.errors ?? []).map((e) => `${e.path} ${e.message}`);
      data.notes = [
        ...data.notes,
        `Not recorded in the inventory: ${error.detail ?? error.message}${fields.length ? ` (${fields.join('; ')})` : ''}`,
      ];
    }
    const { change, changedFields } = settleChange(compared, previous?.ci_id, ci);
    if (change === 'changed') data.changedFields = changedFields;
    await this.repo.insertHosts(this.deps.db, [{ run_id: runId, address: finding.address, change, data, ci_id: ci?.id ?? null }]);
    summary.hosts++;
    summary[change]++;
  }

  /**
   * Links each SNMP device to the CIs its LLDP neighbours are: by chassis MAC, then system name, then management
   * address, looked up among this run's devices first and then among every CI's identifiers. Returns how many
   * distinct links were ensured (two switches that see each other are one link).
   */
  private async linkNeighbours(devices: SeenDevice[], ctx: ActionContext): Promise<number> {
    const local = new Map<string, string>();
    for (const d of devices) {
      for (const i of d.snmp.interfaces) {
        const mac = normaliseMac(i.mac);
        if (mac) local.set(`mac:${mac}`, d.ciId);
      }
      const name = normaliseHostname(d.snmp.sysName);
      if (name) local.set(`hostname:${name}`, d.ciId);
      for (const a of d.snmp.addresses) {
        const ip = normaliseIp(a);
        if (ip) local.set(`ip:${ip}`, d.ciId);
      }
    }
    const linked = new Set<string>();
    for (const device of devices) {
      for (const neighbour of device.snmp.neighbours) {
        const keys = neighbourKeys(neighbour);
        const candidates = [
          ...keys.macs.map((v) => ['mac', v] as const),
          ...keys.hostnames.map((v) => ['hostname', v] as const),
          ...keys.ips.map((v) => ['ip', v] as const),
        ];
        let target = candidates.map(([k, v]) => local.get(`${k}:${v}`)).find((id) => id !== undefined);
        target ??= await this.lookup(candidates);
        if (!target || target === device.ciId) continue;
        const pair = [device.ciId, target].sort().join(' ');
        if (linked.has(pair)) continue;
        try {
          await this.deps.relationships.ensure({ type: 'connected_to', sourceId: device.ciId, targetId: target }, ctx, 'scan');
          linked.add(pair);
        } catch (error) {
          // A pair the relationship rules refuse (a device linked to a CI of a type that cannot connect) is skipped.
          if (!(error instanceof HttpProblem) || error.status >= 500) throw error;
        }
      }
    }
    return linked.size;
  }

  /** The CI with the first matching identifier, in the order given. */
  private async lookup(candidates: ReadonlyArray<readonly [string, string]>): Promise<string | undefined> {
    if (candidates.length === 0) return undefined;
    const rows = await this.deps.db
      .selectFrom('ci_identifiers')
      .select(['ci_id', 'kind', 'value'])
      .where((eb) => eb.or(candidates.map(([kind, value]) => eb.and([eb('kind', '=', kind), eb('value', '=', value)]))))
      .execute();
    for (const [kind, value] of candidates) {
      const hit = rows.find((r) => r.kind === kind && r.value === value);
      if (hit) return hit.ci_id;
    }
    return undefined;
  }

  /** Progress writes, at most one per interval and one at a time; `flush` writes the last one reported. */
  private progressWriter(runId: string) {
    const interval = this.deps.progressIntervalMs ?? 1_000;
    let lastWrite = 0;
    let latest = -1;
    let written = -1;
    let inFlight: Promise<void> | null = null;
    const write = () => {
      if (inFlight || latest === written) return;
      const done = latest;
      lastWrite = Date.now();
      inFlight = this.repo
        .setRun(runId, { done })
        .then(() => {
          written = done;
        })
        .catch(() => {
          // Progress is advisory; the next report (or the end of the run) writes it again.
        })
        .finally(() => {
          inFlight = null;
          // Reports that came while this write was going are written next, not lost until the next report.
          if (latest !== written && latest !== done) write();
        });
    };
    return {
      report: (done: number) => {
        latest = done;
        if (Date.now() - lastWrite >= interval) write();
      },
      flush: async () => {
        await inFlight;
        write();
        await inFlight;
      },
    };
  }
}
