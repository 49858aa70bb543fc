import { problems } from '../../../platform/http/problem';

/** One instance of a resource in a Terraform state (a `count` or `for_each` resource has several). */
export interface StateInstance {
  /** The full address: `module.net.aws_subnet.private["a"]`, `aws_instance.web[0]`. */
  address: string;
  mode: 'managed' | 'data';
  /** The resource type, e.g. `aws_instance`. */
  type: string;
  /** The provider's short name: `aws` for `provider["registry.terraform.io/hashicorp/aws"]` or `provider.aws`; '' for a data source whose address is not understood. */
  provider: string;
  attributes: Record<string, unknown>;
}

/** A Terraform state (format version 4) reduced to what an import needs. */
export interface TerraformState {
  lineage: string;
  serial: number;
  terraformVersion: string | null;
  instances: StateInstance[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const invalid = (detail: string, path: string, message: string) => problems.validation(detail, [{ path, message }]);

const MODULE_PREFIX = /^(module\.[A-Za-z0-9_-]+\.)*/;
const PROVIDER_SOURCE = /^provider\["([^"]+)"\](\.[A-Za-z0-9_-]+)?$/;
const PROVIDER_LEGACY = /^provider\.([A-Za-z0-9_-]+)(\.[A-Za-z0-9_-]+)?$/;

/**
 * The provider's short name from a resource's provider address, in the forms each Terraform line writes:
 * `provider["registry.terraform.io/hashicorp/aws"]` (0.13 and later, `-/aws` for providers a 0.12 state was upgraded
 * with), `provider.aws` (0.12), each with an optional alias (`.west`) and behind module prefixes (`module.x.`).
 * Null for anything else.
 */
export function providerName(provider: string): string | null {
  const address = provider.replace(MODULE_PREFIX, '');
  const source = PROVIDER_SOURCE.exec(address)?.[1];
  if (source !== undefined) return source.split('/').pop() || null;
  return PROVIDER_LEGACY.exec(address)?.[1] ?? null;
}

/** `[0]` for a count index, `["a"]` for a for_each key, nothing without one. */
function indexSuffix(key: unknown): string {
  if (key === undefined) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/**
 * Parses and checks a Terraform state file. Only state format version 4 is accepted: Terraform 0.12 through 1.x and
 * OpenTofu write it (see {@link providerName} for the provider addresses of each line); 0.11 and older wrote format 3.
 * Every problem is a 400 naming where it is: not JSON, another format version, a missing lineage, serial or
 * resources list, or a malformed resource (named by its address as far as the file gives it). Nothing is written.
 */
export function parseTerraformState(content: string): TerraformState {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (error) {
    throw invalid(`The Terraform state is not JSON: ${(error as Error).message}`, 'body/content', 'is not JSON');
  }
  if (!isObject(doc)) throw invalid('The Terraform state must be a JSON object.', 'body/content', 'is not a JSON object');
  if (doc.version !== 4) {
    const found = doc.version === undefined ? 'has no format version' : `is format version ${JSON.stringify(doc.version)}`;
    const writer = nonEmptyString(doc.terraform_version) ? `, written by Terraform ${doc.terraform_version}` : '';
    const upgrade =
      doc.version === 3 || doc.version === 2 || doc.version === 1
        ? 'Terraform before 0.12 wrote that format; run `terraform apply` (or `terraform refresh`) with Terraform 0.12 or later once to upgrade the state, then import the output of `terraform state pull`.'
        : 'Import the output of `terraform state pull` from Terraform 0.12 or later, or OpenTofu.';
    throw invalid(
      `Only Terraform state format version 4 (Terraform 0.12 and later) is supported; this file ${found}${writer}. ${upgrade}`,
      'body/content/version',
      'must be 4',
    );
  }
  if (!nonEmptyString(doc.lineage)) throw invalid('The Terraform state has no lineage.', 'body/content/lineage', 'is required');
  if (typeof doc.serial !== 'number' || !Number.isSafeInteger(doc.serial) || doc.serial < 0) {
    throw invalid('The Terraform state has no valid serial.', 'body/content/serial', 'must be a non-negative integer');
  }
  if (!Array.isArray(doc.resources)) {
    throw invalid('The Terraform state has no resources list.', 'body/content/resources', 'must be an array');
  }
  const instances: StateInstance[] = [];
  doc.resources.forEach((resource: unknown, i: number) => {
    const path = `body/content/resources/${i}`;
    if (!isObject(resource)) throw invalid(`Resource ${i} of the state is not an object.`, path, 'must be an object');
    const { mode, type, name, module } = resource;
    const prefix = nonEmptyString(module) ? `${module}.` : '';
    const base = `${prefix}${mode === 'data' ? 'data.' : ''}${nonEmptyString(type) ? type : '?'}.${nonEmptyString(name) ? name : '?'}`;
    const bad = (what: string, at: string, message: string) => invalid(`Resource ${base} is malformed: ${what}.`, `${path}/${at}`, message);
    if (mode !== 'managed' && mode !== 'data') throw bad('mode must be "managed" or "data"', 'mode', 'must be managed or data');
    if (!nonEmptyString(type)) throw bad('it has no type', 'type', 'is required');
    if (!nonEmptyString(name)) throw bad('it has no name', 'name', 'is required');
    if (module !== undefined && !nonEmptyString(module)) throw bad('its module is not a module address', 'module', 'must be a string');
    if (!nonEmptyString(resource.provider)) throw bad('it has no provider', 'provider', 'is required');
    const provider = providerName(resource.provider);
    // Data sources are never imported: an address form this parser does not know must not refuse the state.
    if (provider === null && mode === 'managed')
      throw bad(
        `its provider ${resource.provider} is not a provider address (provider["<source>"] or provider.<name>, with an optional alias)`,
        'provider',
        'is not a provider address',
      );
    if (!Array.isArray(resource.instances)) throw bad('it has no instances list', 'instances', 'must be an array');
    resource.instances.forEach((instance: unknown, j: number) => {
      if (!isObject(instance)) throw bad(`instance ${j} is not an object`, `instances/${j}`, 'must be an object');
      const key = instance.index_key;
      if (key !== undefined && typeof key !== 'string' && !(typeof key === 'number' && Number.isSafeInteger(key))) {
        throw bad(
          `instance ${j} has an index_key that is neither a number nor a string`,
          `instances/${j}/index_key`,
          'must be a number or string',
        );
      }
      const address = `${base}${indexSuffix(key)}`;
      if (!isObject(instance.attributes)) {
        const why = instance.attributes_flat !== undefined ? 'has only flat (pre-0.12) attributes' : 'has no attributes object';
        throw invalid(`Resource ${address} is malformed: it ${why}.`, `${path}/instances/${j}/attributes`, 'must be an object');
      }
      instances.push({ address, mode, type, provider: provider ?? '', attributes: instance.attributes });
    });
  });
  const terraformVersion = nonEmptyString(doc.terraform_version) ? doc.terraform_version : null;
  return { lineage: doc.lineage, serial: doc.serial, terraformVersion, instances };
}

/** The resource type of an address: `aws_instance` for `module.app.aws_instance.web[0]`. */
export function typeOfAddress(address: string): string {
  return address.replace(/^(module\.[^.]+\.)*(data\.)?/, '').split('.')[0] ?? '';
}
