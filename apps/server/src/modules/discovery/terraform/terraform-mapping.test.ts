import { describe, expect, it } from 'vitest';
import { mapState } from './terraform-mapping';
import { parseTerraformState } from './terraform-state';

const provider = (source: string) => `provider["registry.terraform.io/${source}"]`;
const SUB = '/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/prod/providers';

describe('Terraform state mapping beyond AWS', () => {
  const state = parseTerraformState(
    JSON.stringify({
      version: 4,
      serial: 3,
      lineage: 'multi-cloud',
      resources: [
        {
          mode: 'managed',
          type: 'azurerm_linux_virtual_machine',
          name: 'app',
          provider: provider('hashicorp/azurerm'),
          instances: [
            {
              attributes: {
                id: `${SUB}/Microsoft.Compute/virtualMachines/app-1`,
                name: 'app-1',
                location: 'westeurope',
                private_ip_address: '10.4.0.5',
              },
            },
          ],
        },
        {
          mode: 'managed',
          type: 'azurerm_managed_disk',
          name: 'data',
          provider: provider('hashicorp/azurerm'),
          instances: [{ attributes: { id: `${SUB}/Microsoft.Compute/disks/app-1-data`, name: 'app-1-data', location: 'westeurope' } }],
        },
        {
          mode: 'managed',
          type: 'azurerm_virtual_machine_data_disk_attachment',
          name: 'data',
          provider: provider('hashicorp/azurerm'),
          instances: [
            {
              attributes: {
                id: `${SUB}/Microsoft.Compute/virtualMachines/app-1/dataDisks/app-1-data`,
                managed_disk_id: `${SUB}/Microsoft.Compute/disks/app-1-data`,
                virtual_machine_id: `${SUB}/Microsoft.Compute/virtualMachines/app-1`,
              },
            },
          ],
        },
        {
          mode: 'managed',
          type: 'google_compute_instance',
          name: 'worker',
          module: 'module.gke',
          provider: 'module.gke.provider["registry.terraform.io/hashicorp/google"]',
          instances: [
            {
              index_key: 'blue',
              attributes: {
                id: 'projects/estate-prod/zones/europe-west1-b/instances/worker-blue',
                self_link: 'https://www.googleapis.com/compute/v1/projects/estate-prod/zones/europe-west1-b/instances/worker-blue',
                name: 'worker-blue',
                zone: 'europe-west1-b',
                project: 'estate-prod',
                network_interface: [
                  {
                    network_ip: '10.8.0.2',
                    subnetwork: 'https://www.googleapis.com/compute/v1/projects/estate-prod/regions/europe-west1/subnetworks/main',
                    access_config: [{ nat_ip: '198.51.100.7' }],
                  },
                ],
              },
            },
          ],
        },
        {
          mode: 'managed',
          type: 'google_compute_subnetwork',
          name: 'main',
          provider: provider('hashicorp/google'),
          instances: [
            {
              attributes: {
                id: 'projects/estate-prod/regions/europe-west1/subnetworks/main',
                self_link: 'https://www.googleapis.com/compute/v1/projects/estate-prod/regions/europe-west1/subnetworks/main',
                name: 'main',
                region: 'europe-west1',
              },
            },
          ],
        },
        {
          mode: 'managed',
          type: 'hcloud_server',
          name: 'edge',
          provider: provider('hetznercloud/hcloud'),
          instances: [{ attributes: { id: '4711', name: 'edge-1', ipv4_address: '203.0.113.9' } }],
        },
        {
          mode: 'managed',
          type: 'null_resource',
          name: 'wait',
          provider: provider('hashicorp/null'),
          instances: [{ attributes: { id: '1' } }],
        },
        {
          mode: 'managed',
          type: 'aws_eip',
          name: 'none',
          provider: provider('hashicorp/aws'),
          instances: [{ attributes: { domain: 'vpc' } }],
        },
      ],
    }),
  );
  const mapping = mapState(state);
  const byAddress = Object.fromEntries(mapping.resources.map((r) => [r.address, r]));

  it('maps Azure, Google and other providers to cloud resources with provider, region, account and IPs', () => {
    expect(byAddress['azurerm_linux_virtual_machine.app']).toMatchObject({
      externalId: `azure:${SUB}/Microsoft.Compute/virtualMachines/app-1`,
      name: 'app-1',
      attributes: { provider: 'azure', region: 'westeurope', accountId: '0b1f6471-1bf0-4dda-aec3-111122223333', ipAddresses: ['10.4.0.5'] },
    });
    expect(byAddress['module.gke.google_compute_instance.worker["blue"]']).toMatchObject({
      externalId: 'gcp:projects/estate-prod/zones/europe-west1-b/instances/worker-blue',
      attributes: { provider: 'gcp', region: 'europe-west1', accountId: 'estate-prod', ipAddresses: ['10.8.0.2', '198.51.100.7'] },
    });
    expect(byAddress['hcloud_server.edge']).toMatchObject({
      externalId: 'hcloud:hcloud_server/4711',
      attributes: { provider: 'hetzner', kind: 'hcloud_server' },
    });
  });

  it('relates attached disks and subnetworks, and says why the rest is not imported', () => {
    expect(mapping.relations).toEqual(
      expect.arrayContaining([
        { type: 'depends_on', from: 'azurerm_linux_virtual_machine.app', to: 'azurerm_managed_disk.data' },
        { type: 'located_in', from: 'module.gke.google_compute_instance.worker["blue"]', to: 'google_compute_subnetwork.main' },
      ]),
    );
    expect(mapping.relations).toHaveLength(2);
    expect(mapping.ignored).toEqual([
      { address: 'azurerm_virtual_machine_data_disk_attachment.data', reason: expect.stringContaining('link') },
      { address: 'null_resource.wait', reason: 'not a cloud resource (provider null)' },
      { address: 'aws_eip.none', reason: 'it has no id' },
    ]);
  });
});
