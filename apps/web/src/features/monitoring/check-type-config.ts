/** A number input's value: blank leaves the setting out, so the server's default applies. */
export type OptionalNumber = number | '';

/** How a push check expects its pings: every so many seconds, or on a cron schedule. */
export type PushExpectation = 'period' | 'schedule';

/** The dedicated fields of the ICMP, DNS, TLS, push, Prometheus and SNMP types, as the form edits them. */
export interface TypedFieldValues {
  icmp: { host: string; count: OptionalNumber };
  dns: { name: string; recordType: string; resolver: string };
  tls: { host: string; port: OptionalNumber; minDaysValid: OptionalNumber };
  push: { expects: PushExpectation; periodSeconds: OptionalNumber; schedule: string; timezone: string; graceSeconds: OptionalNumber };
  prometheus: { url: string; job: string; sampleLimit: OptionalNumber };
  /** SNMP v1/v2c GETs; the OIDs one per line (v3 and walks are kept as saved, or edited as JSON). */
  snmp: { host: string; port: OptionalNumber; version: string; oids: string };
}

/** A type with dedicated fields in this file. */
export type TypedCheckType = keyof TypedFieldValues;

/** The configuration settings each type's fields cover; a saved check's other settings are kept as they are. */
const COVERED: { readonly [T in TypedCheckType]: readonly string[] } = {
  icmp: ['host', 'count'],
  dns: ['name', 'recordType', 'resolver'],
  tls: ['host', 'port', 'minDaysValid'],
  push: ['periodSeconds', 'schedule', 'timezone', 'graceSeconds'],
  prometheus: ['url', 'job', 'sampleLimit'],
  snmp: ['host', 'port', 'version', 'oids'],
};

/** Whether `type` has dedicated fields in this file. */
export function isTypedCheckType(type: string): type is TypedCheckType {
  return Object.hasOwn(COVERED, type);
}

const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const num = (value: unknown): OptionalNumber => (typeof value === 'number' ? value : '');

/** Every typed type's fields blank, as a form of another type holds them. */
export function blankTypedFields(): TypedFieldValues {
  return {
    icmp: { host: '', count: '' },
    dns: { name: '', recordType: 'A', resolver: '' },
    tls: { host: '', port: '', minDaysValid: '' },
    push: { expects: 'period', periodSeconds: '', schedule: '', timezone: '', graceSeconds: '' },
    prometheus: { url: '', job: '', sampleLimit: '' },
    snmp: { host: '', port: '', version: 'v2c', oids: '' },
  };
}

/** The fields of `type` read from a configuration (a saved check's, or the type's example). */
export function typedFieldsOf<T extends TypedCheckType>(type: T, config: Record<string, unknown>): TypedFieldValues[T] {
  const fields: { [K in TypedCheckType]: () => TypedFieldValues[K] } = {
    icmp: () => ({ host: text(config.host), count: num(config.count) }),
    dns: () => ({ name: text(config.name), recordType: text(config.recordType, 'A').toUpperCase(), resolver: text(config.resolver) }),
    tls: () => ({ host: text(config.host), port: num(config.port), minDaysValid: num(config.minDaysValid) }),
    push: () => ({
      expects: typeof config.schedule === 'string' ? 'schedule' : 'period',
      periodSeconds: num(config.periodSeconds),
      schedule: text(config.schedule),
      timezone: text(config.timezone),
      graceSeconds: num(config.graceSeconds),
    }),
    prometheus: () => ({ url: text(config.url), job: text(config.job), sampleLimit: num(config.sampleLimit) }),
    snmp: () => ({
      host: text(config.host),
      port: num(config.port),
      version: text(config.version, 'v2c'),
      oids: Array.isArray(config.oids) ? config.oids.map(String).join('\n') : '',
    }),
  };
  return fields[type]();
}

