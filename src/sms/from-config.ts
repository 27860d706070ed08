import type { Config } from '../config';
import type { SmsSender } from './sender';
import { twilioSender } from './twilio';

/** The worker's SMS provider, or none: then templates that ask for texts send mail only, and the console says so. */
export function smsSenderFrom(config: Config): SmsSender | undefined {
  if (config.SMS_PROVIDER !== 'twilio') return undefined;
  return twilioSender({
    apiUrl: config.TWILIO_API_URL,
    accountSid: config.TWILIO_ACCOUNT_SID!,
    authToken: config.TWILIO_AUTH_TOKEN!,
    from: config.SMS_FROM,
    messagingServiceSid: config.TWILIO_MESSAGING_SERVICE_SID,
  });
}
