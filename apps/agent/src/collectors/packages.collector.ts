import type { HostSnapshot } from '@estate/contract';
import { type InventoryCollector, runCommand } from './collector';

/** Parses `name<TAB>version<TAB>arch` lines (dpkg-query and rpm are asked for the same shape). */
export function parsePackageLines(output: string): HostSnapshot['packages'] {
  const packages: HostSnapshot['packages'] = {};
  for (const line of output.split('\n')) {
    const [name, version, arch] = line.split('\t');
    if (!name || !version) continue;
    // Multi-arch installs of one package (libc6:amd64 and libc6:i386) are kept apart by their arch.
    const key = packages[name] && arch && packages[name].arch !== arch ? `${name}:${arch}` : name;
    packages[key] = arch && arch !== '(none)' ? { version, arch } : { version };
  }
  return packages;
}

/** Installed packages from dpkg (Debian, Ubuntu) or rpm (RHEL, Fedora, SUSE); none when neither is there. */
export function createPackagesCollector(): InventoryCollector {
  return {
    name: 'packages',
    async collect() {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format placeholders, not JavaScript's.
      const format = '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n';
      const dpkg = await runCommand('dpkg-query', ['-W', '-f', format]);
      if (dpkg !== null)
        return {
          packages: parsePackageLines(
            dpkg
              .split('\n')
              // Only installed packages ("ii "); removed ones with config files left ("rc ") are not installed.
              .filter((line) => line.startsWith('ii'))
              .map((line) => line.slice(line.indexOf('\t') + 1))
              .join('\n'),
          ),
        };
      const rpm = await runCommand('rpm', ['-qa', '--qf', '%{NAME}\t%{VERSION}-%{RELEASE}\t%{ARCH}\n']);
      return { packages: rpm === null ? {} : parsePackageLines(rpm) };
    },
  };
}
