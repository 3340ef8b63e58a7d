/**
 * Reads a policy file's text (YAML or JSON; JSON is read by the same YAML 1.2 parser so both get
 * line numbers). Pure: the caller reads the file. Every error is a ConfigError naming the file,
 * the field path inside it (`pins[1].kind`) and its line.
 */
import { type Document, isCollection, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { type PlanPolicy, PolicyFileSchema } from './policy.ts';

/** Parses and validates policy file text; `source` names the file in errors. */
export function parsePolicyText(text: string, source: string): PlanPolicy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: true,
  });
  const [first] = doc.errors;
  if (first !== undefined) {
    const line = first.linePos?.[0]?.line;
    throw new ConfigError(
      line === undefined ? source : `${source}:${line}`,
      `malformed policy file: ${first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      { cause: first },
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(source, `malformed policy file: ${(err as Error).message}`, { cause: err });
  }
  const parsed = PolicyFileSchema.safeParse(data ?? {});
  if (!parsed.success) {
    throw new ConfigError(source, describeIssues(parsed.error, doc, lineCounter), { cause: parsed.error });
  }
  const { version: _version, ...policy } = parsed.data;
  return policy;
}

/** "pins[1].kind: Invalid option ... (line 7)" for the first few issues. */
function describeIssues(error: z.ZodError, doc: Document, lines: LineCounter): string {
  const shown = error.issues.slice(0, 5).map((issue) => {
    const line = yamlLine(doc, lines, issue.path);
    return `${formatPath(issue.path) || '(top level)'}: ${issue.message}${line === undefined ? '' : ` (line ${line})`}`;
  });
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out;
}

/** The line of the deepest node along `path` that exists in the document. */
function yamlLine(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true) as { range?: [number, number, number] };
    if (node?.range !== undefined) return lines.linePos(node.range[0]).line;
  }
  const root = doc.contents;
  return isCollection(root) && root.range ? lines.linePos(root.range[0]).line : undefined;
}
