import type { AgentDownload, CreatedEnrollmentToken } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { enrollCommand, installCommand } from './install-command';

const created = {
  token: 'estate-enroll-AbC_d-123',
  serverKeyFingerprint: 'f'.repeat(64),
} as CreatedEnrollmentToken;
const download: AgentDownload = {
  file: 'estate-agent.mjs',
  path: '/api/v1/agent/download/estate-agent.mjs',
  sha256: 'a'.repeat(64),
  size: 1,
  node: '>=20.19',
  serverUrl: null,
};

describe('the install-and-enroll command', () => {
  it('verifies the embedded checksum before it installs or runs anything, every step joined with &&', () => {
    const command = installCommand(created, download, 'https://estate.example.org');
    const steps = command.split(' && \\\n');
    const verify = steps.findIndex((s) => s.includes(`echo '${'a'.repeat(64)}  estate-agent.mjs' | sha256sum -c --strict -`));
    const download_ = steps.findIndex(
      (s) => s.startsWith('curl -fsSL') && s.endsWith('https://estate.example.org/api/v1/agent/download/estate-agent.mjs'),
    );
    const firstInstall = steps.findIndex((s) => s.startsWith('install '));
    const enroll = steps.findIndex((s) => s.startsWith('estate-agent enroll'));
    expect(download_).toBeGreaterThan(-1);
    expect(verify).toBe(download_ + 1);
    expect(firstInstall).toBeGreaterThan(verify);
    expect(enroll).toBeGreaterThan(firstInstall);
    expect(steps.at(-1)).toBe('estate-agent install --now');
    expect(steps[enroll]).toBe(enrollCommand(created, 'https://estate.example.org'));
  });

  it('quotes an address the shell would otherwise read differently', () => {
    expect(enrollCommand(created, "http://host:8080/x y'z")).toContain(`--server 'http://host:8080/x y'\\''z'`);
    expect(enrollCommand(created, 'http://10.0.0.1:3000')).toContain('--server http://10.0.0.1:3000 --token estate-enroll-AbC_d-123');
  });
});
