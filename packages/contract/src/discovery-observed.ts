import Type, { type Static } from 'typebox';
import { EpochMs } from './common';
import { SourceSchema } from './inventory';

/*
 * What observers saw of a CI beyond its typed fields: its network interfaces, and observed facts (values its type
 * has no field for, or that a better observer set).
 */

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const INTERFACE_KINDS = ['physical', 'virtual', 'bridge', 'vlan', 'bond', 'tunnel', 'loopback', 'wireless', 'other'] as const;
/** What an interface is: only `physical` ones (and ones of unknown kind) identify the machine they are in. */
export type InterfaceKind = (typeof INTERFACE_KINDS)[number];
export const InterfaceKindSchema = Type.Unsafe<InterfaceKind>({ type: 'string', enum: [...INTERFACE_KINDS] });

/** One network interface of a CI as one source (an agent, an SNMP scan) last saw it. */
export const CiInterface = Type.Object({
  source: SourceSchema,
  name: Type.String(),
  kind: nullable(InterfaceKindSchema),
  description: nullable(Type.String()),
  /** Lower-case with colons. */
  mac: nullable(Type.String()),
  /** IP addresses, with a prefix length where the source gave one. */
  addresses: Type.Array(Type.String()),
  speedMbps: nullable(Type.Number()),
  adminUp: nullable(Type.Boolean()),
  operUp: nullable(Type.Boolean()),
  seenAt: EpochMs,
});
export type CiInterface = Static<typeof CiInterface>;

/** `GET /api/v1/cis/:id/interfaces`: by source, then name. */
export const CiInterfaceQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })),
    cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type CiInterfaceQuery = Static<typeof CiInterfaceQuery>;

/**
 * A value an observation carried that the CI did not take as a field: its type has no place for it (an SNMP
 * management address on a server, sysLocation), or a better observer set the field (`reason` says which).
 */
export const ObservedFact = Type.Object({
  /** The attribute or fact name: `managementIp`, `sysLocation`, `ipAddresses`, `type`. */
  key: Type.String(),
  source: SourceSchema,
  value: Type.Unknown(),
  /** Who saw it: `scan Office LAN`, `agent db-01`. */
  observer: Type.String(),
  reason: Type.String(),
  seenAt: EpochMs,
});
export type ObservedFact = Static<typeof ObservedFact>;

/** `GET /api/v1/cis/:id/observed-facts`: by key, then source. */
export const ObservedFactQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
    cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type ObservedFactQuery = Static<typeof ObservedFactQuery>;
