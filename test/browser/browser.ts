// Headless Chromium for browser tests: the system's /usr/bin/chromium (never a downloaded one),
// every request off this machine refused and reported so a test can fail on it.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`Browser tests skipped: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A context whose non-loopback requests are aborted and collected in `external`. */
export async function offlineContext(
  browser: Browser,
  viewport = { width: 1920, height: 1080 },
): Promise<{ context: BrowserContext; external: string[] }> {
  const context = await browser.newContext({ viewport });
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if (loopback || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
  return { context, external };
}
