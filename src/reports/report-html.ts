import { fmt } from '../http/page-helpers';
import { renderHtml } from '../views';
import { reportSummaryLine, type Report } from './report';

/**
 * The report page's HTML, for the browser (`/reports/:token`) and for the PDF attached in Lever:
 * one template, so the PDF says exactly what the page says. A link carries its expiry, which the
 * page states; the PDF has no link, so it says when it was made instead.
 */
export function renderReportHtml(report: Report, when: { expiresAt: Date } | { madeAt: Date }): string {
  // The timeline needs the hour: a referee answering a minute after opening is the point.
  const fmtTime = (d: Date) => `${fmt(d)}, ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })} UTC`;
  return renderHtml('pages/report.eta', { report, summary: reportSummaryLine(report), ...when, fmt, fmtTime });
}
