export { type CatalogIndex, indexCatalog } from './catalog-index.ts';
export { describeIdentity, identityOf } from './component-identity.ts';
export { componentMatcher, type EntryMatch, type Found } from './component-matcher.ts';
export {
  ACTION_DECISIONS,
  Compliance,
  ComplianceSchema,
  Decision,
  DecisionSchema,
  isAction,
} from './decision.ts';
export { type MatchResult, type MatchStage, matchEntry } from './entry-match.ts';
export { KIND_ORDER } from './execution-order.ts';
export { checkModel, normalizeSystemId } from './model-filter.ts';
export { createPlanner, type Planner, plan } from './plan.ts';
export { PlanError, PlanErrorCode } from './plan-errors.ts';
export type {
  ComplianceSummary,
  ComponentLine,
  KindCompliance,
  Plan,
  PlanDecision,
  PlannedComponent,
  PlanTarget,
  ServerPlan,
  ServerRequirements,
} from './plan-model.ts';
export {
  type LabelSelector,
  type Pin,
  PinMode,
  PinModeSchema,
  PinSchema,
  type PlanPolicy,
  PlanPolicySchema,
  type PolicyFile,
  PolicyFileSchema,
} from './policy.ts';
export { parsePolicyText } from './policy-file.ts';
