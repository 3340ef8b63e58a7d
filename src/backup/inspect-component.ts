/**
 * Inspects one installed embedded image and the store copy behind it: the member's health, state
 * and version; the image read back through ImageDataURI against the catalog's digest; the SPDM
 * measurement against the baseline of the same version; and whether firmwarden's store holds a
 * verified copy — made from the BMC's read-back when asked and the read-back is the catalog's.
 */
import { ImageStoreError } from '../catalog/index.ts';
import { describeError } from '../errors.ts';
import type { InventoryComponent } from '../inventory/model.ts';
import type { BackupEnv, ComponentBackup, ServerFacts } from './backup-env.ts';
import {
  CopyState,
  type Finding,
  type Integrity,
  IntegritySignal,
  IntegrityState,
  isComponentFinding,
} from './backup-vocab.ts';
import { digestFinding, measurementFinding, memberFindings, versionProblem } from './integrity.ts';
import { componentKey, type Reference, refDigest } from './references.ts';

/** The component, its reference and what the read-back said (for the later phases). */
export interface Inspected {
  c: InventoryComponent;
  ref?: Reference;
  report: ComponentBackup;
  /** The image read back through ImageDataURI is the catalog's. */
  readBackOk: boolean;
}

/** Embedded images worth a backup: BMC and BIOS always, anything the catalog holds an image of. */
export function embedded(env: BackupEnv, facts: ServerFacts): InventoryComponent[] {
  const inv = facts.view.inventory;
  return inv.components.filter(
    (c) => c.kind === 'bmc' || c.kind === 'bios' || env.findReference(inv, c, c.version) !== undefined,
  );
}

/** The sha256 of the store's copy of a reference, when one is stored. */
async function storedSha(env: BackupEnv, ref: Reference): Promise<string | undefined> {
  if (ref.sha256) return (await env.store.has(ref.sha256)) ? ref.sha256 : undefined;
  return ref.md5 ? env.store.findByMd5(ref.md5) : undefined;
}

/** Inspects a component; with `create`, fills a missing store copy from a good read-back. */
export async function inspectComponent(
  env: BackupEnv,
  facts: ServerFacts,
  c: InventoryComponent,
  create: boolean,
): Promise<Inspected> {
  const inv = facts.view.inventory;
  const key = componentKey(inv, c);
  const known = facts.baselines.get(key);
  const readable = versionProblem(c.version) === undefined;
  const expectedVersion = readable ? c.version : known?.version;
  const ref = expectedVersion ? env.findReference(inv, c, expectedVersion) : undefined;
  const report: ComponentBackup = {
    component: c.name,
    kind: c.kind,
    uri: c.uri,
    key,
    version: c.version,
    ...(expectedVersion ? { expectedVersion } : {}),
    ...(ref ? { reference: { entryId: ref.entry.id, version: ref.version, digest: refDigest(ref) } } : {}),
    store: { state: CopyState.unverifiable },
    findings: memberFindings(c, readable ? undefined : known?.version),
    integrity: { state: IntegrityState.notCheckable, signals: [] },
    notes: [],
  };
  const signals: IntegritySignal[] = [];
  if (c.health !== undefined || c.state !== undefined) signals.push(IntegritySignal.status);
  signals.push(IntegritySignal.version);
  const raw = facts.view.members.get(c.uri);
  let readBackOk = false;
  let readError: string | undefined;
  if (raw?.ImageDataURI && ref) {
    try {
      const read = await env.reader.digest(raw.ImageDataURI, (ref.size ?? 0) * 2 || undefined);
      signals.push(IntegritySignal.digest);
      const f = digestFinding(c, read, ref);
      if (f) report.findings.push(f);
      else readBackOk = true;
    } catch (err) {
      readError = describeError(err);
      report.notes.push(`image not read back: ${readError}`);
    }
  }
  const m = facts.measurements.get(c.uri);
  if (m && known?.measurement && known.version === expectedVersion) {
    signals.push(IntegritySignal.measurement);
    const f = measurementFinding(c, m.value, {
      measurement: known.measurement,
      version: known.version,
      at: known.at,
    });
    if (f) report.findings.push(f);
  }
  report.integrity = integrityVerdict(report.findings, signals, () => {
    if (ref === undefined)
      return expectedVersion
        ? `no catalog entry for ${c.name} ${expectedVersion}: no digest to check the image against`
        : 'no readable version and no baseline: nothing to check the image against';
    const image = raw?.ImageDataURI
      ? `the image could not be read back (${readError ?? 'no answer'})`
      : 'the BMC does not offer the image for reading back (no ImageDataURI)';
    const spdm = m ? 'no SPDM measurement baseline of this version yet' : 'no SPDM measurement';
    return `${image}; ${spdm}`;
  });
  if (ref === undefined) {
    report.store.detail = expectedVersion
      ? `no catalog entry for ${c.name} ${expectedVersion}: nothing to verify a copy against`
      : `${c.name} has no readable version and no baseline: its image is unknown`;
    return { c, report, readBackOk };
  }
  report.store = await storeCopy(env, ref, raw?.ImageDataURI ?? undefined, create && readBackOk);
  if (!report.findings.some(isComponentFinding) && readBackOk)
    report.notes.push('installed image reads back as the catalog image');
  return { c, ref, report, readBackOk };
}

async function storeCopy(
  env: BackupEnv,
  ref: Reference,
  imageData: string | undefined,
  fromBmc: boolean,
): Promise<ComponentBackup['store']> {
  const sha = await storedSha(env, ref);
  let damaged = false;
  if (sha !== undefined) {
    try {
      await env.store.verify(sha);
      return { state: CopyState.ok };
    } catch (err) {
      if (!(err instanceof ImageStoreError)) throw err;
      damaged = true;
    }
  }
  if (fromBmc && imageData) {
    try {
      await env.reader.store(imageData, env.store, {
        ...(ref.sha256 ? { sha256: ref.sha256 } : {}),
        ...(ref.md5 ? { md5: ref.md5 } : {}),
        ...(ref.size !== undefined ? { size: ref.size } : {}),
      });
      return {
        state: CopyState.created,
        detail: 'read back from the BMC (ImageDataURI) and verified against the catalog',
      };
    } catch (err) {
      return { state: damaged ? CopyState.corrupt : CopyState.missing, detail: describeError(err) };
    }
  }
  return damaged
    ? {
        state: CopyState.corrupt,
        detail: `the store's copy fails its ${refDigest(ref)}: run firmwarden catalog sync`,
      }
    : { state: CopyState.missing, detail: 'not in the image store: run firmwarden catalog sync' };
}

/**
 * Corrupt when anything was found on the component itself; ok only when a digest or a measurement
 * was compared; otherwise not checkable, with why (a clean Status and Version prove little: a
 * damaged image often keeps both).
 */
export function integrityVerdict(
  findings: readonly Finding[],
  signals: IntegritySignal[],
  why: () => string,
): Integrity {
  if (findings.some(isComponentFinding)) return { state: IntegrityState.corrupt, signals };
  if (signals.includes(IntegritySignal.digest) || signals.includes(IntegritySignal.measurement))
    return { state: IntegrityState.ok, signals };
  return { state: IntegrityState.notCheckable, signals, reason: why() };
}
