import type { Store } from './store';
import { noteView, opportunityView, pageAnchor } from './views';

/**
 * Defence in depth for pages that show caller-supplied text: no script can run on them, and the
 * settings page's forms may post only to the fake itself.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";

/** What refcheck wrote, per opportunity: the JSON behind `GET /_fake/state` and the human page. */
export function fakeState(store: Store, origin: string) {
  return {
    opportunities: [...store.opportunities.values()].map((o) => ({
      ...opportunityView(store, o, new Set(['stage']), origin),
      notes: o.notes.map(noteView),
      files: o.files.map(({ id, name, size, mimeType, uploadedAt }) => ({ id, name, size, mimeType, uploadedAt })),
    })),
    postings: [...store.postings.keys()],
    users: [...store.users.keys()],
    stages: store.stages.map((s) => ({ ...s })),
    /** API calls received so far (429s included): lets the demo count what one check costs */
    apiRequests: store.requests.length,
    apiRequestsRateLimited: store.requests.filter((r) => r.status === 429).length,
  };
}

/** Everything shown comes from API callers (notes, links, tags), so every string is escaped. */
export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const list = (items: string[]) => (items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : '<em>none</em>');
const when = (ms: number) => escapeHtml(new Date(ms).toISOString());
/** Only http(s) links become anchors; anything else (e.g. `javascript:`) stays inert text. */
const link = (l: string) => (/^https?:\/\//i.test(l) ? `<a href="${escapeHtml(l)}" rel="noreferrer">${escapeHtml(l)}</a>` : escapeHtml(l));

const confidential = (c: string) => (c === 'confidential' ? '<br><mark>confidential</mark>' : '');
const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);

function postingRows(store: Store): string {
  return [...store.postings.values()]
    .map((p) => `<tr id="${escapeHtml(pageAnchor('posting', p.id))}">
<td><strong>${escapeHtml(p.text)}</strong><br><code>${escapeHtml(p.id)}</code>${confidential(p.confidential ? 'confidential' : '')}</td>
<td>${escapeHtml(p.state)}</td>
<td>${list(p.tags.map(escapeHtml))}</td>
</tr>`)
    .join('\n');
}

export function renderPage(store: Store, origin: string): string {
  const rows = fakeState(store, origin).opportunities.map((o) => {
    const stage = typeof o.stage === 'string' ? o.stage : `${o.stage.text} (${o.stage.id})`;
    const archived = o.archived ? `${o.archived.reason} at ${when(o.archived.archivedAt)}` : '';
    return `<tr id="${escapeHtml(pageAnchor('opportunity', o.id))}">
<td><strong>${escapeHtml(o.name)}</strong><br><code>${escapeHtml(o.id)}</code><br>${o.emails.map(escapeHtml).join('<br>')}${confidential(o.confidentiality)}</td>
<td>${escapeHtml(stage)}${archived ? `<br>archived: ${escapeHtml(archived)}` : ''}</td>
<td>${list(o.tags.map(escapeHtml))}</td>
<td>${list(o.links.map(link))}</td>
<td>${list(o.notes.map((n) => `<small>${when(n.createdAt)}</small><pre>${escapeHtml(n.value)}</pre>`))}</td>
<td>${list(o.files.map((f) => `${escapeHtml(f.name)} <small>(${escapeHtml(f.mimeType)}, ${size(f.size)})</small>`))}</td>
</tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Fake Lever</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.5em;vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:.2em 0}</style>
</head><body>
<h1>Fake Lever</h1>
<p>API at <code>${escapeHtml(origin)}/v1</code>. This page reloads every 5 seconds; JSON at <a href="/_fake/state">/_fake/state</a>. Webhook settings: <a href="/_fake/settings/webhooks">/_fake/settings/webhooks</a>.</p>
<table><thead><tr><th>Opportunity</th><th>Stage</th><th>Tags</th><th>Links</th><th>Notes</th><th>Files</th></tr></thead>
<tbody>${rows.join('\n') || '<tr><td colspan="6"><em>No opportunities.</em></td></tr>'}</tbody></table>
<h2>Postings</h2>
<table><thead><tr><th>Posting</th><th>State</th><th>Tags</th></tr></thead>
<tbody>${postingRows(store) || '<tr><td colspan="3"><em>No postings.</em></td></tr>'}</tbody></table>
</body></html>
`;
}
