import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces go into an encoded payload (so the codec encrypts them):
 * an error from a library (an SMTP server refusing an address, say) may quote personal data.
 * Loaded by path (DataConverter.failureConverterPath) so the workflow bundle uses it too.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
