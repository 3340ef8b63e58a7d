/** How a job's errors are journalled and posted: a stable code and a message. */
import { FirmwardenError } from '../errors.ts';

export function errorInfo(err: unknown): { code: string; message: string } {
  return {
    code: err instanceof FirmwardenError ? err.code : 'FW_ERR_UNEXPECTED',
    message: err instanceof Error ? err.message : String(err),
  };
}
