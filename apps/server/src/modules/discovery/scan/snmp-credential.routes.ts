import {
  CreateSnmpCredentialRequest,
  Empty,
  IdParams,
  Page,
  PageQuery,
  Problem,
  SnmpCredential,
  UpdateSnmpCredentialRequest,
} from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../../platform/http/etag';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext } from '../../../platform/http/principal';
import type { SnmpCredentialService } from './snmp-credential.service';

const BASE = '/api/v1/discovery/snmp-credentials';

/** CRUD of SNMP credentials under /api/v1/discovery/snmp-credentials. Secrets go in and never come out. */
export function registerSnmpCredentialRoutes(app: HttpServer, credentials: SnmpCredentialService): void {
  const tags = ['discovery'];

  app.get(
    BASE,
    {
      config: { permission: 'discovery:read' },
      schema: {
        tags,
        summary: 'List SNMP credentials (secrets never included)',
        querystring: PageQuery,
        response: { 200: Page(SnmpCredential) },
      },
    },
    async (request) => credentials.list(request.query),
  );

  app.post(
    BASE,
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Create an SNMP credential (v2c community or v3 user and keys; sealed at rest)',
        body: CreateSnmpCredentialRequest,
        response: { 201: SnmpCredential, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const credential = await credentials.create(request.body, actionContext(request));
      sendEtag(reply, credential.id, credential.version);
      return reply.code(201).send(credential);
    },
  );

  app.get(
    `${BASE}/:id`,
    {
      config: { permission: 'discovery:read' },
      schema: { tags, summary: 'Read an SNMP credential (with ETag)', params: IdParams, response: { 200: SnmpCredential, 404: Problem } },
    },
    async (request, reply) => {
      const credential = await credentials.get(request.params.id);
      sendEtag(reply, credential.id, credential.version);
      return credential;
    },
  );

  app.patch(
    `${BASE}/:id`,
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Change an SNMP credential (If-Match required; secrets left out are kept)',
        params: IdParams,
        body: UpdateSnmpCredentialRequest,
        response: { 200: SnmpCredential, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const credential = await credentials.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, credential.id, credential.version);
      return credential;
    },
  );

  app.delete(
    `${BASE}/:id`,
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Delete an SNMP credential (If-Match required; refused while a scan uses it)',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await credentials.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}
