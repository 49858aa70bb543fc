import { AGENT_BUNDLE_FILE, AgentDownload, Problem } from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import type { AgentDistribution } from './agent-distribution';

/**
 * The agent as a download (ADR 0016), public so that a host holding nothing but an enrollment token can install
 * it: the bundle is the same for every server of a version and carries no secret. The install command the Agents
 * page shows embeds the SHA-256 from `GET /api/v1/agent/download` and refuses a download that does not match it.
 */
export function registerAgentDownloadRoutes(app: HttpServer, deps: { distribution: AgentDistribution }): void {
  const tags = ['agents'];

  app.get(
    '/api/v1/agent/download',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'What this server offers of the agent: file, SHA-256, size and the Node.js it needs',
        response: { 200: AgentDownload, 404: Problem },
      },
    },
    async () => (await deps.distribution.bundle()).info,
  );

  app.get(
    `/api/v1/agent/download/${AGENT_BUNDLE_FILE}`,
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The agent bundle: one JavaScript file run by Node.js (>= 20.19)',
        description: 'Answers `text/javascript` as an attachment, its SHA-256 in `X-Checksum-SHA256`; 404 (problem) when not built.',
      },
    },
    async (_request, reply) => {
      const { bytes, info } = await deps.distribution.bundle();
      return reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('content-disposition', `attachment; filename="${info.file}"`)
        .header('cache-control', 'no-cache')
        .header('x-checksum-sha256', info.sha256)
        .send(bytes);
    },
  );

  app.get(
    '/api/v1/agent/download/SHA256SUMS',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'The SHA-256 of the agent bundle, in the format `sha256sum -c` reads',
        description: 'Answers `text/plain`: `<sha256>  estate-agent.mjs`; 404 (problem) when the bundle is not built.',
      },
    },
    async (_request, reply) => {
      const { info } = await deps.distribution.bundle();
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('cache-control', 'no-cache')
        .send(`${info.sha256}  ${info.file}\n`);
    },
  );
}
