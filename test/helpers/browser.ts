import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { projectRoot } from '../../src/dev/project-root';
import { loadTestEnv } from './env';

/** Screenshots the browser tests keep, for a person to look at after a run. */
export const ARTIFACTS = join(projectRoot(), 'test-artifacts');

/** Debian's Chromium, headless, with its background traffic off (this machine has no internet). */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: loadTestEnv().CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * A person on a phone, seen by refcheck as coming from `ip`: the api trusts X-Forwarded-For
 * from a proxy on loopback, which is how it learns real client addresses in production too.
 */
export function personOnPhone(browser: Browser, ip: string, userAgent: string): Promise<BrowserContext> {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    userAgent,
    extraHTTPHeaders: { 'x-forwarded-for': ip },
  });
}
