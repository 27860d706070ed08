// The bundle entry for Temporal's workflow sandbox: workflow functions only.
export { referenceCheck } from './reference-check';
export { refereeCheck } from './referee';
export { prospectExport, prospectOptIn } from './prospects';
export { retentionSweep } from './retention';
export { candidateDeletion } from './candidate-deletion';
