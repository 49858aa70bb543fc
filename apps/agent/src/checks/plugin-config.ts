import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LIFTABLE_CLASSES, liftableClassesOf } from '@estate/checks/net/allow-names';
import type { DestinationClass } from '@estate/checks/net/outbound-policy';
import { AgentConfigError } from '../identity';

/** Where an installed agent reads its own configuration; `--config` or `ESTATE_AGENT_CONFIG` override it. */
export const DEFAULT_CONFIG_FILE = '/etc/estate-agent/agent.json';

/** One plugin this host allows the server to ask for. */
export interface AllowedPlugin {
  /** Absolute path of the executable. */
  command: string;
  /** Arguments always passed, first, exactly as written. */
  args: string[];
  /** The only arguments a check may append, each compared exactly; empty: a check may append none. */
  allowedArgs: string[];
}

/**
 * The Nagios plugins this host allows, by name: the host's own configuration file, which only the host's
 * administrator writes. The server names a plugin and may pass arguments; it can never add a plugin, change its
 * command, or pass an argument the file does not list. That is what keeps a compromised server from running code here.
 */
export class PluginAllowList {
  constructor(private readonly plugins: ReadonlyMap<string, AllowedPlugin> = new Map()) {}

  /** The names allowed, sorted. */
  names(): string[] {
    return [...this.plugins.keys()].sort();
  }

  /**
   * The command line for `name` with the server's `args` appended, or why it is refused: a plugin this host does not
   * allow, or an argument its configuration does not list.
   */
  resolve(name: string, args: readonly string[]): { ok: true; command: string; argv: string[] } | { ok: false; reason: string } {
    const plugin = this.plugins.get(name);
    if (!plugin)
      return {
        ok: false,
        reason: `This host does not allow the plugin "${name}": its agent configuration allows ${this.plugins.size === 0 ? 'no plugins' : this.names().join(', ')}.`,
      };
    const refused = args.filter((arg) => !plugin.allowedArgs.includes(arg));
    if (refused.length > 0)
      return {
        ok: false,
        reason: `This host's agent configuration does not allow the argument${refused.length > 1 ? 's' : ''} ${refused.map((a) => JSON.stringify(a)).join(', ')} for the plugin "${name}".`,
      };
    return { ok: true, command: plugin.command, argv: [...plugin.args, ...args] };
  }
}

/**
 * Reads the agent's configuration file: `{ "plugins": { "<name>": { "command": "/abs/path", "args": [...],
 * "allowedArgs": [...] } } }`. A missing file allows no plugins. Refuses (AgentConfigError) a file that others may
 * write (group or world writable), that is not valid JSON, or that names a relative command.
 */
export function loadPluginAllowList(file: string): PluginAllowList {
  const raw = readAgentConfig(file);
  const plugins = new Map<string, AllowedPlugin>();
  const section = (raw as { plugins?: unknown } | null)?.plugins ?? {};
  if (typeof section !== 'object' || section === null || Array.isArray(section))
    throw new AgentConfigError(`${file}: "plugins" must be an object of plugin names.`);
  for (const [name, value] of Object.entries(section)) {
    const where = `${file}: plugins.${name}`;
    const entry = value as Partial<Record<keyof AllowedPlugin, unknown>> | null;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
      throw new AgentConfigError(`${where}: a plugin name is letters, digits, _ . - (64 at most).`);
    if (typeof entry?.command !== 'string' || !path.isAbsolute(entry.command))
      throw new AgentConfigError(`${where}.command must be an absolute path to the plugin.`);
    plugins.set(name, {
      command: entry.command,
      args: strings(entry.args, `${where}.args`),
      allowedArgs: strings(entry.allowedArgs, `${where}.allowedArgs`),
    });
  }
  return new PluginAllowList(plugins);
}

/**
 * The destination classes this host lets its collector's network checks reach beyond private and loopback ranges:
 * `"checksAllow": ["link-local", "cloud-metadata"]` in the same file (the server cannot widen it). None when absent.
 */
export function loadChecksAllow(file: string): DestinationClass[] {
  const raw = readAgentConfig(file);
  const names = strings((raw as { checksAllow?: unknown } | null)?.checksAllow, `${file}: checksAllow`);
  const verdict = liftableClassesOf(names);
  if ('unknown' in verdict)
    throw new AgentConfigError(
      `${file}: checksAllow names "${verdict.unknown}"; it may name ${Object.keys(LIFTABLE_CLASSES).join(' and ')}. Private and loopback ranges are always allowed.`,
    );
  return verdict.classes;
}

/** The parsed configuration file, or null when there is none; refused when others may write it or it is not JSON. */
function readAgentConfig(file: string): unknown {
  if (!existsSync(file)) return null;
  const mode = statSync(file).mode;
  if ((mode & 0o022) !== 0)
    throw new AgentConfigError(
      `${file} may be written by others (mode ${(mode & 0o777).toString(8)}): run \`chmod go-w ${file}\`; it decides what the agent may run.`,
    );
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AgentConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new AgentConfigError(`${where} must be a list of strings.`);
  return value as string[];
}
