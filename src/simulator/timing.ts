/**
 * How long things take on a simulated BMC. Every duration of the update, power and reboot
 * machinery comes from here, per BMC: tests run on the `fast` preset (tens of milliseconds), demos
 * on `realistic` (a few seconds; real BMCs take minutes, which nobody wants to watch).
 */
import type { SimTiming } from './types.ts';

/** Test defaults: long enough that a poller sees every state, short enough for a fast suite. */
export const FAST_TIMING: Readonly<SimTiming> = {
  transferMs: 20,
  verifyMs: 15,
  installMs: 25,
  taskStartMs: 5,
  powerOffMs: 20,
  powerOnMs: 30,
  gracefulShutdownMs: 30,
  hostInstallMs: 20,
  bmcRebootMs: 150,
  bmcWarmupMs: 0,
  bmcResetDelayMs: 10,
  taskRetentionMs: 5_000,
  monitorRetentionMs: 5_000,
  // iDRAC deletes finished jobs soon; kept above a typical test poll interval.
  jobRetentionMs: 1_000,
  retryAfterSeconds: 1,
};

/** Demo pace: each step visible for a few seconds. */
export const REALISTIC_TIMING: Readonly<SimTiming> = {
  transferMs: 3_000,
  verifyMs: 2_000,
  installMs: 5_000,
  taskStartMs: 500,
  powerOffMs: 2_000,
  powerOnMs: 6_000,
  gracefulShutdownMs: 4_000,
  hostInstallMs: 4_000,
  bmcRebootMs: 10_000,
  bmcWarmupMs: 8_000,
  bmcResetDelayMs: 500,
  taskRetentionMs: 10 * 60_000,
  monitorRetentionMs: 10 * 60_000,
  jobRetentionMs: 30_000,
  retryAfterSeconds: 5,
};

/** A preset name, or a partial override of the fast preset. */
export type SimTimingOption = 'fast' | 'realistic' | Partial<SimTiming>;

/** Resolves a timing option into a complete, validated timing. */
export function resolveTiming(option: SimTimingOption | undefined): SimTiming {
  const t =
    option === 'realistic'
      ? { ...REALISTIC_TIMING }
      : option === 'fast' || option === undefined
        ? { ...FAST_TIMING }
        : { ...FAST_TIMING, ...option };
  for (const [k, v] of Object.entries(t)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`simulator timing ${k} must be a non-negative number of ms, got ${String(v)}`);
    }
  }
  return t;
}
