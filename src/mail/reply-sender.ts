import type { ParsedMail } from 'mailparser';

export type SenderVerdict = 'owner' | 'not-the-owner' | 'not-authenticated';

/**
 * Whether a reply comes from the question's owner: its one From address is the owner's (case aside),
 * and, when the receiving MTA says how it authenticated the message (Authentication-Results,
 * RFC 8601), SPF or DKIM passed for the From domain. Without that header the From address is all
 * there is: the reply address's own secret is then what keeps strangers out (docs/operations.md).
 */
export function judgeSender(mail: ParsedMail, ownerEmail: string): SenderVerdict {
  const from = mail.from?.value ?? [];
  const address = from.length === 1 ? from[0].address?.trim().toLowerCase() : undefined;
  if (!address || address !== ownerEmail.trim().toLowerCase()) return 'not-the-owner';
  const results = receivingMtaResults(mail);
  if (results === undefined) return 'owner';
  return passedFor(results, address.split('@')[1] ?? '') ? 'owner' : 'not-authenticated';
}

/**
 * The topmost Authentication-Results header: MTAs prepend theirs, so the first is the one our
 * receiving MTA added, and any further down may have been written by the sender.
 */
function receivingMtaResults(mail: ParsedMail): string | undefined {
  const line = mail.headerLines.find((h) => h.key === 'authentication-results')?.line;
  return line?.replace(/^[^:]*:/, '').replace(/\r?\n[ \t]+/g, ' ');
}

/** spf=pass for a MAIL FROM in the From domain, or dkim=pass signed by it (or its parent domain). */
function passedFor(results: string, fromDomain: string): boolean {
  // "authserv-id; method=result prop=value ...; method=result ..." with (comments) anywhere
  const clauses = results.replace(/\([^)]*\)/g, ' ').split(';').slice(1);
  return clauses.some((clause) => {
    const m = /^\s*(spf|dkim)\s*=\s*(\w+)/i.exec(clause);
    if (!m || m[2].toLowerCase() !== 'pass') return false;
    const props = m[1].toLowerCase() === 'spf' ? ['smtp.mailfrom'] : ['header.d', 'header.i'];
    return props.some((p) => {
      const value = new RegExp(`\\b${p.replace('.', '\\.')}\\s*=\\s*"?([^\\s";]+)`, 'i').exec(clause)?.[1];
      return value !== undefined && aligned(value.replace(/^.*@/, '').toLowerCase(), fromDomain);
    });
  });
}

/** The same domain, or one is a subdomain of the other (DMARC's relaxed alignment, without the public-suffix list). */
function aligned(domain: string, fromDomain: string): boolean {
  if (!domain.includes('.') || !fromDomain) return false;
  return domain === fromDomain || fromDomain.endsWith(`.${domain}`) || domain.endsWith(`.${fromDomain}`);
}
