import { RELATIONSHIPS, maxCount, type Relationship, type RefereeRequirement, type TemplateSettings } from '../templates/schema';
import { RELATIONSHIP_LABELS } from './labels';

/** One fieldset of the nomination form: required ones first, each labelled with its requirement. */
export type Slot = { label: string; relationship: Relationship | null; optional: boolean; note?: string };

const label = (rel: Relationship | 'any', n: number) => (rel === 'any' ? (n === 1 ? 'referee' : 'referees') : RELATIONSHIP_LABELS[rel][n === 1 ? 0 : 1]);
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function refereeSlots(t: Pick<TemplateSettings, 'referees'>): Slot[] {
  const slot = (r: RefereeRequirement, optional: boolean): Slot => ({
    label: capital(r.relationship === 'any' ? 'referee' : label(r.relationship, 1)),
    relationship: r.relationship === 'any' ? null : r.relationship,
    optional,
    note: r.note,
  });
  const required = t.referees.flatMap((r) => Array.from({ length: r.required }, () => slot(r, false)));
  const optional = t.referees.flatMap((r) => Array.from({ length: r.optional }, () => slot(r, true)));
  return [...required, ...optional];
}

/** The requirements in plain words, for the candidate: "1 manager (a manager from a recent role)". */
export function describeRequirements(t: Pick<TemplateSettings, 'referees'>): string[] {
  return t.referees.map((r) => {
    const noun = (n: number) => (r.relationship === 'any' ? `${label('any', n)} who know${n === 1 ? 's' : ''} your work` : label(r.relationship, n));
    // An optional-only line reads "Optionally, 1 more ..." rather than "0 ..., and up to 1 more".
    const what = r.required === 0
      ? `Optionally, up to ${r.optional} more ${noun(r.optional)}`
      : `${r.required} ${noun(r.required)}${r.optional > 0 ? `, and up to ${r.optional} more if you like` : ''}`;
    return `${what}${r.note ? ` (${r.note})` : ''}`;
  });
}

/**
 * What the named referees lack against the template: each relationship's own requirement first,
 * then the 'any' requirements, filled by whoever is left over. Empty when the quota is met.
 */
export function quotaProblems(t: Pick<TemplateSettings, 'referees'>, named: Relationship[]): string[] {
  const problems: string[] = [];
  let spare = 0;
  for (const rel of RELATIONSHIPS) {
    const needed = t.referees.filter((r) => r.relationship === rel).reduce((n, r) => n + r.required, 0);
    const have = named.filter((n) => n === rel).length;
    if (have < needed) {
      const notes = t.referees.filter((r) => r.relationship === rel && r.note).map((r) => r.note);
      problems.push(`Name at least ${needed} ${label(rel, needed)}${notes.length ? ` (${notes.join('; ')})` : ''}.`);
    }
    spare += Math.max(0, have - needed);
  }
  const anyNeeded = t.referees.filter((r) => r.relationship === 'any').reduce((n, r) => n + r.required, 0);
  if (spare < anyNeeded) problems.push(`Name ${anyNeeded - spare} more ${label('any', anyNeeded - spare)} (any relationship).`);
  if (named.length > maxCount(t)) problems.push(`Name at most ${maxCount(t)} referees.`);
  return problems;
}
