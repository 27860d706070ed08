/**
 * The owner's answer in a reply to the hire question: the first unquoted, non-empty line, and only
 * when it is an unambiguous yes or no. "No idea", "N/A", "maybe" and "Yes, but he declined" are
 * not answers: reading them as one would record the opposite of what the owner meant.
 */
export function readYesNo(text: string): 'yes' | 'no' | undefined {
  const line = firstOwnLine(text);
  if (!line || line.length > MAX_ANSWER_CHARS) return undefined;
  // Letters only: "Yes, hired!" and "yes - hired." read alike; "didn't" becomes "didnt", "N/A" becomes "n a".
  const words = line.toLowerCase().replace(/['’]/g, '').split(/[^a-z]+/).filter(Boolean);
  if (words.length === 0) return undefined;
  if (isAnswer(words, YES_OPENERS, YES_WORDS) || (words[0] === 'hired' && words.every((w) => YES_WORDS.has(w)))) return 'yes';
  // "No, hired" says both: in a no, "hired" must come negated.
  const negatedIfHired = !words.includes('hired') || words.some((w) => NEGATIONS.has(w));
  if (negatedIfHired && (isAnswer(words, NO_OPENERS, NO_WORDS) || (words[0] === 'not' && words[1] === 'hired' && words.every((w) => NO_WORDS.has(w))))) return 'no';
  return undefined;
}

/** A longer first line is a sentence, not a yes or no. */
const MAX_ANSWER_CHARS = 60;
const YES_OPENERS = new Set(['yes', 'yep', 'yeah', 'y']);
const NO_OPENERS = new Set(['no', 'nope', 'n']);
/** The words that may follow: they repeat the answer, never qualify it ("but", "idea", "declined" are not here). */
const YES_WORDS = new Set([...YES_OPENERS, 'hired', 'we', 'did', 'they', 'he', 'she', 'was', 'were', 'got', 'the', 'job', 'offer', 'accepted', 'her', 'him', 'them', 'thanks', 'thank', 'you']);
const NEGATIONS = new Set(['not', 'didnt', 'wasnt', 'werent']);
const NO_WORDS = new Set([...NO_OPENERS, 'not', 'hired', 'we', 'didnt', 'they', 'he', 'she', 'was', 'wasnt', 'were', 'werent', 'her', 'him', 'them', 'thanks', 'thank', 'you']);

function isAnswer(words: string[], openers: Set<string>, allowed: Set<string>): boolean {
  return openers.has(words[0]) && words.every((w) => allowed.has(w));
}

/** The reply above the quoted mail: cut at "On … wrote:" or a forwarded/original-message header, skip `>` lines. */
function firstOwnLine(text: string): string | undefined {
  const own = text.split(QUOTE_HEADER)[0];
  return own.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0 && !l.startsWith('>'));
}
const QUOTE_HEADER = /^(?:On\s[\s\S]{0,300}?wrote:|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*Forwarded message\s*-{2,}|From:\s)/im;
