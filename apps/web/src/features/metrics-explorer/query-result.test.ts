import { ApiError } from '@estate/client';
import { describe, expect, it } from 'vitest';
import { graphSeries } from './graph-series';
import { PromQueryError, readAnswer } from './prometheus-query';
import { formatSeries, resultRows } from './result-rows';

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('query answers', () => {
  it('reads the success envelope with its warnings', async () => {
    const answer = await readAnswer(json({ status: 'success', data: { resultType: 'scalar', result: [1, '2'] }, warnings: ['w'] }));
    expect(answer).toEqual({ data: { resultType: 'scalar', result: [1, '2'] }, warnings: ['w'] });
  });

  it("turns Prometheus' error envelope into a PromQueryError with its type, message and status", async () => {
    const error = await readAnswer(json({ status: 'error', errorType: 'bad_data', error: 'parse error: unexpected "}"' }, 400)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PromQueryError);
    expect(error).toMatchObject({ errorType: 'bad_data', message: 'parse error: unexpected "}"', status: 400 });
  });

  it('turns a problem answer (signed out) into an ApiError, and anything else into one built from the status', async () => {
    const signedOut = await readAnswer(
      json({ type: 'https://estate.dev/problems/unauthenticated', title: 'Sign in', status: 401 }, 401, 'application/problem+json'),
    ).catch((e: unknown) => e);
    expect(signedOut).toBeInstanceOf(ApiError);
    expect(signedOut).toMatchObject({ status: 401, title: 'Sign in' });
    const proxy = await readAnswer(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })).catch(
      (e: unknown) => e,
    );
    expect(proxy).toMatchObject({ status: 502, title: 'Bad Gateway' });
  });
});

describe('result rows', () => {
  it('writes a series as PromQL does: name first, labels sorted, values escaped', () => {
    expect(formatSeries({ __name__: 'up' })).toBe('up');
    expect(formatSeries({ job: 'a', __name__: 'up', instance: 'h"1\\' })).toBe('up{instance="h\\"1\\\\", job="a"}');
    expect(formatSeries({ job: 'a' })).toBe('{job="a"}');
    expect(formatSeries({})).toBe('{}');
  });

  it('gives one row per vector element, cut to the limit, counting them all', () => {
    const result = Array.from({ length: 12 }, (_, i) => ({
      metric: { __name__: 'm', i: String(i) },
      value: [10, String(i)] as [number, string],
    }));
    const rows = resultRows({ resultType: 'vector', result }, 5);
    expect(rows.total).toBe(12);
    expect(rows.rows).toHaveLength(5);
    expect(rows.rows[4]).toEqual({ key: '4', series: 'm{i="4"}', samples: [[10, '4']], omittedSamples: 0 });
  });

  it('shows a scalar and a string as one row without a series', () => {
    expect(resultRows({ resultType: 'scalar', result: [5, '1.5'] }).rows).toEqual([
      { key: 'scalar', series: null, samples: [[5, '1.5']], omittedSamples: 0 },
    ]);
    expect(resultRows({ resultType: 'string', result: [5, 'hello'] }).rows[0]?.samples).toEqual([[5, 'hello']]);
  });

  it('keeps the newest samples of a range vector and counts the rest', () => {
    const values = Array.from({ length: 25 }, (_, i) => [i, String(i)] as [number, string]);
    const [row] = resultRows({ resultType: 'matrix', result: [{ metric: { __name__: 'm' }, values }] }).rows;
    expect(row?.samples).toHaveLength(20);
    expect(row?.samples[0]).toEqual([5, '5']);
    expect(row?.omittedSamples).toBe(5);
  });
});

describe('graph series', () => {
  it('draws at most the limit of series, labelled as PromQL writes them, special values as gaps', () => {
    const result = Array.from({ length: 3 }, (_, i) => ({
      metric: { __name__: 'm', i: String(i) },
      values: [
        [1.5, '1'],
        [2.5, '+Inf'],
        [3.5, 'NaN'],
      ] as Array<[number, string]>,
    }));
    const graph = graphSeries(result, 2);
    expect(graph.total).toBe(3);
    expect(graph.series).toHaveLength(2);
    expect(graph.series[1]).toEqual({
      label: 'm{i="1"}',
      points: [
        [1.5, 1],
        [2.5, null],
        [3.5, null],
      ],
    });
  });
});
