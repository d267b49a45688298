import type { ErrorCode, ErrorInfo } from './types.js';

/**
 * The Error the package throws for a typed core error (only where a result object would be
 * awkward, e.g. `step(i)` out of range). `code` and `offset` are the core's.
 */
export class JobDetailError extends Error implements ErrorInfo {
  readonly code: ErrorCode;
  readonly offset: number | null;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'JobDetailError';
    this.code = info.code;
    this.offset = info.offset;
  }
}
