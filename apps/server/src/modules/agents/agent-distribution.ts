import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { AGENT_BUNDLE_FILE, AGENT_NODE_RANGE, type AgentDownload, ProblemType } from '@estate/contract';
import { HttpProblem } from '../../platform/http/problem';

/** The agent bundle as read from disk: its bytes and what the download routes say about it. */
export interface AgentBundle {
  bytes: Buffer;
  info: AgentDownload;
}

/** The path the bundle is served at. */
export const AGENT_BUNDLE_PATH = `/api/v1/agent/download/${AGENT_BUNDLE_FILE}`;

/**
 * The agent as this server offers it to other hosts: the single-file bundle `scripts/build-agent.mjs` writes (which
 * `npm start` builds) and its SHA-256. The file is read again only when its size or modification time changed, so
 * a rebuilt bundle is served (with its new checksum) without a restart. A server without a built bundle answers 404
 * with the command that builds it.
 */
export class AgentDistribution {
  private cached: { key: string; bundle: AgentBundle } | null = null;

  /**
   * `file` is the bundle's absolute path (config `agentBundle`); `serverUrl` the address hosts reach the server at
   * (config `publicUrl`), when configured.
   */
  constructor(
    private readonly file: string,
    private readonly serverUrl: string | null = null,
  ) {}

  /** The bundle and its description; a 404 problem when it is not built. */
  async bundle(): Promise<AgentBundle> {
    let key: string;
    try {
      const s = await stat(this.file);
      key = `${s.size}:${s.mtimeMs}`;
    } catch {
      throw new HttpProblem(
        404,
        ProblemType.notFound,
        'Not found',
        'This server has no agent bundle to offer: build it with `npm run build:agent` (`npm start` builds it), or set ESTATE_AGENT_BUNDLE.',
      );
    }
    if (this.cached?.key === key) return this.cached.bundle;
    const bytes = await readFile(this.file);
    const bundle: AgentBundle = {
      bytes,
      info: {
        file: AGENT_BUNDLE_FILE,
        path: AGENT_BUNDLE_PATH,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        node: AGENT_NODE_RANGE,
        serverUrl: this.serverUrl === null ? null : new URL(this.serverUrl).origin,
      },
    };
    this.cached = { key, bundle };
    return bundle;
  }
}
