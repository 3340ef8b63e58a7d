/**
 * `git describe` versions: "<tag>-<commits>-g<hash>[-dirty]". OpenBMC writes its BMC image version
 * this way: meta-phosphor's os-release.bbappend (openbmc/openbmc) takes it from
 * `git describe --dirty` and keeps the first two '-' fields as the short VERSION, i.e. the tag
 * ("2.14.0-dev", "2.6.0-rc1"). bmcweb reports it as Manager FirmwareVersion and FirmwareInventory
 * Version: "2.6.0-rc1-103-g3cce45a" (openbmc/openbmc-test-automation issue #1513, 2019),
 * "v2.4-248-ga5c52ff" (xcat2/xcat2-task-management issue #553).
 *
 * The tag is read as a release with an optional pre-release ("2.14.0-dev" → 2.14.0 pre-release
 * ["dev"], "2.6.0-rc1" → ["rc", "1"]); <commits> is how far the build is past that tag, so on one
 * tag a larger count is a later commit; the hash names the commit and orders nothing. Two more
 * shapes: "<tag>-dirty" (git's output at the tag itself with uncommitted changes) and
 * "<tag>-g<hash>" ("v2.14.0-gabcdef0", from build scripts that drop the count), whose distance
 * from the tag is unknown. A text prefix before the tag (OpenPOWER "op-build-v1.19-320-gf959966")
 * is not read here: without a known family rule it stays opaque.
 */
import { toSafeInt, toSafeInts } from './normalize.ts';
import { splitTildePrerelease } from './parse-dotted.ts';
import { type VersionFields, VersionFormat } from './parsed-version.ts';

/** "-<commits>-g<hash>" or "-g<hash>" at the end; git abbreviates hashes to 7 hex digits or more. */
const COMMIT_TAIL = /^(.+?)(?:-(\d+))?-g([0-9a-f]{7,40})$/u;
/** A release tag with an optional pre-release that has a letter ("dev", "rc1", "rc.1"). */
const TAG = /^(\d+(?:\.\d+)*)(?:-([0-9a-z]+(?:[.-][0-9a-z]+)*))?$/u;
const DIRTY = '-dirty';

/** Reads a normalized, "v"-stripped text as a git-describe version, or returns undefined. */
export function parseGitDescribe(text: string): VersionFields | undefined {
  const dirty = text.endsWith(DIRTY);
  const rest = dirty ? text.slice(0, -DIRTY.length) : text;
  const tail = COMMIT_TAIL.exec(rest);
  if (!tail && !dirty) return undefined;
  const [, tagText = rest, countText, commit] = tail ?? [];
  const tag = TAG.exec(tagText);
  if (!tag) return undefined;
  const [, numbers = '', preText] = tag;
  // A numeric-only suffix on the tag would be a Dell-style build number, not a pre-release tag.
  if (preText !== undefined && !/[a-z]/u.test(preText)) return undefined;
  const releaseText = numbers.split('.');
  const release = toSafeInts(releaseText);
  if (!release) return undefined;
  // "<tag>-dirty" is git describe at the tag itself: zero commits past it.
  const commits = countText === undefined ? (commit === undefined ? 0 : undefined) : toSafeInt(countText);
  if (countText !== undefined && commits === undefined) return undefined;
  return {
    format: VersionFormat.gitDescribe,
    release,
    releaseText,
    ...(preText === undefined ? {} : { prerelease: preText.split(/[.-]/u).flatMap(splitTildePrerelease) }),
    ...(commits === undefined ? {} : { commits }),
    ...(commit === undefined ? {} : { commit }),
    ...(dirty ? { dirty: true } : {}),
  };
}
