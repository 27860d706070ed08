import type { Question, TemplateSettings } from './schema';

const LABELS: [string, string, string, string, string] = ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'];
const rating = (id: string, text: string): Question => ({ id, type: 'rating', text, required: true, labels: LABELS });
const rehire = (text: string): Question => ({ id: 'rehire', type: 'choice', text, required: true, options: ['Yes, gladly', 'Yes', 'Not sure', 'No'] });
const comment = (id: string, text: string): Question => ({ id, type: 'text', text, required: false, maxLength: 2000 });

/** Ready-made surveys to start a template from: each about two minutes for a referee. */
export const READY_MADE_SURVEYS: Record<string, { name: string; questions: Question[] }> = {
  general: {
    name: 'General (any role)',
    questions: [
      rating('overall', 'Overall, how would you rate their work?'),
      rating('reliability', 'How reliable were they in meeting commitments?'),
      rating('collaboration', 'How well did they work with others?'),
      rehire('Would you work with them again?'),
      comment('strengths', 'What are their greatest strengths?'),
      comment('growth', 'Where could they grow?'),
    ],
  },
  engineering: {
    name: 'Engineering',
    questions: [
      rating('overall', 'Overall, how would you rate their engineering work?'),
      rating('quality', 'How good was the quality of what they shipped?'),
      rating('ownership', 'How well did they own problems end to end?'),
      rating('collaboration', 'How well did they work with others?'),
      rehire('Would you work with them again?'),
      comment('comments', 'Anything else we should know?'),
    ],
  },
  leadership: {
    name: 'People leadership',
    questions: [
      rating('overall', 'Overall, how would you rate them as a leader?'),
      rating('develops', 'How well did they develop the people around them?'),
      rating('decisions', 'How sound were their decisions under pressure?'),
      rehire('Would you work for or with them again?'),
      comment('comments', 'What should their next manager know?'),
    ],
  },
};

/** The template every new connection starts with. */
export function defaultTemplateSettings(overrides: Partial<TemplateSettings> = {}): TemplateSettings {
  return {
    description: 'Two references, one of them a manager, answering the general survey.',
    survey: READY_MADE_SURVEYS.general.questions,
    referees: [
      { relationship: 'manager', required: 1, optional: 0, note: 'a manager from a recent role' },
      { relationship: 'any', required: 1, optional: 1 },
    ],
    hiringManager: null,
    mail: {},
    sms: { enabled: false },
    reminders: { intervalSeconds: 2 * 86_400, maxCount: 3, quietHours: { start: '20:00', end: '08:00', timeZone: 'UTC' } },
    deadlines: { candidateSeconds: 5 * 86_400, refereeSeconds: 7 * 86_400 },
    replaceAfterSeconds: 3 * 86_400,
    conclusion: { rule: 'all-required' },
    ...overrides,
  };
}
