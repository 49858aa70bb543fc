import { bool, lines, missing, num, type OptionalNumber, type TypedFields, text, withNumber, withTexts } from './check-type-config-parts';

/**
 * The fields of the agent-side types, whose settings the contract lists (`AgentCheckConfigs`); the agent they run on is
 * chosen apart (AgentSelect). Thresholds left blank take the agent's defaults.
 */
export interface AgentFieldValues {
  systemd: { unit: string };
  process: { name: string; commandContains: string; minCount: OptionalNumber; maxCount: OptionalNumber };
  filesystem: {
    path: string;
    warnPercent: OptionalNumber;
    critPercent: OptionalNumber;
    inodeWarnPercent: OptionalNumber;
    inodeCritPercent: OptionalNumber;
  };
  /** `mustExist` false: the file must not exist. */
  file: { path: string; mustExist: boolean; maxAgeSeconds: OptionalNumber; minBytes: OptionalNumber; maxBytes: OptionalNumber };
  'certificate-file': { path: string; warnDays: OptionalNumber; critDays: OptionalNumber };
  /** `args` one per line, appended to the plugin's configured ones (only those the host's configuration allows). */
  nagios: { plugin: string; args: string };
}

const PATH = 'Enter an absolute path on the host, such as /var/log';

/** `config` with each number set, unless it is blank. */
const withNumbers = (config: Record<string, unknown>, numbers: Record<string, OptionalNumber>) =>
  Object.entries(numbers).reduce((c, [key, value]) => withNumber(c, key, value), config);

/** How the agent-side types' fields read and make their configurations. */
export const AGENT_FIELDS: { readonly [T in keyof AgentFieldValues]: TypedFields<AgentFieldValues[T]> } = {
  systemd: {
    covered: ['unit'],
    blank: () => ({ unit: '' }),
    read: (config) => ({ unit: text(config.unit) }),
    build: ({ unit }, kept) =>
      missing(['unit', unit, 'Enter the unit, such as nginx.service']) ?? { config: { ...kept, unit: unit.trim() } },
  },
  process: {
    covered: ['name', 'commandContains', 'minCount', 'maxCount'],
    blank: () => ({ name: '', commandContains: '', minCount: '', maxCount: '' }),
    read: (config) => ({
      name: text(config.name),
      commandContains: text(config.commandContains),
      minCount: num(config.minCount),
      maxCount: num(config.maxCount),
    }),
    build: (p, kept) =>
      missing(['name', `${p.name}${p.commandContains}`, 'Enter the process name, or a text its command line contains']) ?? {
        config: withNumbers(withTexts({ ...kept }, { name: p.name, commandContains: p.commandContains }), {
          minCount: p.minCount,
          maxCount: p.maxCount,
        }),
      },
  },
  filesystem: {
    covered: ['path', 'warnPercent', 'critPercent', 'inodeWarnPercent', 'inodeCritPercent'],
    blank: () => ({ path: '', warnPercent: '', critPercent: '', inodeWarnPercent: '', inodeCritPercent: '' }),
    read: (config) => ({
      path: text(config.path),
      warnPercent: num(config.warnPercent),
      critPercent: num(config.critPercent),
      inodeWarnPercent: num(config.inodeWarnPercent),
      inodeCritPercent: num(config.inodeCritPercent),
    }),
    build: ({ path, ...thresholds }, kept) =>
      missing(['path', path, PATH]) ?? { config: withNumbers({ ...kept, path: path.trim() }, thresholds) },
  },
  file: {
    covered: ['path', 'mustExist', 'maxAgeSeconds', 'minBytes', 'maxBytes'],
    blank: () => ({ path: '', mustExist: true, maxAgeSeconds: '', minBytes: '', maxBytes: '' }),
    read: (config) => ({
      path: text(config.path),
      mustExist: bool(config.mustExist, true),
      maxAgeSeconds: num(config.maxAgeSeconds),
      minBytes: num(config.minBytes),
      maxBytes: num(config.maxBytes),
    }),
    build: ({ path, mustExist, ...limits }, kept) =>
      missing(['path', path, PATH]) ?? {
        config: withNumbers({ ...kept, path: path.trim(), ...(mustExist ? {} : { mustExist: false }) }, limits),
      },
  },
  'certificate-file': {
    covered: ['path', 'warnDays', 'critDays'],
    blank: () => ({ path: '', warnDays: '', critDays: '' }),
    read: (config) => ({ path: text(config.path), warnDays: num(config.warnDays), critDays: num(config.critDays) }),
    build: ({ path, ...days }, kept) =>
      missing(['path', path, 'Enter the absolute path of the PEM file']) ?? { config: withNumbers({ ...kept, path: path.trim() }, days) },
  },
  nagios: {
    covered: ['plugin', 'args'],
    blank: () => ({ plugin: '', args: '' }),
    read: (config) => ({ plugin: text(config.plugin), args: lines(config.args) }),
    build: ({ plugin, args }, kept) => {
      // Arguments are passed as typed, spaces included: only empty lines are dropped.
      const list = args.split('\n').filter((arg) => arg !== '');
      return (
        missing(['plugin', plugin, 'Enter the plugin’s name as the host’s agent configuration allows it']) ?? {
          config: { ...kept, plugin: plugin.trim(), ...(list.length > 0 ? { args: list } : {}) },
        }
      );
    },
  },
};
