import packageJson from '../package.json' with { type: 'json' };

/** This agent's version, from its package.json (inlined in the bundle); sent at enrollment and shown to administrators. */
export const AGENT_VERSION: string = packageJson.version;
