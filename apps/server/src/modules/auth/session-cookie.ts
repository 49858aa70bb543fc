import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../../platform/http/access-hook';
import { DEVICE_COOKIE, DEVICE_TRUST_MS } from './device-trust';

/** Sets the session cookie: httpOnly, SameSite=Strict, Secure whenever Estate is reached over HTTPS. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeMs: number, publicUrl?: string): void {
  const secure = request.protocol === 'https' || (publicUrl?.startsWith('https:') ?? false);
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: Math.floor(maxAgeMs / 1000) });
}

/**
 * Sets the device cookie that lets this browser sign in past other clients' failures (device-trust.ts): httpOnly,
 * SameSite=Strict, sent only to the sign-in routes, kept for as long as the trust lasts.
 */
export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, value: string, publicUrl?: string): void {
  const secure = request.protocol === 'https' || (publicUrl?.startsWith('https:') ?? false);
  reply.setCookie(DEVICE_COOKIE, value, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/api/v1/auth',
    maxAge: Math.floor(DEVICE_TRUST_MS / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** Where a request comes from, as sign-in and session listing record it, with the browser's device cookie. */
export function clientInfo(request: FastifyRequest) {
  return { ip: request.ip, userAgent: request.headers['user-agent'], deviceCookie: request.cookies?.[DEVICE_COOKIE] };
}
