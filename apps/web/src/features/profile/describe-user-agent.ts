const BROWSERS: [RegExp, string][] = [
  [/Edg\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/Chrom(?:e|ium)\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari/, 'Safari'],
  [/^curl\/(\S+)/, 'curl'],
  [/^node(?:-fetch)?\/?(\S*)/i, 'Node.js'],
];

const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/**
 * A short human description of a User-Agent header, like "Firefox 128 on Linux", good enough to tell one's own
 * sessions apart; "Unknown device" when absent. Not for security decisions: the header is whatever the client sent.
 */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent));
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent));
  const version = browser ? userAgent.match(browser[0])?.[1] : undefined;
  const name = browser ? `${browser[1]}${version ? ` ${version}` : ''}` : (userAgent.split(/[\s/]/)[0] ?? 'Unknown client');
  return system ? `${name} on ${system[1]}` : name;
}
