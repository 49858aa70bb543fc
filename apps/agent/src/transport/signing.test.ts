import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { AGENT_HEADERS, agentSigningPayload, serverSigningPayload } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { signRequest, verifyServerAnswer } from './signing';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('request signing', () => {
  it('signs the contract payload with the agent key, so node:crypto verifies it with the public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const body = Buffer.from('{"series":[]}');
    const { headers, nonce } = signRequest(
      { agentId: 'a1', method: 'post', path: '/api/v1/agent/metrics?x=1', body, idempotencyKey: 'k1' },
      privateKey,
      1_700_000_000_000,
    );
    expect(headers[AGENT_HEADERS.agent]).toBe('a1');
    expect(headers[AGENT_HEADERS.timestamp]).toBe('1700000000000');
    expect(headers[AGENT_HEADERS.idempotencyKey]).toBe('k1');
    expect(Buffer.from(nonce, 'base64url').length).toBeGreaterThanOrEqual(16);
    const payload = agentSigningPayload({
      method: 'POST',
      path: '/api/v1/agent/metrics?x=1',
      timestamp: '1700000000000',
      nonce,
      bodySha256: sha256(body),
    });
    const signature = Buffer.from(headers[AGENT_HEADERS.signature] as string, 'base64url');
    expect(verify(null, Buffer.from(payload), publicKey, signature)).toBe(true);
    // Any other body, path or time breaks it.
    const tampered = agentSigningPayload({
      method: 'POST',
      path: '/api/v1/agent/metrics?x=1',
      timestamp: '1700000000000',
      nonce,
      bodySha256: sha256('{}'),
    });
    expect(verify(null, Buffer.from(tampered), publicKey, signature)).toBe(false);
  });

  it('uses a new nonce for every signing of the same request', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const request = { agentId: 'a1', method: 'GET', path: '/api/v1/agent/config', body: Buffer.alloc(0) };
    const nonces = new Set(Array.from({ length: 50 }, () => signRequest(request, privateKey).nonce));
    expect(nonces.size).toBe(50);
  });
});

describe('answer verification', () => {
  const server = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const body = Buffer.from('{"accepted":3}');
  const signed = (key: typeof server.privateKey, nonce = 'n1', status = 200) =>
    sign(null, Buffer.from(serverSigningPayload({ nonce, status, bodySha256: sha256(body) })), key).toString('base64url');

  it('accepts an answer signed by the pinned server key for this request', () => {
    expect(verifyServerAnswer(server.publicKey, { nonce: 'n1', status: 200, body, signature: signed(server.privateKey) })).toBe(true);
  });

  it('refuses an answer signed by another key, for another request or status, or not signed at all', () => {
    expect(verifyServerAnswer(server.publicKey, { nonce: 'n1', status: 200, body, signature: signed(other.privateKey) })).toBe(false);
    expect(verifyServerAnswer(server.publicKey, { nonce: 'n2', status: 200, body, signature: signed(server.privateKey) })).toBe(false);
    expect(verifyServerAnswer(server.publicKey, { nonce: 'n1', status: 201, body, signature: signed(server.privateKey) })).toBe(false);
    expect(
      verifyServerAnswer(server.publicKey, { nonce: 'n1', status: 200, body: Buffer.from('{}'), signature: signed(server.privateKey) }),
    ).toBe(false);
    expect(verifyServerAnswer(server.publicKey, { nonce: 'n1', status: 200, body, signature: undefined })).toBe(false);
    expect(verifyServerAnswer(server.publicKey, { nonce: 'n1', status: 200, body, signature: 'not base64!' })).toBe(false);
  });
});
