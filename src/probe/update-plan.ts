/**
 * Per installed component: the method firmwarden would use and why (chooseMethod over what the
 * UpdateService announces), the apply time, the Targets it would name and the reset that
 * activates the image (BMC image: the BMC's own reset or Manager.Reset; host image: host reset).
 */
import type { UpdateCapabilities } from '../executor/capabilities.ts';
import { simpleTargets } from '../executor/install.ts';
import { chooseMethod } from '../executor/method-choice.ts';
import type { InventoryComponent } from '../inventory/model.ts';
import type { VendorDriver } from '../vendors/types.ts';
import type { ApplyTime } from '../vocab.ts';
import type { ComponentPlan } from './model.ts';

/**
 * Apply times asked for, best first, as the update step asks them (update-step.ts
 * wantedApplyTimes): a BMC image applies now; a host image is staged for one host reset. The
 * catalog entry is not known here, so a host image is taken as needing the reset.
 */
function wanted(kind: string): ApplyTime[] {
  return kind === 'bmc' ? ['Immediate', 'OnReset'] : ['OnReset', 'Immediate', 'OnStartUpdateRequest'];
}

export interface PlanContext {
  caps: UpdateCapabilities;
  driver: VendorDriver;
  managers: string[];
  /** ComputerSystem.Reset types, for the wording of host resets. */
  systemResets?: string[] | 'not announced';
  managerResets?: string[] | 'not announced';
}

/** What firmwarden would do for one component. */
export function planComponent(c: InventoryComponent, ctx: PlanContext): ComponentPlan {
  const base = { id: c.id, name: c.name, kind: c.kind, version: c.version };
  if (c.updateable === false) {
    return { ...base, why: 'Updateable is false: the BMC does not update this component', resets: '-' };
  }
  let choice: ReturnType<typeof chooseMethod>;
  try {
    // An update always starts firmwarden's own image server (update-command.ts does the same).
    choice = chooseMethod(ctx.caps, { imageSize: 0, applyTimes: wanted(c.kind), imageServer: 'http' });
  } catch (err) {
    return { ...base, why: (err as Error).message, resets: '-' };
  }
  const target = { uri: c.uri, id: c.id, name: c.name, kind: c.kind, from: c.version, to: '' };
  let targets: string[][];
  try {
    targets =
      choice.method === 'multipart'
        ? (ctx.driver.multipartTargets?.(target, ctx.managers) ?? [[c.uri]])
        : choice.method === 'simple'
          ? [simpleTargets(ctx.caps, c)]
          : [[c.uri]];
  } catch (err) {
    return { ...base, method: choice.method, why: (err as Error).message, resets: '-' };
  }
  const rejected = choice.rejected.map((r) => `${r.method}: ${r.why}`).join('; ');
  return {
    ...base,
    method: choice.method,
    ...(choice.applyTime ? { applyTime: choice.applyTime } : {}),
    targets,
    why: rejected ? `${choice.reason} (not ${rejected})` : choice.reason,
    resets: resetOf(c.kind, choice.applyTime, ctx),
  };
}

function resetOf(kind: string, applyTime: ApplyTime | undefined, ctx: PlanContext): string {
  if (kind === 'bmc') {
    const staged = ctx.driver.bmcImageAwaitsReset?.(
      { status: 202, ...(applyTime ? { applyTime } : {}) },
      undefined,
    );
    if (staged)
      return `Manager.Reset ${managerReset(ctx.managerResets)} after the task (the BMC stages its own image)`;
    return 'the BMC resets itself; firmwarden waits until it answers at the new version';
  }
  const host = `host reset (${hostReset(ctx.systemResets)})`;
  if (applyTime === 'Immediate') return `none unless the task stages it; then ${host}`;
  return host;
}

/** The graceful reset host-reset.ts resetHost would send first, from the offered types. */
function hostReset(t: string[] | 'not announced' | undefined): string {
  if (t === undefined) return 'no ComputerSystem.Reset action: someone must power-cycle the host';
  const offered = (x: string) => t === 'not announced' || t.includes(x);
  if (offered('GracefulRestart')) return 'GracefulRestart';
  if (offered('GracefulShutdown') && offered('On')) return 'GracefulShutdown, then On';
  return t === 'not announced' ? 'types not announced' : `no graceful restart offered: ${t.join(', ')}`;
}

/** The ResetType host-reset.ts resetManager sends, from the offered types. */
function managerReset(t: string[] | 'not announced' | undefined): string {
  if (t === undefined) return '(no Manager.Reset action: someone must reset the BMC)';
  if (t === 'not announced' || t.includes('GracefulRestart')) return 'GracefulRestart';
  return t.includes('ForceRestart') ? 'ForceRestart' : (t[0] ?? '(no ResetType offered)');
}
