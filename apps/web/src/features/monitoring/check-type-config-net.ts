import { type Built, missing, num, type OptionalNumber, type TypedFields, text, withNumber, withText } from './check-type-config-parts';

/** How a push check expects its pings: every so many seconds, or on a cron schedule. */
export type PushExpectation = 'period' | 'schedule';

/** The fields of the ICMP, DNS, TLS, push and Prometheus types, as the form edits them. */
export interface NetFieldValues {
  icmp: { host: string; count: OptionalNumber };
  dns: { name: string; recordType: string; resolver: string };
  tls: { host: string; port: OptionalNumber; minDaysValid: OptionalNumber };
  push: { expects: PushExpectation; periodSeconds: OptionalNumber; schedule: string; timezone: string; graceSeconds: OptionalNumber };
  prometheus: { url: string; job: string; sampleLimit: OptionalNumber };
}

/** How each of these types' fields read and make its configuration. */
export const NET_FIELDS: { readonly [T in keyof NetFieldValues]: TypedFields<NetFieldValues[T]> } = {
  icmp: {
    covered: ['host', 'count'],
    blank: () => ({ host: '', count: '' }),
    read: (config) => ({ host: text(config.host), count: num(config.count) }),
    build: ({ host, count }, kept) =>
      missing(['host', host, 'Enter a host name or address']) ?? { config: withNumber({ ...kept, host: host.trim() }, 'count', count) },
  },
  dns: {
    covered: ['name', 'recordType', 'resolver'],
    blank: () => ({ name: '', recordType: 'A', resolver: '' }),
    read: (config) => ({
      name: text(config.name),
      recordType: text(config.recordType, 'A').toUpperCase(),
      resolver: text(config.resolver),
    }),
    build: ({ name, recordType, resolver }, kept) =>
      missing(['name', name, 'Enter the name to query']) ?? {
        config: withText({ ...kept, name: name.trim(), recordType }, 'resolver', resolver),
      },
  },
  tls: {
    covered: ['host', 'port', 'minDaysValid'],
    blank: () => ({ host: '', port: '', minDaysValid: '' }),
    read: (config) => ({ host: text(config.host), port: num(config.port), minDaysValid: num(config.minDaysValid) }),
    build: ({ host, port, minDaysValid }, kept) =>
      missing(['host', host, 'Enter a host name or address']) ?? {
        config: withNumber(withNumber({ ...kept, host: host.trim() }, 'port', port), 'minDaysValid', minDaysValid),
      },
  },
  push: {
    covered: ['periodSeconds', 'schedule', 'timezone', 'graceSeconds'],
    blank: () => ({ expects: 'period', periodSeconds: '', schedule: '', timezone: '', graceSeconds: '' }),
    read: (config) => ({
      expects: typeof config.schedule === 'string' ? 'schedule' : 'period',
      periodSeconds: num(config.periodSeconds),
      schedule: text(config.schedule),
      timezone: text(config.timezone),
      graceSeconds: num(config.graceSeconds),
    }),
    build: pushConfigOf,
  },
  prometheus: {
    covered: ['url', 'job', 'sampleLimit'],
    blank: () => ({ url: '', job: '', sampleLimit: '' }),
    read: (config) => ({ url: text(config.url), job: text(config.job), sampleLimit: num(config.sampleLimit) }),
    build: ({ url, job, sampleLimit }, kept) =>
      missing(['url', url, 'Enter the metrics URL']) ?? {
        config: withNumber(withText({ ...kept, url: url.trim() }, 'job', job), 'sampleLimit', sampleLimit),
      },
  },
};

/** A push check gets either a period or a schedule with its time zone, never both. */
function pushConfigOf(push: NetFieldValues['push'], kept: Record<string, unknown>): Built {
  if (push.expects === 'period') {
    if (push.periodSeconds === '') return { errors: { periodSeconds: 'Enter how often a ping is expected' } };
    return { config: withNumber({ ...kept, periodSeconds: push.periodSeconds }, 'graceSeconds', push.graceSeconds) };
  }
  return (
    missing(['schedule', push.schedule, 'Enter a cron expression such as 0 3 * * *']) ?? {
      config: withNumber(
        withText({ ...kept, schedule: push.schedule.trim() }, 'timezone', push.timezone),
        'graceSeconds',
        push.graceSeconds,
      ),
    }
  );
}
