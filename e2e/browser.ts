import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './isolated-chromium';
import { type ServerProcess, startServer } from './server-process';

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = process.env.ESTATE_CHROMIUM ?? '/usr/bin/chromium';
/** Where browser tests keep their screenshots. */
export const ARTIFACTS = path.resolve(import.meta.dirname, 'artifacts');

/**
 * Whether a browser console message is noise from this machine rather than the page: Chromium aborts requests in
 * flight with net::ERR_NETWORK_CHANGED when another test of the same run adds a network namespace or veth pair (the
 * peers tier does), which says nothing about the page.
 */
export function isMachineNoise(text: string): boolean {
  return text.includes('net::ERR_NETWORK_CHANGED');
}

const required = (process.env.ESTATE_TEST_REQUIRE ?? '').split(',').includes('browser');
const available = existsSync(CHROMIUM);

/**
 * Whether the browser tier runs: when Chromium is installed, or when `ESTATE_TEST_REQUIRE` includes `browser`
 * (then a missing Chromium fails in `startBrowserSession` instead of skipping). The run's global set-up announces a skip.
 */
export function browserTier(): boolean {
  return available || required;
}

/** A real `estate serve` and a headless Chromium, for one test file. */
export interface BrowserSession {
  server: ServerProcess;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Starts the server as `npm start` does (with `env` added to its environment) and launches Chromium; fails clearly
 * when either is missing.
 */
export async function startBrowserSession(env: Record<string, string> = {}): Promise<BrowserSession> {
  if (!available) throw new Error(`ESTATE_TEST_REQUIRE includes browser but there is no Chromium at ${CHROMIUM}.`);
  if (!existsSync(path.resolve(import.meta.dirname, '../apps/web/dist/index.html'))) {
    throw new Error('The web UI is not built (npm run build:web).');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await startServer(env);
  const browser = await launchChromium(CHROMIUM, [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--no-first-run',
  ]);
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.stop();
    },
  };
}

/**
 * Waits for the element `testId` on a page that just navigated. When it has not appeared within 20 s, prints what
 * the page shows (its URL and text) to stderr, so the CI log says why, then reloads once and waits again. CI saw the
 * CI page stay unrendered a few times on a loaded machine; the causes found: 429s from a per-address rate limit (now
 * per user), and requests Chromium aborted with net::ERR_NETWORK_CHANGED when the peers tier added a veth pair
 * (Chromium now runs in a network namespace of its own, `isolated-chromium.ts`).
 */
export async function waitForPage(page: Page, testId: string): Promise<void> {
  try {
    await page.getByTestId(testId).waitFor({ timeout: 20_000 });
  } catch {
    const text = await page
      .locator('body')
      .textContent({ timeout: 2_000 })
      .catch((err: Error) => `(no text: ${err.message})`);
    process.stderr.write(`[e2e] ${testId} not shown after 20 s at ${page.url()}; the page showed:\n${(text ?? '').slice(0, 1_500)}\n`);
    await page.reload();
    await page.getByTestId(testId).waitFor({ timeout: 30_000 });
  }
}
