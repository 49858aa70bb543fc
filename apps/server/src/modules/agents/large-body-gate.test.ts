import { ProblemType } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../platform/http/problem';
import { isLargeBody, LARGE_BODY_BYTES, LargeBodyGate } from './large-body-gate';

function refusal(enter: () => unknown): HttpProblem {
  try {
    enter();
  } catch (err) {
    if (err instanceof HttpProblem) return err;
    throw err;
  }
  throw new Error('the gate admitted a body it should have refused');
}

describe('LargeBodyGate', () => {
  const limits = { total: 3, perAgent: 1, perAddress: 2, retryAfterSeconds: 7 };

  it('refuses past the per-agent, per-address and total limits with 429 and Retry-After', () => {
    const gate = new LargeBodyGate(limits);
    gate.enter('agent-a', '10.0.0.1');
    const perAgent = refusal(() => gate.enter('agent-a', '10.0.0.9'));
    expect(perAgent.status).toBe(429);
    expect(perAgent.type).toBe(ProblemType.tooManyRequests);
    expect(perAgent.headers).toEqual({ 'retry-after': '7' });
    expect(perAgent.detail).toMatch(/This agent/);

    gate.enter('agent-b', '10.0.0.1');
    expect(refusal(() => gate.enter('agent-c', '10.0.0.1')).detail).toMatch(/this address/);

    gate.enter('agent-c', '10.0.0.2');
    expect(gate.inFlight).toBe(3);
    expect(refusal(() => gate.enter('agent-d', '10.0.0.3')).detail).toMatch(/as many large reports as it allows/);
  });

  it('admits again once a body leaves, and counts a double leave once', () => {
    const gate = new LargeBodyGate(limits);
    const leave = gate.enter('agent-a', '10.0.0.1');
    leave();
    leave();
    expect(gate.inFlight).toBe(0);
    gate.enter('agent-a', '10.0.0.1');
    gate.enter('agent-b', '10.0.0.1');
    expect(gate.inFlight).toBe(2);
    expect(refusal(() => gate.enter('agent-c', '10.0.0.1')).status).toBe(429);
  });

  it('counts bodies declared larger than 1 MiB, and chunked ones of unknown length', () => {
    expect(isLargeBody({})).toBe(false);
    expect(isLargeBody({ 'content-length': '0' })).toBe(false);
    expect(isLargeBody({ 'content-length': String(LARGE_BODY_BYTES) })).toBe(false);
    expect(isLargeBody({ 'content-length': String(LARGE_BODY_BYTES + 1) })).toBe(true);
    expect(isLargeBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(isLargeBody({ 'content-length': 'nonsense' })).toBe(true);
  });
});
