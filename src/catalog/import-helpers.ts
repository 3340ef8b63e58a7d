/**
 * Pieces every vendor importer shares: the import context, package path checks, date
 * normalization, and the final schema check that makes a vendor entry a CatalogEntry.
 */
import { type SkippedItem, SkipReason } from './catalog.ts';
import { formatPath } from './catalog-errors.ts';
import { type CatalogEntry, CatalogEntrySchema } from './model.ts';

/** What an importer knows about where the catalog is. */
export interface ImportContext {
  /** The catalog path as the caller gave it (used in messages and entry.source.file). */
  file: string;
  /**
   * Base URL for packages given relative to the catalog (Dell baseLocation="", HPE repos), e.g.
   * "https://downloads.dell.com/" or "https://downloads.linux.hpe.com/SDR/repo/fwpp-gen11/current/".
   * Without it such packages become image.file paths relative to the catalog file.
   */
  baseUrl?: string;
}

/**
 * A vendor package path made safe to join to a base: forward slashes, no leading slash, no
 * scheme or drive letter, no "." or ".." segments. Undefined when it cannot be made safe.
 */
export function safePackagePath(path: string): string | undefined {
  const normalized = path.replaceAll('\\', '/').replace(/^\/+/, '');
  if (normalized === '' || normalized.includes('\0')) return undefined;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(normalized)) return undefined;
  const segments = normalized.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  return normalized;
}

/** Joins a safe relative package path to a base URL (a trailing slash is added to the base). */
export function joinUrl(base: string, path: string): string {
  const withSlash = base.endsWith('/') ? base : `${base}/`;
  return new URL(path, withSlash).href;
}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/**
 * An ISO date (YYYY-MM-DD) from the shapes vendors write: "November 27, 2017" and
 * "July 25,2023" (Dell releaseDate), "20240621" (HPE), ISO dates and date-times. Undefined
 * when unrecognised: a release date is informational and never worth failing an import.
 */
export function isoDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(v);
  if (m) return checkDate(m[1]!, m[2]!, m[3]!);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (m) return checkDate(m[1]!, m[2]!, m[3]!);
  m = /^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$/.exec(v);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
    if (month === 0) return undefined;
    return checkDate(m[3]!, String(month).padStart(2, '0'), m[2]!.padStart(2, '0'));
  }
  return undefined;
}

function checkDate(y: string, m: string, d: string): string | undefined {
  const iso = `${y}-${m}-${d}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? undefined : iso;
}

/** An entry or the reason it was skipped. */
export type Imported = { entry: CatalogEntry } | { skip: SkippedItem };

/**
 * Validates a vendor-built entry against the catalog schema, so every imported entry satisfies
 * the same invariants as a native one; a failure becomes a skip naming the first problem.
 */
export function finalizeEntry(candidate: unknown, element: string, key: string | undefined): Imported {
  const parsed = CatalogEntrySchema.safeParse(candidate);
  if (parsed.success) return { entry: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue === undefined ? '' : `${formatPath(issue.path) || '(entry)'}: `;
  return {
    skip: {
      element,
      ...(key === undefined ? {} : { key }),
      reason: SkipReason.invalid,
      detail: `${where}${issue?.message ?? 'invalid entry'}`,
    },
  };
}

/** Builds a skip record. */
export function skip(element: string, key: string | undefined, reason: SkipReason, detail: string): Imported {
  return { skip: { element, ...(key === undefined ? {} : { key }), reason, detail } };
}
