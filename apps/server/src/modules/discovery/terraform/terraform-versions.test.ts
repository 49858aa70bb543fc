import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../platform/http/problem';
import { mapState } from './terraform-mapping';
import { parseTerraformState, providerName } from './terraform-state';

/*
 * States as each Terraform line writes them for one small configuration:
 *
 *   provider "aws" { region = "eu-west-1" }
 *   provider "aws" { alias = "west", region = "us-west-2" }
 *   data "aws_ami" "debian" { … }
 *   resource "aws_instance" "app" { count = 2 … }
 *   resource "aws_s3_bucket" "dr" { provider = aws.west … }
 *   module "net" { source = "./net" }          # aws_vpc.main inside
 *   resource "random_id" "suffix" {}
 *
 * Format 4 (0.12 and later) keeps `version`, `terraform_version`, `serial`, `lineage`, `outputs` and `resources[]`
 * with `mode`, `type`, `name`, `provider`, optional `module` and `each`, and `instances[]` with `index_key`,
 * `schema_version` and `attributes`. The lines differ in the provider address: 0.12 wrote `provider.aws`,
 * `provider.aws.west` and `module.net.provider.aws`; 0.13 onwards write the source address in brackets
 * (`provider["registry.terraform.io/hashicorp/aws"]`, `-/aws` for a provider a 0.12 state was upgraded with).
 */

type Line = '0.12' | '0.13' | '1.x';

function providerAddress(line: Line, opts: { module?: string; alias?: string; name?: string } = {}): string {
  const name = opts.name ?? 'aws';
  const prefix = opts.module ? `${opts.module}.` : '';
  const alias = opts.alias ? `.${opts.alias}` : '';
  if (line === '0.12') return `${prefix}provider.${name}${alias}`;
  const namespace = line === '0.13' && name === 'aws' ? '-' : 'hashicorp';
  return `${prefix}provider["registry.terraform.io/${namespace}/${name}"]${alias}`;
}

function state(line: Line, terraformVersion: string) {
  const instance = (attributes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    schema_version: 1,
    ...extra,
    attributes,
    private: 'bnVsbA==',
    ...(line === '0.12' ? {} : { sensitive_attributes: [] }),
  });
  return {
    version: 4,
    terraform_version: terraformVersion,
    serial: 7,
    lineage: `lineage-${line}`,
    outputs: { bucket: { value: 'estate-dr', type: 'string' } },
    resources: [
      {
        mode: 'data',
        type: 'aws_ami',
        name: 'debian',
        provider: providerAddress(line),
        instances: [instance({ id: 'ami-0f1e2d3c4b5a69788', name: 'debian-12-amd64' }, { schema_version: 0 })],
      },
      {
        mode: 'managed',
        type: 'aws_instance',
        name: 'app',
        ...(line === '0.12' ? { each: 'list' } : {}),
        provider: providerAddress(line),
        instances: [0, 1].map((i) =>
          instance(
            {
              id: `i-0abc1234def56780${i}`,
              arn: `arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234def56780${i}`,
              ami: 'ami-0f1e2d3c4b5a69788',
              availability_zone: 'eu-west-1a',
              private_ip: `10.0.1.${10 + i}`,
              subnet_id: 'subnet-0aa0000000000000a',
              tags: { Name: `app-${i + 1}` },
            },
            { index_key: i },
          ),
        ),
      },
      {
        mode: 'managed',
        type: 'aws_s3_bucket',
        name: 'dr',
        provider: providerAddress(line, { alias: 'west' }),
        instances: [instance({ id: 'estate-dr', bucket: 'estate-dr', arn: 'arn:aws:s3:::estate-dr', region: 'us-west-2' })],
      },
      {
        module: 'module.net',
        mode: 'managed',
        type: 'aws_vpc',
        name: 'main',
        provider: providerAddress(line, { module: line === '0.12' ? 'module.net' : undefined }),
        instances: [
          instance({
            id: 'vpc-0a1b2c3d4e5f60718',
            arn: 'arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0a1b2c3d4e5f60718',
            cidr_block: '10.0.0.0/16',
            tags: { Name: 'estate' },
          }),
        ],
      },
      {
        mode: 'managed',
        type: 'random_id',
        name: 'suffix',
        provider: providerAddress(line, { name: 'random' }),
        instances: [instance({ id: 'q83v', hex: 'abcdef', byte_length: 3 })],
      },
    ],
  };
}

