import type { Question, TemplateSettings } from './schema';

/** Ready-made surveys to start a template from: each about two minutes for a referee. */
export const READY_MADE_SURVEYS: Record<string, { name: string; questions: Question[] }> = {
  general: {
    name: 'General (any role)',
    questions: [
      { id: 'overall', type: 'rating', text: 'Overall, how would you rate their work?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'reliability', type: 'rating', text: 'How reliable were they in meeting commitments?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'collaboration', type: 'rating', text: 'How well did they work with others?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'rehire', type: 'choice', text: 'Would you work with them again?', required: true, options: ['Yes, gladly', 'Yes', 'Not sure', 'No'] },
      { id: 'strengths', type: 'text', text: 'What are their greatest strengths?', required: false, maxLength: 2000 },
      { id: 'growth', type: 'text', text: 'Where could they grow?', required: false, maxLength: 2000 },
    ],
  },
  engineering: {
    name: 'Engineering',
    questions: [
      { id: 'overall', type: 'rating', text: 'Overall, how would you rate their engineering work?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'quality', type: 'rating', text: 'How good was the quality of what they shipped?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'ownership', type: 'rating', text: 'How well did they own problems end to end?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'collaboration', type: 'rating', text: 'How well did they work with others?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'rehire', type: 'choice', text: 'Would you work with them again?', required: true, options: ['Yes, gladly', 'Yes', 'Not sure', 'No'] },
      { id: 'comments', type: 'text', text: 'Anything else we should know?', required: false, maxLength: 2000 },
    ],
  },
  leadership: {
    name: 'People leadership',
    questions: [
      { id: 'overall', type: 'rating', text: 'Overall, how would you rate them as a leader?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'develops', type: 'rating', text: 'How well did they develop the people around them?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'decisions', type: 'rating', text: 'How sound were their decisions under pressure?', required: true, labels: ['Poor', 'Fair', 'Good', 'Very good', 'Outstanding'] },
      { id: 'rehire', type: 'choice', text: 'Would you work for or with them again?', required: true, options: ['Yes, gladly', 'Yes', 'Not sure', 'No'] },
      { id: 'comments', type: 'text', text: 'What should their next manager know?', required: false, maxLength: 2000 },
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
    reminders: { intervalSeconds: 2 * 86_400, maxCount: 3, quietHours: { start: '20:00', end: '08:00', timeZone: 'UTC' } },
    deadlines: { candidateSeconds: 5 * 86_400, refereeSeconds: 7 * 86_400 },
    replaceAfterSeconds: 3 * 86_400,
    conclusion: { rule: 'all-required' },
    ...overrides,
  };
}
