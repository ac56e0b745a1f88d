/**
 * @relay/errors — AppError and the code catalog. Every package throws AppError with a code
 * from the catalog; each boundary (HTTP answer, BullMQ job outcome) translates it once.
 * Not here: mapping of Intercom SDK errors (that is @relay/intercom).
 */
export {
  AppError,
  type AppErrorOptions,
  isAppError,
  type SerializedAppError,
} from './app-error.ts';
export { type ErrorCode, ErrorCodes, isErrorCode, type JobEffect, jobEffectOf } from './codes.ts';