describe('Terraform state format 4 from every Terraform line', () => {
  const lines: Array<[Line, string]> = [
    ['0.12', '0.12.24'],
    ['0.13', '0.13.7'],
    ['0.13', '0.15.5'],
    ['1.x', '1.5.7'],
    ['1.x', '1.9.5'],
  ];

  it.each(lines)('reads a state of Terraform %s (%s) and maps the same CIs', (line, version) => {
    const parsed = parseTerraformState(JSON.stringify(state(line, version)));
    expect(parsed).toMatchObject({ terraformVersion: version, serial: 7, lineage: `lineage-${line}` });
    expect(parsed.instances.map((i) => [i.address, i.mode, i.provider])).toEqual([
      ['data.aws_ami.debian', 'data', 'aws'],
      ['aws_instance.app[0]', 'managed', 'aws'],
      ['aws_instance.app[1]', 'managed', 'aws'],
      ['aws_s3_bucket.dr', 'managed', 'aws'],
      ['module.net.aws_vpc.main', 'managed', 'aws'],
      ['random_id.suffix', 'managed', 'random'],
    ]);
    const mapping = mapState(parsed);
    expect(mapping.resources.map((r) => [r.address, r.externalId, r.name])).toEqual([
      ['aws_instance.app[0]', 'aws:i-0abc1234def567800', 'app-1'],
      ['aws_instance.app[1]', 'aws:i-0abc1234def567801', 'app-2'],
      ['aws_s3_bucket.dr', 'aws:arn:aws:s3:::estate-dr', 'estate-dr'],
      ['module.net.aws_vpc.main', 'aws:vpc-0a1b2c3d4e5f60718', 'estate'],
    ]);
    expect(mapping.ignored).toEqual([{ address: 'random_id.suffix', reason: 'not a cloud resource (provider random)' }]);
  });

  it('reads a Terraform 0.12 data source of provider.google, which used to refuse the whole state', () => {
    const doc = state('0.12', '0.12.24');
    doc.resources.push({
      mode: 'data',
      type: 'google_client_config',
      name: 'current',
      provider: 'provider.google',
      instances: [{ schema_version: 0, attributes: { id: '2020-04-01 00:00:00 +0000 UTC', project: 'estate-prod' }, private: '' }],
    });
    const parsed = parseTerraformState(JSON.stringify(doc));
    expect(parsed.instances.find((i) => i.type === 'google_client_config')).toMatchObject({ mode: 'data', provider: 'google' });
    expect(mapState(parsed).resources).toHaveLength(4);
  });

  it('knows every provider address form, with aliases and module prefixes', () => {
    expect(providerName('provider.google')).toBe('google');
    expect(providerName('provider.aws.west')).toBe('aws');
    expect(providerName('module.x.provider.aws')).toBe('aws');
    expect(providerName('module.a.module.b.provider.google-beta.eu')).toBe('google-beta');
    expect(providerName('provider["registry.terraform.io/hashicorp/aws"]')).toBe('aws');
    expect(providerName('provider["registry.terraform.io/hashicorp/aws"].west')).toBe('aws');
    expect(providerName('module.x.provider["registry.opentofu.org/hetznercloud/hcloud"]')).toBe('hcloud');
    expect(providerName('provider["registry.terraform.io/-/aws"]')).toBe('aws');
    expect(providerName('aws')).toBeNull();
    expect(providerName('provider.')).toBeNull();
    expect(providerName('provider["registry.terraform.io/hashicorp/aws"]junk')).toBeNull();
  });

  it('refuses a Terraform 0.11 state (format 3), naming the version and how to upgrade', () => {
    const v3 = {
      version: 3,
      terraform_version: '0.11.14',
      serial: 12,
      lineage: 'lineage-0.11',
      modules: [
        {
          path: ['root'],
          outputs: {},
          resources: {
            'aws_instance.app': {
              type: 'aws_instance',
              depends_on: [],
              primary: { id: 'i-0abc1234def567800', attributes: { id: 'i-0abc1234def567800', 'tags.%': '1', 'tags.Name': 'app-1' } },
              provider: 'provider.aws',
            },
          },
          depends_on: [],
        },
      ],
    };
    let thrown: unknown;
    try {
      parseTerraformState(JSON.stringify(v3));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    const problem = thrown as HttpProblem;
    expect(problem.status).toBe(400);
    expect(problem.detail).toContain('format version 3, written by Terraform 0.11.14');
    expect(problem.detail).toContain('Terraform 0.12 or later');
  });

  it('still refuses a managed resource whose provider is no provider address', () => {
    const doc = state('1.x', '1.9.5');
    (doc.resources[1] as { provider: string }).provider = 'aws';
    expect(() => parseTerraformState(JSON.stringify(doc))).toThrow(
      /aws_instance\.app is malformed: its provider aws is not a provider address/,
    );
  });
});
