import { AGENT_FIELDS, type AgentFieldValues } from './check-type-config-agent';
import { DB_FIELDS, type DbFieldValues } from './check-type-config-db';
import { MAIL_FIELDS, type MailFieldValues } from './check-type-config-mail';
import { NET_FIELDS, type NetFieldValues } from './check-type-config-net';
import type { Built, TypedFields } from './check-type-config-parts';
import { SNMP_FIELDS, type SnmpFieldValues } from './check-type-config-snmp';

export type { PushExpectation } from './check-type-config-net';
export type { OptionalNumber } from './check-type-config-parts';

/**
 * The dedicated fields of every check type except HTTP and TCP (which check-form.ts edits itself), as the form edits
 * them, by family: ICMP, DNS, TLS, push and Prometheus; SNMP; databases; mail; agent-side.
 */
export interface TypedFieldValues extends NetFieldValues, SnmpFieldValues, DbFieldValues, MailFieldValues, AgentFieldValues {}

/** A type with dedicated fields in these files. */
export type TypedCheckType = keyof TypedFieldValues;

const FIELDS: { readonly [T in TypedCheckType]: TypedFields<TypedFieldValues[T]> } = {
  ...NET_FIELDS,
  ...SNMP_FIELDS,
  ...DB_FIELDS,
  ...MAIL_FIELDS,
  ...AGENT_FIELDS,
};

/** One type's fields, typed loosely for the functions below, which each handle any type. */
const fieldsOf = (type: TypedCheckType) => FIELDS[type] as TypedFields<unknown>;

/** The types with dedicated fields in these files. */
export const TYPED_CHECK_TYPES = Object.keys(FIELDS) as readonly TypedCheckType[];

/** Whether `type` has dedicated fields in these files. */
export function isTypedCheckType(type: string): type is TypedCheckType {
  return Object.hasOwn(FIELDS, type);
}

/** Every typed type's fields blank, as a form of another type holds them. */
export function blankTypedFields(): TypedFieldValues {
  return Object.fromEntries(TYPED_CHECK_TYPES.map((type) => [type, fieldsOf(type).blank()])) as unknown as TypedFieldValues;
}

/** The fields of `type` read from a configuration (a saved check's, or the type's example). */
export function typedFieldsOf<T extends TypedCheckType>(type: T, config: Record<string, unknown>): TypedFieldValues[T] {
  return fieldsOf(type).read(config) as TypedFieldValues[T];
}

/** The settings of `config` that `type`'s fields do not cover (a TLS check's `caPem`, a scrape's `auth`). */
export function uncoveredConfig(type: string, config: Record<string, unknown>): Record<string, unknown> {
  if (!isTypedCheckType(type)) return {};
  const covered = fieldsOf(type).covered;
  return Object.fromEntries(Object.entries(config).filter(([key]) => !covered.includes(key)));
}

/**
 * The form field a server error on setting `setting` of `type` lands on (`host` → `tls.host`, `oids[1]` →
 * `snmp.oids`, `starttls` → `smtp.tlsMode`); undefined when none.
 */
export function typedFieldOf(type: TypedCheckType, setting: string): string | undefined {
  const fields = fieldsOf(type);
  const own = fields.fieldOf?.(setting);
  if (own !== undefined) return `${type}.${own}`;
  const key = setting.split(/[.[]/)[0] ?? setting;
  return fields.covered.includes(key) ? `${type}.${key}` : undefined;
}

/**
 * The configuration `type`'s fields make, on top of `kept` (the saved settings they do not cover); blank optional
 * fields are left out so the server's defaults apply. `{ errors }` names the form fields (`dns.name`) that cannot make
 * one, such as a required field left blank.
 */
export function typedConfigOf(type: TypedCheckType, values: TypedFieldValues, kept: Record<string, unknown>): Built {
  const built = fieldsOf(type).build(values[type], kept);
  if ('config' in built) return built;
  return { errors: Object.fromEntries(Object.entries(built.errors).map(([field, message]) => [`${type}.${field}`, message])) };
}

/** The secrets `type`'s fields use as filled in (an SNMP v2c login: the community), or undefined: all the type takes. */
export function typedSecretsOf(type: TypedCheckType, values: TypedFieldValues): readonly string[] | undefined {
  return fieldsOf(type).secrets?.(values[type]);
}
