/**
 * firmwarden's own catalog files, JSON or YAML, validated by NativeCatalogFileSchema. Every
 * problem is reported with its path inside the document (`entries[3].image.sha256`) and, for
 * YAML, its line. YAML aliases are capped (yaml's maxAliasCount) so an alias bomb fails fast.
 */
import { type Document, isCollection, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Catalog, countStats } from './catalog.ts';
import {
  type CatalogIssue,
  CatalogParseError,
  CatalogValidationError,
  formatPath,
} from './catalog-errors.ts';
import { localImageIssues } from './local-images.ts';
import { type CatalogEntry, CatalogFormat, NativeCatalogFileSchema } from './model.ts';

/** Where the text came from. */
export interface NativeContext {
  file: string;
  baseDir: string;
  encoding: string;
  /** Fetched over HTTP(S): no image may be a local file (local-images.ts). */
  remote?: boolean;
}

/** Parses JSON text (already decoded); malformed JSON reports V8's line and column. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 rarely says where; JSON is YAML 1.2 flow syntax, so yaml's parser can point at it.
    const message = (err as Error).message.split('\n')[0]!.replace(/\s*\(line \d+ column \d+\)/, '');
    const pos = parseDocument(text, { prettyErrors: true }).errors[0]?.linePos?.[0];
    throw new CatalogParseError(
      file,
      `malformed JSON: ${message}`,
      pos ? { line: pos.line, column: pos.col } : {},
      err,
    );
  }
}

/** Validates a parsed native document into a Catalog. `locate` maps an issue path to a line. */
export function nativeCatalogFrom(
  doc: unknown,
  ctx: NativeContext,
  locate: (path: readonly PropertyKey[]) => number | undefined = () => undefined,
): Catalog {
  const parsed = NativeCatalogFileSchema.safeParse(doc);
  if (!parsed.success) throw new CatalogValidationError(ctx.file, toIssues(parsed.error, locate));
  const origin = { baseDir: ctx.baseDir, remote: ctx.remote ?? false };
  const unsafe = localImageIssues(parsed.data.entries, origin, locate);
  if (unsafe.length > 0) throw new CatalogValidationError(ctx.file, unsafe);
  const entries: CatalogEntry[] = parsed.data.entries.map((entry, i) => ({
    ...entry,
    source: entry.source ?? { format: CatalogFormat.native, file: ctx.file, element: `entries[${i}]` },
  }));
  return {
    entries,
    skipped: [],
    stats: countStats(entries.length, entries, []),
    source: {
      format: CatalogFormat.native,
      file: ctx.file,
      baseDir: ctx.baseDir,
      encoding: ctx.encoding,
      ...(parsed.data.name === undefined ? {} : { name: parsed.data.name }),
    },
  };
}

function toIssues(
  error: z.ZodError,
  locate: (path: readonly PropertyKey[]) => number | undefined,
): CatalogIssue[] {
  return error.issues.map((issue) => {
    const line = locate(issue.path);
    return { path: formatPath(issue.path), message: issue.message, ...(line === undefined ? {} : { line }) };
  });
}

/** Parses and validates a native JSON catalog. */
export function parseNativeJson(text: string, ctx: NativeContext): Catalog {
  return nativeCatalogFrom(parseJsonText(text, ctx.file), ctx);
}

/** Parses and validates a native YAML catalog; issues carry the YAML line. */
export function parseNativeYaml(text: string, ctx: NativeContext): Catalog {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const [first] = doc.errors;
  if (first !== undefined) {
    const pos = first.linePos?.[0];
    throw new CatalogParseError(
      ctx.file,
      `malformed YAML: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      pos ? { line: pos.line, column: pos.col } : {},
      first,
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new CatalogParseError(ctx.file, `malformed YAML: ${(err as Error).message}`, {}, err);
  }
  return nativeCatalogFrom(data, ctx, (path) => yamlLine(doc, lineCounter, path));
}

/** The line of the deepest node along `path` that exists in the YAML document. */
function yamlLine(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined && (depth === 0 || node !== undefined)) {
      if (depth === 0 && !isCollection(node)) return undefined;
      return lines.linePos(range[0]).line;
    }
  }
  return undefined;
}
