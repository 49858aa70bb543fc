import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { metricsBackendOf } from './metrics-backend';

/** The ConfigError loading `env` throws (failing the test when it throws nothing or something else). */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('the metrics backend configuration', () => {
  it('is the embedded store when ESTATE_METRICS_URL is not set', () => {
    const config = loadConfig({});
    expect(config.metricsUrl).toBeUndefined();
    expect(metricsBackendOf(config)).toBeUndefined();
  });

  it('takes a base URL and writes to its /api/v1/write unless a write URL is given', () => {
    expect(metricsBackendOf(loadConfig({ ESTATE_METRICS_URL: 'http://127.0.0.1:8428/' }))).toEqual({
      baseUrl: 'http://127.0.0.1:8428',
      writeUrl: 'http://127.0.0.1:8428/api/v1/write',
      authorization: undefined,
    });
    const mimir = loadConfig({
      ESTATE_METRICS_URL: 'https://mimir.example.org/prometheus',
      ESTATE_METRICS_WRITE_URL: 'https://mimir.example.org/api/v1/push',
      ESTATE_METRICS_BEARER_TOKEN: 'tok-123',
    });
    expect(metricsBackendOf(mimir)).toEqual({
      baseUrl: 'https://mimir.example.org/prometheus',
      writeUrl: 'https://mimir.example.org/api/v1/push',
      authorization: 'Bearer tok-123',
    });
  });

  it("moves the URL's user and password into a basic Authorization header, out of every URL shown", () => {
    const target = metricsBackendOf(loadConfig({ ESTATE_METRICS_URL: 'http://estate:p%40ss%3Aword@10.0.0.5:9090' }));
    expect(target).toEqual({
      baseUrl: 'http://10.0.0.5:9090',
      writeUrl: 'http://10.0.0.5:9090/api/v1/write',
      authorization: `Basic ${Buffer.from('estate:p@ss:word').toString('base64')}`,
    });
  });

  it('refuses a bad setting at start with a message naming the variable, never repeating a credential', () => {
    expect(refusal({ ESTATE_METRICS_URL: 'victoria:8428' })).toMatch(/ESTATE_METRICS_URL must start with http:\/\/ or https:\/\//);
    expect(refusal({ ESTATE_METRICS_URL: 'ftp://metrics.example.org' })).toMatch(/ESTATE_METRICS_URL must start with http/);
    const notUrl = refusal({ ESTATE_METRICS_URL: 'http://admin:hunter2@[bad' });
    expect(notUrl).toMatch(/ESTATE_METRICS_URL is not a valid URL/);
    expect(notUrl).not.toContain('hunter2');
    const query = refusal({ ESTATE_METRICS_URL: 'http://admin:hunter2@vm:8428/?token=x' });
    expect(query).toMatch(/ESTATE_METRICS_URL must not have a query string/);
    expect(query).not.toContain('hunter2');
    expect(refusal({ ESTATE_METRICS_URL: 'http://a:b@vm:8428', ESTATE_METRICS_BEARER_TOKEN: 'tok' })).toMatch(/use one of them/);
    expect(refusal({ ESTATE_METRICS_URL: 'http://vm:8428', ESTATE_METRICS_WRITE_URL: 'http://u:hunter2@vm:8480/insert' })).toMatch(
      /ESTATE_METRICS_WRITE_URL must not carry credentials/,
    );
    expect(refusal({ ESTATE_METRICS_BEARER_TOKEN: 'tok' })).toMatch(/ESTATE_METRICS_BEARER_TOKEN needs ESTATE_METRICS_URL/);
    expect(refusal({ ESTATE_METRICS_WRITE_URL: 'http://vm:8428/api/v1/write' })).toMatch(
      /ESTATE_METRICS_WRITE_URL needs ESTATE_METRICS_URL/,
    );
    expect(refusal({ ESTATE_METRICS_URL: 'http://vm:8428', ESTATE_METRICS_BEARER_TOKEN: 'two words' })).toMatch(/white space/);
  });
});
