/**
 * Recognizes which format a firmware version string is in and takes it apart. Pure: no I/O.
 *
 * Order matters: the vendor shapes that carry a family ("U30 v2.90", "iLO 5 2.78",
 * "TEI3E4D-4.12") and the hex shapes are tried before plain dotted numbers, and whatever no rule
 * recognizes is opaque (only equal to itself) rather than guessed at.
 */
import { ComponentKind } from '../vocab.ts';
import { splitTrailingDate } from './dates.ts';
import { isSemVerScheme, type VersionHints } from './hints.ts';
import { normalizeVersionText, placeholderReason, stripLeadingV } from './normalize.ts';
import { parseDotted } from './parse-dotted.ts';
import { parseGitDescribe } from './parse-git-describe.ts';
import { parseHex } from './parse-hex.ts';
import { parseHexDotted } from './parse-hex-dotted.ts';
import { parseHpeRom, splitIloPrefix } from './parse-hpe.ts';
import { parseLenovoBuild } from './parse-lenovo.ts';
import { parseSemver } from './parse-semver.ts';
import { type ParsedVersion, type VersionFields, VersionFormat } from './parsed-version.ts';

/**
 * Parses a firmware version string into its format, family, release numbers and qualifiers.
 * Never throws: strings no rule recognizes come back as format 'opaque', and empty or
 * placeholder strings ("N/A", "Unknown", "0.0.0") as 'unknown'.
 *
 * @param raw - the Version as the BMC or catalog reports it
 * @param hints - Redfish VersionScheme, vendor and component kind, when known
 */
export function parseVersion(raw: string, hints: VersionHints = {}): ParsedVersion {
  const normalized = normalizeVersionText(raw);
  return { raw, normalized, ...recognize(raw, normalized, hints) };
}

function recognize(raw: string, normalized: string, hints: VersionHints): VersionFields {
  const unknown = placeholderReason(normalized);
  if (unknown !== undefined)
    return { format: VersionFormat.unknown, note: unknown, release: [], releaseText: [] };
  const text = stripLeadingV(normalized);
  if (hints.kind === ComponentKind.drive) return recognizeDriveFirmware(text);
  const shaped = parseHex(text) ?? parseHpeRom(text) ?? parseLenovoBuild(text, hints);
  if (shaped) return shaped;
  const ilo = splitIloPrefix(text);
  if (ilo) {
    const fields = parseNumeric(ilo.rest, hints);
    return fields ? { ...fields, family: ilo.family } : opaque('unrecognized text after an iLO prefix');
  }
  return parseHexDotted(text, raw, hints) ?? parseNumeric(text, hints) ?? opaque('no known version format');
}

/**
 * Git describe, dotted or semver, with an optional trailing release date (HPE iLO "2.96 Aug 17
 * 2023"). Git describe goes first, even under the SemVer scheme: "2.14.0-dev-1066-g5d3a29a8c" is
 * valid semver, but reading "dev-1066-g5d3a29a8c" as one pre-release would order builds by their
 * text ("dev-999" after "dev-1066") and by their hash. Under the SemVer scheme hint semver goes
 * before dotted, so "1.0.0-5" is a pre-release there.
 */
function parseNumeric(text: string, hints: VersionHints): VersionFields | undefined {
  const { core, date } = splitTrailingDate(text);
  const bare = stripLeadingV(core);
  const declared = isSemVerScheme(hints);
  const fields =
    parseGitDescribe(bare) ??
    (declared
      ? (parseSemver(bare, true) ?? parseDotted(bare))
      : (parseDotted(bare) ?? parseSemver(bare, false)));
  if (!fields) return undefined;
  return date === undefined ? fields : { ...fields, date };
}

/**
 * Drive firmware revisions are maker codes ("MA8F", "GXA5", "HPD4"); their letters and digits
 * encode lines and builds no public rule orders. Only plain dotted integers are ordered; even a
 * respin-looking "4.1a" stays opaque for a drive.
 */
function recognizeDriveFirmware(text: string): VersionFields {
  if (/^\d+(?:\.\d+)*$/u.test(text)) {
    const fields = parseDotted(text);
    if (fields) return fields;
  }
  return opaque('drive firmware code');
}

function opaque(note: string): VersionFields {
  return { format: VersionFormat.opaque, note, release: [], releaseText: [] };
}
