import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import Type, { type TObject, type TProperties } from 'typebox';
import type { FieldError } from '../../platform/http/problem';
import { toFieldErrors } from '../../platform/http/validation';
import { CI_TYPE_IDS, type CiCategory, type CiTypeId } from './ci-type-ids';

// ajv-formats is CommonJS; its default export arrives wrapped under some loaders.
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ??
  addFormatsImport) as typeof addFormatsImport;

const opt = Type.Optional;
const str = (maxLength = 200) => Type.String({ minLength: 1, maxLength });
const int = (minimum = 0, maximum = 1_000_000) => Type.Integer({ minimum, maximum });
const num = (minimum = 0, maximum = 1e12) => Type.Number({ minimum, maximum });
const date = () => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });
const ip = () => Type.String({ anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] });
const mac = () => Type.String({ pattern: '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$' });
const list = <T extends Parameters<typeof Type.Array>[0]>(item: T, maxItems = 256) => Type.Array(item, { maxItems });
const oneOf = (...values: string[]) => Type.Unsafe<string>({ type: 'string', enum: values });
const url = () => Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 });

/** Attributes every host-like CI shares: names, addresses, CPU, memory, operating system. */
const host = {
  hostname: opt(str(253)),
  fqdn: opt(str(253)),
  ipAddresses: opt(list(ip())),
  macAddresses: opt(list(mac())),
  cpuCores: opt(int(1, 100_000)),
  memoryGb: opt(num(0, 1_000_000)),
  os: opt(str()),
  osVersion: opt(str()),
  kernel: opt(str()),
  architecture: opt(oneOf('x86_64', 'arm64', 'armv7', 'ppc64le', 's390x', 'riscv64', 'other')),
  cpuVendor: opt(str()),
  cpuModel: opt(str()),
  machineId: opt(str()),
  /** When the host last booted (as its agent reported), to the minute. */
  bootedAt: opt(Type.String({ format: 'date-time', maxLength: 40 })),
  virtualization: opt(str(100)),
  interfaces: opt(
    list(
      Type.Object({ name: str(100), mac: opt(mac()), addresses: list(str(64)), speedMbps: opt(num()) }, { additionalProperties: false }),
      1000,
    ),
  ),
  disks: opt(
    list(
      Type.Object({ device: str(), sizeGb: num(), model: opt(str()), rotational: opt(Type.Boolean()) }, { additionalProperties: false }),
      1000,
    ),
  ),
  filesystems: opt(list(Type.Object({ mount: str(1000), fsType: opt(str(50)), sizeGb: num() }, { additionalProperties: false }), 1000)),
  /** Running services (systemd units), by name. */
  services: opt(list(str(), 5000)),
  /** Why the services cannot be listed (no systemd in a container), as the agent said it. */
  servicesUnavailable: opt(str(300)),
  /**
   * Listening sockets: `port` as `tcp/22`, `udp/53`, with the address and the owning process where the agent could see
   * it. Plain `tcp/22` strings are what agents reported before.
   */
  listeningPorts: opt(
    list(
      Type.Union([str(100), Type.Object({ port: str(100), address: opt(str(64)), process: opt(str()) }, { additionalProperties: false })]),
      5000,
    ),
  ),
};

/** Attributes of rack-mounted equipment: the lowest unit it occupies (half units allowed, as in NetBox) and the face. */
const rackMounted = {
  rackPosition: opt(Type.Number({ minimum: 0.5, maximum: 100, multipleOf: 0.5 })),
  rackFace: opt(oneOf('front', 'rear')),
  heightU: opt(int(1, 60)),
  powerWatts: opt(num(0, 1_000_000)),
};

/** Attributes of managed network equipment. */
const networkDevice = {
  hostname: opt(str(253)),
  managementIp: opt(ip()),
  ports: opt(int(0, 100_000)),
  firmware: opt(str()),
  macAddresses: opt(list(mac())),
  ...rackMounted,
};

