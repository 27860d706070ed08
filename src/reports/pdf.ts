/**
 * HTML to an A4 PDF in Chromium (playwright-core drives the machine's Chromium; it ships none).
 * One browser per document: launched, used once, closed. Reports are made once per check, so
 * a browser kept warm between them would hold ~100 MB for nothing most of the time, and a crashed
 * one would have to be noticed and replaced; a launch costs a few hundred ms (docs/operations.md).
 */
export async function htmlToPdf(html: string, chromiumPath: string, progress: () => void = () => undefined): Promise<Buffer> {
  // Loaded on first use: a worker without Chromium never loads the library.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    timeout: 30_000,
    // Chromium's sandbox needs user namespaces, which containers often lack. What it would protect
    // against is hostile page content; here the page is our own template with every answer
    // escaped, scripts are off and every network request is refused (below).
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    progress();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    // The report is self-contained (inline CSS, no images, no scripts): nothing may be fetched.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load', timeout: 30_000 });
    progress();
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await browser.close();
  }
}
