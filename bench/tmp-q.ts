import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createEstate, migrate, openStore } from '../apps/server/src/app';
import { loadConfig } from '../apps/server/src/platform/config/config';
import { PromqlEngine } from '../apps/server/src/modules/metrics/promql/engine';
import { StoreSeriesSource } from '../apps/server/src/modules/metrics/store-series-source';
const dir = mkdtempSync(path.join(tmpdir(), 'q-'));
const config = loadConfig({}, { dataDir: dir, host: '127.0.0.1', port: 0, logLevel: 'silent', webDir: path.join(dir, 'w') });
const database = await openStore(config); await migrate(database);
const estate = await createEstate(config, database, { logger: false });
const end = Math.floor(Date.now() / 60_000) * 60_000; const t0 = end - 6 * 3_600_000;
const v = new Float64Array(1000);
for (let t = t0; t < end; t += 30_000) {
  await estate.metrics.store.append(Array.from({ length: 1000 }, (_, i) => ({ labels: { __name__: 'c', host: `h${i % 100}`, instance: `i${i}` }, t, v: (v[i] = (v[i] as number) + (i % 7)) })));
}
const engine = new PromqlEngine(new StoreSeriesSource(estate.metrics.store));
for (let k = 0; k < 2; k++) await engine.evalRange('rate(c[5m])', t0 + 600_000, end, 300_000);
const w = performance.now();
for (let k = 0; k < 5; k++) await engine.evalRange('rate(c[5m])', t0 + 600_000, end, 300_000);
console.log('ms per query', ((performance.now() - w) / 5).toFixed(1));
const s0 = performance.now();
for (let k = 0; k < 5; k++) await estate.metrics.store.select([{ name: '__name__', op: '=', value: 'c' }], t0, end);
console.log('ms per select', ((performance.now() - s0) / 5).toFixed(1));
await estate.close(); await database.close();
