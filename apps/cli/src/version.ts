import { readFileSync } from 'node:fs';

/**
 * Estate's version, from the root package.json (the same number the server reports), read without loading the
 * server so `estate --version` answers at once.
 */
export const ESTATE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();