/** Attributes of power and cooling equipment. */
const facility = {
  managementIp: opt(ip()),
  firmware: opt(str()),
  ...rackMounted,
};

const descriptions: Record<CiTypeId, string> = {
  physical_server: 'A bare-metal server in a rack or on a shelf.',
  virtual_machine: 'A virtual machine on a hypervisor or in a cloud.',
  container: 'A long-running container or pod.',
  router: 'A layer-3 router.',
  switch: 'A network switch.',
  firewall: 'A firewall or security gateway.',
  access_point: 'A wireless access point.',
  network_device: 'A managed network device whose role is not known (discovery found it but could not tell what it is).',
  load_balancer: 'A hardware or virtual load balancer.',
  storage_array: 'A SAN or NAS storage system.',
  storage_volume: 'A volume, LUN or disk carved from a storage system.',
  file_share: 'An SMB/NFS share.',
  ups: 'An uninterruptible power supply.',
  generator: 'A standby power generator.',
  pdu: 'A power distribution unit.',
  cooling_unit: 'A computer-room air handler or other cooling unit.',
  end_user_device: 'A laptop, desktop, phone or tablet.',
  printer: 'A printer or multi-function device on the network.',
  application: 'A deployed application.',
  database: 'A database instance or schema.',
  business_service: 'A service the business consumes, such as e-mail or payroll.',
  technical_service: 'A technical service other services build on, such as DNS or backup.',
  cloud_resource: 'A resource at a cloud provider.',
  site: 'A building, campus or data centre.',
  room: 'A room within a site.',
  rack: 'An equipment rack.',
  software_product: 'A software product as the vendor ships it.',
  licence: 'A software licence or subscription. Never store licence secrets here.',
  contract: 'A support, maintenance or service contract.',
  vendor: 'A supplier of hardware, software or services.',
  team: 'A team that owns CIs.',
  person: 'A person.',
};