/** The settings of `config` that `type`'s fields do not cover (a TLS check's `caPem`, a scrape's `auth`). */
export function uncoveredConfig(type: string, config: Record<string, unknown>): Record<string, unknown> {
  if (!isTypedCheckType(type)) return {};
  return Object.fromEntries(Object.entries(config).filter(([key]) => !COVERED[type].includes(key)));
}

/**
 * The form field a server error on setting `setting` of `type` lands on (`host` → `tls.host`, `oids[1]` →
 * `snmp.oids`); undefined when none.
 */
export function typedFieldOf(type: TypedCheckType, setting: string): string | undefined {
  const key = setting.split(/[.[]/)[0] ?? setting;
  return COVERED[type].includes(key) ? `${type}.${key}` : undefined;
}

type Built = { config: Record<string, unknown> } | { errors: Record<string, string> };

/** Puts the number in `config` under `key` unless it is blank. */
function withNumber(config: Record<string, unknown>, key: string, value: OptionalNumber): Record<string, unknown> {
  return value === '' ? config : { ...config, [key]: value };
}

/**
 * The configuration `type`'s fields make, on top of `kept` (the saved settings they do not cover); blank optional
 * fields are left out so the server's defaults apply. `{ errors }` names a required field left blank.
 */
export function typedConfigOf(type: TypedCheckType, values: TypedFieldValues, kept: Record<string, unknown>): Built {
  const required = (field: string, value: string, message: string): Built | undefined =>
    value.trim() === '' ? { errors: { [`${type}.${field}`]: message } } : undefined;
  switch (type) {
    case 'icmp': {
      const { host, count } = values.icmp;
      return (
        required('host', host, 'Enter a host name or address') ?? { config: withNumber({ ...kept, host: host.trim() }, 'count', count) }
      );
    }
    case 'dns': {
      const { name, recordType, resolver } = values.dns;
      const config: Record<string, unknown> = { ...kept, name: name.trim(), recordType };
      if (resolver.trim() !== '') config.resolver = resolver.trim();
      return required('name', name, 'Enter the name to query') ?? { config };
    }
    case 'tls': {
      const { host, port, minDaysValid } = values.tls;
      const config = withNumber(withNumber({ ...kept, host: host.trim() }, 'port', port), 'minDaysValid', minDaysValid);
      return required('host', host, 'Enter a host name or address') ?? { config };
    }
    case 'push':
      return pushConfigOf(values.push, kept);
    case 'snmp': {
      const { host, port, version, oids } = values.snmp;
      const list = oids
        .split('\n')
        .map((oid) => oid.trim())
        .filter((oid) => oid !== '');
      // No OIDs: a saved walk (kept) reads the values instead.
      const config: Record<string, unknown> = { ...kept, host: host.trim(), version };
      if (list.length > 0) config.oids = list;
      return required('host', host, 'Enter the device’s host name or address') ?? { config: withNumber(config, 'port', port) };
    }
    case 'prometheus': {
      const { url, job, sampleLimit } = values.prometheus;
      const config: Record<string, unknown> = { ...kept, url: url.trim() };
      if (job.trim() !== '') config.job = job.trim();
      return required('url', url, 'Enter the metrics URL') ?? { config: withNumber(config, 'sampleLimit', sampleLimit) };
    }
  }
}

function pushConfigOf(push: TypedFieldValues['push'], kept: Record<string, unknown>): Built {
  if (push.expects === 'period') {
    if (push.periodSeconds === '') return { errors: { 'push.periodSeconds': 'Enter how often a ping is expected' } };
    return { config: withNumber({ ...kept, periodSeconds: push.periodSeconds }, 'graceSeconds', push.graceSeconds) };
  }
  if (push.schedule.trim() === '') return { errors: { 'push.schedule': 'Enter a cron expression such as 0 3 * * *' } };
  const config: Record<string, unknown> = { ...kept, schedule: push.schedule.trim() };
  if (push.timezone.trim() !== '') config.timezone = push.timezone.trim();
  return { config: withNumber(config, 'graceSeconds', push.graceSeconds) };
}
