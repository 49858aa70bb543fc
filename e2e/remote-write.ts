import { encodeWriteRequestV1, snappyEncode, type WriteSeries } from '@estate/tsdb';
import { expect } from 'vitest';
import type { AdminApi } from './admin-api';
import type { ServerProcess } from './server-process';

/**
 * Writes `series` into the server's metric store the way a Prometheus would send them: remote_write 1.0 (snappy
 * protobuf) with a `metrics:write` token made for the purpose. Fails the test unless the server answers 204.
 */
export async function writeSeries(server: ServerProcess, admin: AdminApi, series: WriteSeries[]): Promise<void> {
  const { token } = (await admin('POST', '/tokens', { name: 'e2e remote_write', scopes: ['metrics:write'] })).body as { token: string };
  const res = await fetch(`${server.url}/api/v1/write`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body: Buffer.from(snappyEncode(encodeWriteRequestV1(series))),
  });
  expect(res.status, await res.text()).toBe(204);
}
