/**
 * Integrity inspection of one installed image (pure: observations in, findings out). Each finding
 * says what was seen and what was expected: Status.Health Critical, State UnavailableOffline, an
 * empty or unreadable Version, an image read back through ImageDataURI whose digest is not the
 * catalog's, an SPDM MutableFirmware measurement that differs from the recorded baseline.
 */
import type { Digests } from '../catalog/index.ts';
import type { InventoryComponent } from '../inventory/model.ts';
import { type Finding, FindingKind } from './backup-vocab.ts';
import { digestMatches, type Reference, refDigest } from './references.ts';

/** Control characters, erased-flash 0xFF, replacement characters. */
function unprintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || (code >= 0x7f && code <= 0xa0) || code === 0xff || code === 0xfffd) return true;
  }
  return false;
}

/** Why a Version string is not a version: 'empty', 'garbled', or undefined when it is fine. */
export function versionProblem(version: string): 'empty' | 'garbled' | undefined {
  if (version.trim() === '') return 'empty';
  if (unprintable(version) || !/[0-9]/.test(version) || version.length > 64) return 'garbled';
  return undefined;
}

function finding(
  c: InventoryComponent,
  kind: Finding['kind'],
  seen: string,
  expected: string | undefined,
  detail: string,
): Finding {
  return {
    kind,
    component: c.name,
    uri: c.uri,
    seen,
    ...(expected === undefined ? {} : { expected }),
    detail: `${c.name}: ${detail}`,
  };
}

/** Findings from the inventory member itself: health, state, version. */
export function memberFindings(c: InventoryComponent, knownVersion?: string): Finding[] {
  const out: Finding[] = [];
  if (c.health === 'Critical') {
    out.push(
      finding(
        c,
        FindingKind.health,
        'Status.Health Critical',
        'OK',
        'Status.Health is Critical (expected OK)',
      ),
    );
  }
  if (c.state === 'UnavailableOffline' || c.state === 'Absent') {
    out.push(
      finding(
        c,
        FindingKind.state,
        `Status.State ${c.state}`,
        'Enabled',
        `Status.State is ${c.state} (expected Enabled)`,
      ),
    );
  }
  const problem = versionProblem(c.version);
  if (problem !== undefined) {
    const shown = JSON.stringify(c.version);
    const expect = knownVersion ? ` (last known good ${knownVersion})` : '';
    out.push(
      finding(
        c,
        FindingKind.version,
        `Version ${shown}`,
        knownVersion,
        problem === 'empty'
          ? `Version is empty${expect}`
          : `Version ${shown} is garbled, not a version${expect}`,
      ),
    );
  }
  return out;
}

/** A finding when the image read back through ImageDataURI is not the catalog's. */
export function digestFinding(c: InventoryComponent, read: Digests, ref: Reference): Finding | undefined {
  if (digestMatches(ref, read)) return undefined;
  const seen = ref.sha256 ? `sha256 ${read.sha256}` : `md5 ${read.md5}`;
  return finding(
    c,
    FindingKind.digest,
    seen,
    refDigest(ref),
    `image read back via ImageDataURI has ${seen} (${read.size} bytes), catalog entry ${ref.entry.id} ${ref.version} says ${refDigest(ref)}`,
  );
}

/** A finding when the SPDM measurement differs from the baseline recorded for this version. */
export function measurementFinding(
  c: InventoryComponent,
  measurement: string,
  baseline: { measurement: string; version: string; at: string },
): Finding | undefined {
  if (measurement === baseline.measurement) return undefined;
  const short = (m: string) => (m.length > 24 ? `${m.slice(0, 24)}…` : m);
  return finding(
    c,
    FindingKind.measurement,
    `MutableFirmware measurement ${short(measurement)}`,
    short(baseline.measurement),
    `SPDM MutableFirmware measurement ${short(measurement)} differs from the baseline ${short(baseline.measurement)} recorded ${baseline.at} for ${baseline.version}`,
  );
}

/** A finding on a slice copy that does not read back as the catalog's image. */
export function sliceCopyFinding(
  c: InventoryComponent,
  copyUri: string,
  read: Digests | string,
  ref: Reference,
): Finding {
  const seen = typeof read === 'string' ? read : ref.sha256 ? `sha256 ${read.sha256}` : `md5 ${read.md5}`;
  return finding(
    c,
    FindingKind.sliceCopy,
    seen,
    refDigest(ref),
    `slice copy ${copyUri} reads back with ${seen}, catalog says ${refDigest(ref)}: the copy is not used`,
  );
}
