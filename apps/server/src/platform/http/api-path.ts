const PERCENT_BYTE = /%([0-9a-f]{2})/gi;
const HAS_PERCENT_BYTE = /%[0-9a-f]{2}/i;
// Enough rounds for any real double or triple encoding; a URL still encoded after them is not read as the API.
const MAX_DECODE_ROUNDS = 4;

/**
 * True when a request URL names the API (`/api` or anything under it) however it is spelt: any letter case,
 * percent-encoded (even more than once) characters or slashes, dot segments, doubled or back slashes, `;` parameters.
 * The web UI's fallback uses it so that no spelling of an API path is ever answered with the UI's page.
 */
export function isApiPath(url: string): boolean {
  const path = normalisedPath(url);
  return path === '/api' || path.startsWith('/api/');
}

function normalisedPath(url: string): string {
  let path = url.split(/[?#]/, 1)[0] ?? '';
  for (let round = 0; round < MAX_DECODE_ROUNDS && HAS_PERCENT_BYTE.test(path); round++) {
    // Byte by byte: only ASCII matters for the comparison, and a malformed sequence must not stop the decoding.
    path = path.replace(PERCENT_BYTE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  const segments: string[] = [];
  for (const raw of path.toLowerCase().replaceAll('\\', '/').split('/')) {
    const segment = raw.split(';', 1)[0]!.trim();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}
