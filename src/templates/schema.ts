import { z } from 'zod';

/**
 * A reference-check template, complete: the survey, who must be asked, what the mails say,
 * how often to remind, the deadlines, and the rule that concludes a request. Validated here
 * once; stored as JSON (templates.settings) and copied into each request when it opens.
 */
export const RELATIONSHIPS = ['manager', 'peer', 'direct-report', 'client', 'other'] as const;
export const Relationship = z.enum(RELATIONSHIPS);
export type Relationship = z.infer<typeof Relationship>;

const questionBase = { id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'lowercase letters, digits and dashes'), text: z.string().trim().min(3).max(300), required: z.boolean().default(true) };

export const Question = z.discriminatedUnion('type', [
  z.object({ ...questionBase, type: z.literal('rating'), labels: z.tuple([z.string(), z.string(), z.string(), z.string(), z.string()]).default(['Poor', 'Fair', 'Good', 'Very good', 'Outstanding']) }),
  z.object({ ...questionBase, type: z.literal('choice'), options: z.array(z.string().trim().min(1).max(100)).min(2).max(10) }),
  z.object({ ...questionBase, type: z.literal('text'), maxLength: z.number().int().min(10).max(5000).default(2000) }),
]);
export type Question = z.infer<typeof Question>;

export const RefereeRequirement = z.object({
  relationship: z.union([Relationship, z.literal('any')]),
  required: z.number().int().min(0).max(10),
  optional: z.number().int().min(0).max(10).default(0),
  /** Shown to the candidate, e.g. "a manager from your last role". */
  note: z.string().trim().max(200).optional(),
});
export type RefereeRequirement = z.infer<typeof RefereeRequirement>;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour');
/** Zones already accepted: building a formatter to test one costs ~1 ms, and settings are parsed at every read. Only valid zones (a few hundred) are kept. */
const validTimeZones = new Set<string>();
const timeZone = z.string().refine((tz) => {
  if (validTimeZones.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    return false;
  }
  validTimeZones.add(tz);
  return true;
}, 'an IANA time zone, e.g. Europe/London');

export const TemplateSettings = z
  .object({
    description: z.string().trim().max(1000).default(''),
    position: z.string().trim().max(200).optional(),
    survey: z.array(Question).min(1).max(30).refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, 'question ids must be unique'),
    referees: z.array(RefereeRequirement).min(1).max(6),
    hiringManager: z.object({ name: z.string().trim().min(1).max(200), email: z.email() }).nullable().default(null),
    mail: z
      .object({
        candidateSubject: z.string().trim().max(200).optional(),
        candidateIntro: z.string().trim().max(2000).optional(),
        refereeSubject: z.string().trim().max(200).optional(),
        refereeIntro: z.string().trim().max(2000).optional(),
      })
      .default({}),
    /** Text messages beside the mails: invitations and reminders, to whoever has a phone number, by the same quiet hours and cap. */
    sms: z
      .object({
        enabled: z.boolean().default(false),
        /** For numbers written without a country code, e.g. 'US' reads (415) 555-0100 as +14155550100. */
        defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code, e.g. US or GB').optional(),
        /** The texts' first line; the link follows it. */
        candidateText: z.string().trim().max(300).optional(),
        refereeText: z.string().trim().max(300).optional(),
      })
      .default({ enabled: false }),
    reminders: z
      .object({
        intervalSeconds: z.number().int().min(1).max(30 * 86_400).default(2 * 86_400),
        maxCount: z.number().int().min(0).max(10).default(3),
        quietHours: z.object({ start: hhmm, end: hhmm, timeZone }).nullable().default({ start: '20:00', end: '08:00', timeZone: 'UTC' }),
      })
      .default({ intervalSeconds: 2 * 86_400, maxCount: 3, quietHours: { start: '20:00', end: '08:00', timeZone: 'UTC' } }),
    deadlines: z
      .object({
        candidateSeconds: z.number().int().min(1).max(90 * 86_400).default(5 * 86_400),
        refereeSeconds: z.number().int().min(1).max(90 * 86_400).default(7 * 86_400),
      })
      .default({ candidateSeconds: 5 * 86_400, refereeSeconds: 7 * 86_400 }),
    /** A referee silent this long may be replaced by the candidate. */
    replaceAfterSeconds: z.number().int().min(1).max(90 * 86_400).default(3 * 86_400),
    conclusion: z
      .discriminatedUnion('rule', [
        z.object({ rule: z.literal('all-required') }),
        z.object({ rule: z.literal('minimum'), minimum: z.number().int().min(1).max(20) }),
      ])
      .default({ rule: 'all-required' }),
  })
  .refine((t) => t.referees.some((r) => r.required > 0), { message: 'at least one referee must be required', path: ['referees'] });
export type TemplateSettings = z.infer<typeof TemplateSettings>;

export const requiredCount = (t: Pick<TemplateSettings, 'referees'>) => t.referees.reduce((n, r) => n + r.required, 0);
export const maxCount = (t: Pick<TemplateSettings, 'referees'>) => t.referees.reduce((n, r) => n + r.required + r.optional, 0);
/** How many answers conclude the request early. */
export const answersToConclude = (t: Pick<TemplateSettings, 'referees' | 'conclusion'>) =>
  t.conclusion.rule === 'minimum' ? t.conclusion.minimum : requiredCount(t);
