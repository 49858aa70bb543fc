import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { consoleDestination, formatLogRecord, wantsPrettyLogs } from './log-format';

const at = new Date(2026, 11, 4, 9, 5, 7, 42).getTime();

describe('formatLogRecord', () => {
  it('writes time, level, message and the other fields as key=value, hiding pino bookkeeping', () => {
    const line = JSON.stringify({
      level: 30,
      time: at,
      pid: 1,
      hostname: 'h',
      reqId: 'abc-1',
      method: 'GET',
      path: '/api/v1/cis',
      status: 200,
      ms: 3.2,
      msg: 'GET /api/v1/cis 200 3.2 ms',
    });
    // Fields the message already shows are not repeated.
    expect(formatLogRecord(line)).toBe('09:05:07.042 INFO  GET /api/v1/cis 200 3.2 ms reqId=abc-1');
    const other = JSON.stringify({ level: 30, time: at, msg: 'GET /api/v1/cis 200', status: 201, path: '/api/v1/cis/x' });
    expect(formatLogRecord(other)).toBe('09:05:07.042 INFO  GET /api/v1/cis 200 status=201 path=/api/v1/cis/x');
  });

  it('quotes text with spaces, writes nested values as JSON and shows an error with its stack from error up', () => {
    const err = { type: 'Error', message: 'disk full', stack: 'Error: disk full\n    at write (file.ts:1:1)' };
    const warn = formatLogRecord(JSON.stringify({ level: 40, time: at, msg: 'slow', path: '/a b', tags: ['x'], err }));
    expect(warn).toBe('09:05:07.042 WARN  slow err="disk full" path="/a b" tags=["x"]');
    const error = formatLogRecord(JSON.stringify({ level: 50, time: at, msg: 'request failed', err }));
    expect(error.split('\n')).toEqual(['09:05:07.042 ERROR request failed err="disk full"', '    at write (file.ts:1:1)']);
  });

  it('colours the level only when asked, and passes a line that is not JSON through', () => {
    expect(formatLogRecord(JSON.stringify({ level: 20, time: at, msg: 'x' }), { colour: true })).toBe(
      '09:05:07.042 \u001b[36mDEBUG\u001b[0m x',
    );
    expect(formatLogRecord('plain text\n')).toBe('plain text');
  });
});

describe('consoleDestination', () => {
  it('turns a real pino logger into one readable line per record, with secrets still redacted', () => {
    const written: string[] = [];
    const out = Object.assign(
      new Writable({
        write(chunk, _enc, done) {
          written.push(String(chunk));
          done();
        },
      }),
      { isTTY: false },
    );
    const logger = pino({ level: 'info', redact: { paths: ['*.token'], censor: '[redacted]' } }, consoleDestination(out));
    logger.info({ component: 'local-agent', body: { token: 'secret-token' } }, 'Agent reporting to http://127.0.0.1:8420.');
    logger.debug('hidden at info');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}Agent reporting to http:\/\/127\.0\.0\.1:8420\. component=local-agent body=\{"token":"\[redacted\]"\}\n$/,
    );
    expect(written[0]).not.toContain('secret-token');
  });
});

describe('wantsPrettyLogs', () => {
  it('is readable on a terminal under auto, JSON elsewhere, and obeys a forced format', () => {
    expect(wantsPrettyLogs('auto', { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs('auto', { isTTY: false })).toBe(false);
    expect(wantsPrettyLogs('auto', {})).toBe(false);
    expect(wantsPrettyLogs('json', { isTTY: true })).toBe(false);
    expect(wantsPrettyLogs('pretty', { isTTY: false })).toBe(true);
  });
});
