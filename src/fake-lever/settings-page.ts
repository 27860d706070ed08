import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { escapeHtml, PAGE_CSP } from './page';
import { EVENT_TITLES, WEBHOOK_EVENTS, type WebhookEvent, type WebhookSetting, type Webhooks } from './webhooks';

/**
 * `GET /_fake/settings/webhooks`: Lever's Settings > Integrations and API > Webhooks, as plain
 * HTML forms (no script) so a browser test can paste a URL, press Save, read the token and press
 * Verify. Each form posts back here and is answered with a redirect to the page (post/redirect/get).
 */
export const SETTINGS_PATH = '/settings/webhooks';

export function settingsRoutes(webhooks: Webhooks): express.Router {
  const r = express.Router();
  const page = (res: Response, status = 200, error?: { event: WebhookEvent; message: string }) =>
    void res.status(status).set('content-security-policy', PAGE_CSP).type('html').send(renderSettings(webhooks.list(), error));
  const eventOf = (req: Request): WebhookEvent | null => (WEBHOOK_EVENTS as readonly string[]).includes(String(req.params.event)) ? (req.params.event as WebhookEvent) : null;
  const back = (res: Response, event: WebhookEvent) => res.redirect(303, `/_fake${SETTINGS_PATH}#${event}`);

  r.get(SETTINGS_PATH, (_req, res) => page(res));
  r.post(`${SETTINGS_PATH}/:event`, express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const event = eventOf(req);
    if (!event) return page(res, 404);
    const raw = String((req.body as Record<string, unknown> | undefined)?.url ?? '').trim();
    if (raw === '') {
      webhooks.save(event, null);
      return back(res, event);
    }
    const url = z.url({ protocol: /^https?$/ }).safeParse(raw);
    if (!url.success) return page(res, 400, { event, message: `"${raw}" is not an http(s) URL` });
    webhooks.save(event, url.data);
    back(res, event);
  });
  r.post(`${SETTINGS_PATH}/:event/verify`, async (req, res) => {
    const event = eventOf(req);
    if (!event) return page(res, 404);
    const result = await webhooks.verify(event);
    if (!result) return page(res, 400, { event, message: 'Save a URL before verifying the connection.' });
    back(res, event);
  });
  return r;
}

function section(s: WebhookSetting, error?: string): string {
  const e = s.event;
  const v = s.lastVerify;
  const verified = v
    ? `<p id="verify-${e}" class="verify-result">Last verification: ${v.status ? `HTTP ${v.status}` : `no answer (${escapeHtml(v.error ?? 'unknown error')})`} from <code>${escapeHtml(v.url)}</code> at ${escapeHtml(new Date(v.at).toISOString())}</p>`
    : '';
  return `<section id="${e}">
<h2>${EVENT_TITLES[e]}</h2>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/_fake${SETTINGS_PATH}/${e}">
<label for="url-${e}">Webhook URL</label>
<input id="url-${e}" name="url" type="url" size="60" placeholder="https://" value="${escapeHtml(s.url ?? '')}">
<button type="submit">Save</button>
</form>
<p>Signature token: ${s.signingToken ? `<code id="token-${e}" class="signing-token">${escapeHtml(s.signingToken)}</code>` : '<em>generated when a URL is saved</em>'}</p>
<form method="post" action="/_fake${SETTINGS_PATH}/${e}/verify"><button type="submit"${s.url ? '' : ' disabled'}>Verify</button></form>
${verified}
</section>`;
}

export function renderSettings(settings: WebhookSetting[], error?: { event: WebhookEvent; message: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Webhooks - Fake Lever settings</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}section{border:1px solid #ccc;padding:0 1em 1em;margin:1em 0}code{word-break:break-all}.error{color:#b00}</style>
</head><body>
<h1>Settings &gt; Integrations and API &gt; Webhooks</h1>
<p>One URL and one signature token per event. Lever generates the token when the URL is saved; "Verify" sends a signed <code>candidateHired</code> with empty <code>data</code> to that URL. <a href="/">Back to the candidates</a>.</p>
${settings.map((s) => section(s, error?.event === s.event ? error.message : undefined)).join('\n')}
</body></html>
`;
}
