import type { AgentDownload, CreatedEnrollmentToken } from '@estate/contract';

/** Where the install command puts the agent bundle on the host, and the wrapper it writes on the PATH. */
export const AGENT_INSTALL_PATHS = {
  bundle: '/usr/local/lib/estate-agent/estate-agent.mjs',
  wrapper: '/usr/local/bin/estate-agent',
} as const;

/** `value` as one shell word: single-quoted unless it is made only of characters no shell treats specially. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The command that enrolls a host with `token` against this server, pinning the server key it must present. */
export function enrollCommand(created: CreatedEnrollmentToken, origin: string): string {
  return `estate-agent enroll --server ${shellWord(origin)} --token ${shellWord(created.token)} --server-fingerprint ${created.serverKeyFingerprint}`;
}

/**
 * The copy-paste command that installs the agent on a Linux host and enrolls it, run as root in any POSIX shell:
 * checks for Node.js, downloads the bundle from `origin` into a fresh temporary directory, verifies it against the
 * SHA-256 embedded here (taken from the server when the token was made, so a download tampered with on the way or
 * on the server since is refused before anything is installed or run), installs it with a wrapper on the PATH,
 * enrolls with the single-use token pinning the server key, and writes, enables and starts the systemd unit. Every
 * step is joined with `&&`, so the first failure stops it.
 */
export function installCommand(created: CreatedEnrollmentToken, download: AgentDownload, origin: string): string {
  const url = shellWord(`${origin}${download.path}`);
  const nodeCheck = `node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'`;
  return [
    `${nodeCheck} || { echo "estate-agent needs Node.js ${download.node} on the PATH" >&2; false; }`,
    'd="$(mktemp -d)"',
    `curl -fsSL -o "$d/${download.file}" ${url}`,
    `(cd "$d" && echo '${download.sha256}  ${download.file}' | sha256sum -c --strict -)`,
    `printf '#!/bin/sh\\nexec %s ${AGENT_INSTALL_PATHS.bundle} "$@"\\n' "$(command -v node)" > "$d/estate-agent"`,
    `install -D -m 0755 "$d/${download.file}" ${AGENT_INSTALL_PATHS.bundle}`,
    `install -D -m 0755 "$d/estate-agent" ${AGENT_INSTALL_PATHS.wrapper}`,
    'rm -rf "$d"',
    enrollCommand(created, origin),
    'estate-agent install --now',
  ].join(' && \\\n');
}
