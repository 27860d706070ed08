import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * A phone number as people write it ("+44 20 7946 0958", "(415) 555-0100", "0044 ...") in E.164,
 * the form SMS providers take, or undefined when it is not a valid number: a text to a guess
 * would reach a stranger. Numbers without a country code need the template's default country.
 */
export function toE164(written: string | null | undefined, defaultCountry?: string): string | undefined {
  const trimmed = (written ?? '').trim().replace(/^00/, '+');
  if (!trimmed) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry as CountryCode | undefined);
  return parsed?.isValid() ? parsed.number : undefined;
}