/** Built-in attributes of every CI type. Every property is optional unless a CI of the type is meaningless without it. */
const ATTRIBUTES: Record<CiTypeId, TProperties> = {
  physical_server: { ...host, ...rackMounted, powerSupplies: opt(int(0, 16)), bmcIp: opt(ip()) },
  virtual_machine: { ...host, hypervisor: opt(str()), vcpus: opt(int(1, 10_000)), diskGb: opt(num()) },
  // A container an agent runs in reports what any host does (its CPUs, memory, OS, disks, ports), so it keeps them.
  container: {
    ...host,
    image: opt(str(500)),
    runtime: opt(oneOf('docker', 'containerd', 'cri-o', 'podman', 'other')),
    namespace: opt(str()),
    ipAddresses: opt(list(ip())),
    ports: opt(list(int(1, 65_535))),
  },
  router: { ...networkDevice, asn: opt(int(1, 4_294_967_295)) },
  switch: { ...networkDevice, vlans: opt(list(int(1, 4094), 4094)), stackMembers: opt(int(1, 16)) },
  firewall: { ...networkDevice, haMode: opt(oneOf('standalone', 'active-passive', 'active-active')) },
  access_point: { ...networkDevice, ssids: opt(list(str(32), 64)), band: opt(oneOf('2.4GHz', '5GHz', '6GHz', 'multi')) },
  load_balancer: { ...networkDevice, virtualServers: opt(int(0, 100_000)) },
  network_device: { ...networkDevice },
  storage_array: {
    managementIp: opt(ip()),
    capacityGb: opt(num()),
    usedGb: opt(num()),
    protocols: opt(list(oneOf('iscsi', 'fc', 'nfs', 'smb', 's3', 'nvme-of'), 8)),
    raidLevel: opt(str(20)),
    firmware: opt(str()),
    ...rackMounted,
  },
  storage_volume: {
    capacityGb: opt(num()),
    usedGb: opt(num()),
    protocol: opt(oneOf('iscsi', 'fc', 'nfs', 'smb', 'local', 'nvme-of')),
    lunId: opt(int(0, 1_000_000)),
    thinProvisioned: opt(Type.Boolean()),
  },
  file_share: { path: opt(str(500)), protocol: opt(oneOf('smb', 'nfs', 'afp', 'webdav')), capacityGb: opt(num()), usedGb: opt(num()) },
  ups: { ...facility, capacityVa: opt(num()), runtimeMinutes: opt(num(0, 100_000)), batteryReplacedOn: opt(date()) },
  generator: {
    capacityKw: opt(num()),
    fuelType: opt(oneOf('diesel', 'gas', 'petrol', 'other')),
    tankLitres: opt(num()),
    lastTestedOn: opt(date()),
  },
  pdu: { ...facility, outlets: opt(int(0, 200)), phases: opt(int(1, 3)), maxAmps: opt(num(0, 10_000)) },
  cooling_unit: { ...facility, capacityKw: opt(num()), refrigerant: opt(str(40)) },
  end_user_device: {
    ...host,
    formFactor: opt(oneOf('laptop', 'desktop', 'phone', 'tablet', 'thin_client', 'other')),
    assignedTo: opt(str()),
    encrypted: opt(Type.Boolean()),
  },
  printer: {
    hostname: opt(str(253)),
    managementIp: opt(ip()),
    macAddresses: opt(list(mac())),
    firmware: opt(str()),
    colour: opt(Type.Boolean()),
    pageCount: opt(int(0, 1_000_000_000)),
  },
  application: { version: opt(str(100)), url: opt(url()), repository: opt(url()), language: opt(str(100)), port: opt(int(1, 65_535)) },
  database: {
    engine: opt(oneOf('postgresql', 'mysql', 'mariadb', 'sqlserver', 'oracle', 'sqlite', 'mongodb', 'redis', 'other')),
    version: opt(str(100)),
    port: opt(int(1, 65_535)),
    sizeGb: opt(num()),
  },
  business_service: {
    serviceOwner: opt(str()),
    slaTarget: opt(num(0, 100)),
    hoursOfService: opt(str()),
    rtoMinutes: opt(int()),
    rpoMinutes: opt(int()),
  },
  technical_service: { slaTarget: opt(num(0, 100)), endpoints: opt(list(str(500), 64)), rtoMinutes: opt(int()), rpoMinutes: opt(int()) },
  cloud_resource: {
    provider: Type.Unsafe<string>({ type: 'string', enum: ['aws', 'azure', 'gcp', 'oci', 'hetzner', 'digitalocean', 'other'] }),
    region: opt(str(100)),
    accountId: opt(str(100)),
    resourceId: opt(str(500)),
    kind: opt(str(100)),
    ipAddresses: opt(list(ip())),
  },
  site: { address: opt(str(500)), city: opt(str()), country: opt(Type.String({ pattern: '^[A-Z]{2}$' })), timezone: opt(str(64)) },
  room: { floor: opt(str(20)), areaM2: opt(num()) },
  rack: { heightU: opt(int(1, 60)), widthMm: opt(int(0, 2000)), depthMm: opt(int(0, 2000)), maxPowerKw: opt(num()) },
  software_product: { vendorName: opt(str()), version: opt(str(100)), edition: opt(str(100)), website: opt(url()) },
  licence: {
    seats: opt(int(0, 100_000_000)),
    seatsUsed: opt(int(0, 100_000_000)),
    licenceType: opt(oneOf('perpetual', 'subscription', 'per_core', 'per_user', 'per_device', 'site', 'other')),
    expires: opt(date()),
    productName: opt(str()),
  },
  contract: {
    vendorId: opt(Type.String({ pattern: '^[0-9a-f-]{36}$' })),
    contractNumber: opt(str(100)),
    supportLevel: opt(oneOf('none', 'business_hours', '24x7', '24x7x4', 'next_business_day')),
    startDate: opt(date()),
    endDate: opt(date()),
    annualCost: opt(num()),
    autoRenew: opt(Type.Boolean()),
  },
  vendor: {
    website: opt(url()),
    supportEmail: opt(Type.String({ format: 'email', maxLength: 320 })),
    supportPhone: opt(str(50)),
    accountNumber: opt(str(100)),
  },
  team: { email: opt(Type.String({ format: 'email', maxLength: 320 })), chatChannel: opt(str()), onCallSchedule: opt(str()) },
  person: { email: opt(Type.String({ format: 'email', maxLength: 320 })), phone: opt(str(50)), title: opt(str()), department: opt(str()) },
};

