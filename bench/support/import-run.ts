import Fastify from 'fastify';
import { createEstate } from '../../apps/server/src/app';
import { parseCsv } from '../../apps/server/src/modules/inventory/import/csv';
import { JobWorker } from '../../apps/server/src/platform/jobs';
import { openBenchStore } from './bench-store';

/** A CSV of `rows` physical servers, with common fields and attributes, as an operator would export one. */
export function serverCsv(rows: number): string {
  const lines = ['name,status,environment,serial,manufacturer,attr.cpuCores,attr.memoryGb,attr.hostname'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `srv-${String(i).padStart(6, '0')},deployed,production,SN-${i},"Dell, Inc.",${2 + (i % 62)},${8 * (1 + (i % 32))},srv-${i}.example.org`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Imports `csv` into a fresh store of the given engine through the real API and job worker; returns the wall time
 * from POST to `succeeded`, and the time a bare Fastify route takes to receive the same body and parse the CSV.
 */
export async function timeImport(
  databaseUrl: string | undefined,
  csv: string,
): Promise<{ importMs: number; parseMs: number; status: string }> {
  const { config, database, drop } = await openBenchStore(databaseUrl, { bodyLimit: 104_857_600 });
  const estate = await createEstate(config, database, { logger: false });
  const worker = new JobWorker(database, { pollIntervalMs: 20, logger: { warn: () => {}, error: () => {} } });
  estate.inventory.jobs?.(worker);
  worker.start();
  const bare = Fastify({ logger: false, bodyLimit: 104_857_600 });
  bare.post('/api/v1/imports', async (request) => ({ rows: parseCsv((request.body as { content: string }).content).length }));
  try {
    const ctx = { actor: { type: 'system' as const, id: null, label: 'bench' }, requestId: null, sourceIp: null };
    const { user } = await estate.auth.users.create(
      { email: 'imp@example.org', name: 'Imp', role: 'admin', password: 'correct horse battery staple 42' },
      ctx,
    );
    const { token } = await estate.auth.tokens.create(user.id, { name: 'imp', scopes: ['inventory:write'], expiresInDays: 1 }, ctx);
    await estate.http.listen({ host: '127.0.0.1', port: 0 });
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const ours = `http://127.0.0.1:${(estate.http.server.address() as { port: number }).port}`;
    const peer = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
    const body = JSON.stringify({ format: 'csv', ciType: 'physical_server', dryRun: false, content: csv });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let t0 = performance.now();
    const parsed = await fetch(`${peer}/api/v1/imports`, { method: 'POST', headers, body });
    await parsed.text();
    const parseMs = performance.now() - t0;
    t0 = performance.now();
    const started = await fetch(`${ours}/api/v1/imports`, { method: 'POST', headers, body });
    const { id } = (await started.json()) as { id: string };
    let status = 'queued';
    while (status === 'queued' || status === 'running') {
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${ours}/api/v1/imports/${id}`, { headers });
      status = ((await res.json()) as { status: string }).status;
    }
    return { importMs: performance.now() - t0, parseMs, status };
  } finally {
    await worker.stop();
    await bare.close();
    await estate.close();
    await drop();
  }
}
