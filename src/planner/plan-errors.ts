/** Errors plan() throws: only catalog defects it cannot plan around (one server's trouble is a decision). */
import { FirmwardenError } from '../errors.ts';

export const PlanErrorCode = {
  /** Catalog entries require each other through prerequisites.after: no order exists. */
  prerequisiteCycle: 'FW_ERR_PLAN_PREREQUISITE_CYCLE',
} as const;
export type PlanErrorCode = (typeof PlanErrorCode)[keyof typeof PlanErrorCode];

/** The plan cannot be made from this catalog. */
export class PlanError extends FirmwardenError {
  /** The entry ids involved, in cycle order. */
  readonly entries: string[];
  constructor(code: PlanErrorCode, message: string, entries: string[] = []) {
    super(code, message);
    this.name = 'PlanError';
    this.entries = entries;
  }
}
