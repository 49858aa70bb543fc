import type { Me, Role } from '@estate/contract';
import type { LightMyRequestResponse } from 'fastify';
import { createEstate, type Estate } from '../src/app';
import { type Config, loadConfig } from '../src/platform/config/config';
import { type TestDatabase, type TestEngine, testEngines } from '../src/platform/db/test-databases';

export { testEngines };

/** A whole Estate over a fresh test store, with helpers to act as users through the real HTTP stack. */
export interface TestEstate {
  estate: Estate;
  database: TestDatabase;
  config: Config;
  /** Completes setup and returns an admin agent. */
  setupAdmin(email?: string, password?: string): Promise<Agent>;
  /** Creates a user with a role (through the store) and signs them in. */
  userWithRole(role: Role, email?: string): Promise<Agent>;
  anonymous(): Agent;
  close(): Promise<void>;
}

/** A client with a cookie jar and CSRF token, driving `fastify.inject`. */
export interface Agent {
  me: Me | null;
  cookie: string | null;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  login(email: string, password: string, extra?: Record<string, string>): Promise<LightMyRequestResponse>;
}

export const STRONG_PASSWORD = 'correct horse battery staple 42';
let counter = 0;

/** Builds an Estate for one engine. `overrides` tune configuration (e.g. requireAdminMfa). */
export async function createTestEstate(engine: TestEngine, overrides: Partial<Config> = {}): Promise<TestEstate> {
  const database = await engine.create();
  const config = loadConfig(
    {},
    {
      dataDir: database.dataDir,
      databaseUrl: engine.dialect === 'postgres' ? database.location : undefined,
      logLevel: 'silent',
      rateLimitPerMinute: 100_000,
      webDir: `${database.dataDir}/no-web`,
      ...overrides,
    },
  );
  const estate = await createEstate(config, database, { logger: false });

  const makeAgent = (): Agent => {
    const agent: Agent = {
      me: null,
      cookie: null,
      async request(method, url, body, headers = {}) {
        const h: Record<string, string> = { ...headers };
        if (agent.cookie) h.cookie = agent.cookie;
        if (agent.me?.csrfToken && !['GET', 'HEAD', 'OPTIONS'].includes(method)) h['x-csrf-token'] ??= agent.me.csrfToken;
        const res = await estate.http.inject({
          method: method as 'GET',
          url,
          headers: h,
          ...(body !== undefined ? { payload: body as object } : {}),
        });
        const setCookie = res.cookies.find((c) => c.name === 'estate_session');
        if (setCookie) agent.cookie = setCookie.value ? `estate_session=${setCookie.value}` : null;
        return res;
      },
      async login(email, password, extra = {}) {
        const res = await agent.request('POST', '/api/v1/auth/login', { email, password, ...extra });
        if (res.statusCode === 200) agent.me = res.json();
        return res;
      },
    };
    return agent;
  };

  return {
    estate,
    database,
    config,
    anonymous: makeAgent,
    async setupAdmin(email = 'admin@example.org', password = STRONG_PASSWORD) {
      const token = await estate.auth.auth.issueSetupToken();
      const agent = makeAgent();
      const res = await agent.request('POST', '/api/v1/setup', { token, email, name: 'Admin', password });
      if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
      agent.me = res.json();
      return agent;
    },
    async userWithRole(role, email = `${role}${++counter}@example.org`) {
      const ctx = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null, sourceIp: null };
      await estate.auth.users.create({ email, name: role, role, password: STRONG_PASSWORD }, ctx);
      const agent = makeAgent();
      const res = await agent.login(email, STRONG_PASSWORD);
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
      return agent;
    },
    async close() {
      await estate.close();
      await database.cleanup();
    },
  };
}
