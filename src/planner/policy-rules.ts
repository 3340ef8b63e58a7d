/**
 * How a policy applies to one server and component: is the kind allowed, which pin holds it, does
 * an update's criticality clear the threshold. Every answer carries the sentence the plan prints.
 */
import type { Criticality } from '../catalog/model.ts';
import type { InventoryComponent, ServerInventory } from '../inventory/model.ts';
import { CRITICALITY_RANK, type LabelSelector, type Pin, PinMode, type PlanPolicy } from './policy.ts';

/** Why a component kind is kept out, or undefined when it may be updated. */
export function kindExclusion(policy: PlanPolicy, component: InventoryComponent): string | undefined {
  const { allow, deny } = policy.kinds ?? {};
  if (deny?.includes(component.kind)) return `kind ${component.kind} is denied by policy (kinds.deny)`;
  if (allow !== undefined && !allow.includes(component.kind)) {
    return `kind ${component.kind} is not in policy kinds.allow (${allow.join(', ')})`;
  }
  return undefined;
}

/**
 * Why a component is left alone under an entry selection (`policy.entries`), or undefined when
 * one of the selected entries matches it (or nothing is selected).
 */
export function entryExclusion(policy: PlanPolicy, matchedIds: string[]): string | undefined {
  const only = policy.entries;
  if (only === undefined || matchedIds.some((id) => only.includes(id))) return undefined;
  return `not selected: only ${only.join(', ')} ${only.length === 1 ? 'is' : 'are'} applied`;
}

/** True when every key of the selector matches the server's labels. */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (selector === undefined) return true;
  for (const [key, want] of Object.entries(selector)) {
    const have = labels[key];
    if (have === undefined) return false;
    if (Array.isArray(want) ? !want.includes(have) : want !== have) return false;
  }
  return true;
}

/** A pin in force for one component, with its position in the policy for messages. */
export interface ActivePin {
  pin: Pin;
  index: number;
  mode: PinMode;
  /** "pins[0] (site=fra1)" */
  label: string;
}

/** The pin for this component, `conflict` when pins disagree, or undefined when none applies. */
export function pinFor(
  policy: PlanPolicy,
  server: ServerInventory,
  component: InventoryComponent,
): ActivePin | { conflict: string } | undefined {
  const found: ActivePin[] = [];
  (policy.pins ?? []).forEach((pin, index) => {
    if (pin.kind !== component.kind) return;
    if (pin.vendor !== undefined && pin.vendor !== server.vendor) return;
    if (!selectorMatches(pin.match, server.labels)) return;
    found.push({ pin, index, mode: pin.mode ?? PinMode.exact, label: pinLabel(pin, index) });
  });
  if (found.length === 0) return undefined;
  const [first] = found as [ActivePin, ...ActivePin[]];
  const other = found.find((p) => p.pin.version !== first.pin.version || p.mode !== first.mode);
  if (other !== undefined) {
    return {
      conflict: `conflicting pins: ${first.label} holds ${first.pin.version} (${first.mode}), ${other.label} holds ${other.pin.version} (${other.mode})`,
    };
  }
  return first;
}

function pinLabel(pin: Pin, index: number): string {
  const selector = Object.entries(pin.match ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`)
    .join(',');
  return `policy pins[${index}]${selector ? ` (${selector})` : ''}`;
}

/** Why an update of this criticality is left out, or undefined when it clears the threshold. */
export function criticalityExclusion(policy: PlanPolicy, criticality: Criticality): string | undefined {
  const min = policy.minimumCriticality;
  if (min === undefined || CRITICALITY_RANK[criticality] >= CRITICALITY_RANK[min]) return undefined;
  return `the update is ${criticality}; policy minimumCriticality is ${min}`;
}
