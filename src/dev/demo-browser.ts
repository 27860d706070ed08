import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The people in the demo, each in their own headless Chromium context (own cookies, own address
 * as the api sees it through X-Forwarded-For), doing what they would do on the real pages.
 */
export async function openBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
}

export async function person(browser: Browser, ip: string, userAgent: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, userAgent, extraHTTPHeaders: { 'x-forwarded-for': ip } });
  return context.newPage();
}

export type Nominee = { name: string; email: string; relationship: string; title: string; phone?: string };

export async function nominate(page: Page, link: string, nominees: Nominee[]) {
  await page.goto(link);
  for (const [i, n] of nominees.entries()) {
    await page.fill(`[name=r${i}_name]`, n.name);
    await page.fill(`[name=r${i}_email]`, n.email);
    await page.selectOption(`[name=r${i}_relationship]`, n.relationship);
    await page.fill(`[name=r${i}_company]`, 'Analytical Engines');
    await page.fill(`[name=r${i}_title]`, n.title);
    await page.fill(`[name=r${i}_worked]`, '1833-1842');
    if (n.phone) await page.fill(`[name=r${i}_phone]`, n.phone);
  }
  await page.check('[name=consent]');
  await page.click('button:has-text("Send")');
  await page.waitForSelector(`text=${nominees[0].name}`);
}

/** Answers the general survey: ratings for overall, reliability, collaboration; a choice; a comment. */
export async function answerSurvey(page: Page, ratings: [string, string, string], strengths: string) {
  await page.check(`[name=q_overall][value="${ratings[0]}"]`);
  await page.check(`[name=q_reliability][value="${ratings[1]}"]`);
  await page.check(`[name=q_collaboration][value="${ratings[2]}"]`);
  await page.check('[name=q_rehire][value="Yes, gladly"]');
  await page.fill('[name=q_strengths]', strengths);
  await page.click('button:has-text("Send my reference")');
  await page.waitForSelector('text=Thank you');
}