/** One built-in CI type: its id, label, category, description and attribute schema. */
export interface CiTypeDefinition {
  id: CiTypeId;
  label: string;
  category: CiCategory;
  description: string;
  /** JSON Schema of `attributes` (an object, `additionalProperties: false`). */
  schema: TObject;
}

const ajv = new Ajv({ allErrors: true, strict: false, removeAdditional: false, useDefaults: false, coerceTypes: false });
addFormats(ajv);

const registry = new Map<string, CiTypeDefinition & { validate: ValidateFunction }>(
  CI_TYPE_IDS.map(([id, label, category]) => {
    const schema = Type.Object(ATTRIBUTES[id], { additionalProperties: false });
    return [id, { id, label, category, description: descriptions[id], schema, validate: ajv.compile(schema) }];
  }),
);

/** Every built-in type, in the order of ci-type-ids.ts. */
export function listCiTypes(): CiTypeDefinition[] {
  return [...registry.values()].map(({ validate: _, ...def }) => def);
}

/** The type with this id, or undefined for an unknown one. */
export function ciType(id: string): CiTypeDefinition | undefined {
  const found = registry.get(id);
  if (!found) return undefined;
  const { validate: _, ...def } = found;
  return def;
}

/**
 * Validates a CI's complete attributes against its type's schema. Returns field errors with paths under `path`
 * (e.g. `body/attributes/memoryGb`); an empty list means valid. Throws for an unknown type: callers check first.
 */
export function validateAttributes(type: string, attributes: Record<string, unknown>, path = 'body/attributes'): FieldError[] {
  const found = registry.get(type);
  if (!found) throw new Error(`unknown CI type ${type}`);
  if (found.validate(attributes)) return [];
  return toFieldErrors(found.validate.errors, path);
}

/** An observed attribute a CI type cannot hold: its key, the value, and why, in words. */
export interface AttributeMisfit {
  key: string;
  value: unknown;
  reason: string;
}

const propertyValidators = new Map<string, ValidateFunction>();

/** The compiled schema of one attribute of one type, compiled on first use. */
function propertyValidator(type: string, key: string): ValidateFunction | undefined {
  const cacheKey = `${type}\u0000${key}`;
  const cached = propertyValidators.get(cacheKey);
  if (cached) return cached;
  const schema = registry.get(type)?.schema.properties[key];
  if (schema === undefined) return undefined;
  const compiled = ajv.compile(schema);
  propertyValidators.set(cacheKey, compiled);
  return compiled;
}

/**
 * Splits observed attributes into those `type` can hold (the key is one of its attributes and the value fits that
 * attribute's schema; null, which clears a key, always fits a known key) and the misfits, each with the reason.
 * Throws for an unknown type: callers check first.
 */
export function splitAttributes(
  type: string,
  attributes: Record<string, unknown>,
): { fitting: Record<string, unknown>; misfits: AttributeMisfit[] } {
  if (!registry.has(type)) throw new Error(`unknown CI type ${type}`);
  const fitting: Record<string, unknown> = {};
  const misfits: AttributeMisfit[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const validate = propertyValidator(type, key);
    if (validate === undefined) misfits.push({ key, value, reason: `a ${type} has no attribute ${key}` });
    else if (value === null || value === undefined || validate(value)) fitting[key] = value;
    else {
      const message = toFieldErrors(validate.errors, key)[0]?.message ?? 'is not valid';
      misfits.push({ key, value, reason: `${key} ${message} for a ${type}` });
    }
  }
  return { fitting, misfits };
}
