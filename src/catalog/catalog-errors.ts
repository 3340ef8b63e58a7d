/**
 * Error codes of catalog loading, and the CatalogError subclasses that carry a position.
 * Every catalog error is a CatalogError (src/errors.ts) naming the file; tests branch on `code`.
 */
import { CatalogError } from '../errors.ts';

export const CatalogErrorCode = {
  /** The file could not be read, or is empty. */
  read: 'FW_ERR_CATALOG',
  /** Neither XML, native JSON/YAML nor an HPE fwrepo.json. */
  format: 'FW_ERR_CATALOG_FORMAT',
  /** Bytes that are not valid text in the detected encoding, or an encoding not supported. */
  encoding: 'FW_ERR_CATALOG_ENCODING',
  /** Malformed XML, JSON or YAML. */
  parse: 'FW_ERR_CATALOG_PARSE',
  /** Well-formed but not a valid catalog (native schema, Dell root element, HPE shape). */
  invalid: 'FW_ERR_CATALOG_INVALID',
  /** Refused for safety: DOCTYPE with entities or an external DTD (XXE, entity expansion bombs). */
  unsafe: 'FW_ERR_CATALOG_UNSAFE',
  /** Larger than the configured cap. */
  tooLarge: 'FW_ERR_CATALOG_TOO_LARGE',
} as const;
export type CatalogErrorCode = (typeof CatalogErrorCode)[keyof typeof CatalogErrorCode];

/** Malformed input; `line` and `column` are 1-based when the parser reported them. */
export class CatalogParseError extends CatalogError {
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(
    file: string,
    message: string,
    position: { line?: number; column?: number } = {},
    cause?: unknown,
  ) {
    const where =
      position.line === undefined
        ? ''
        : `:${position.line}${position.column === undefined ? '' : `:${position.column}`}`;
    super(`${file}${where}`, message, { cause, code: CatalogErrorCode.parse });
    this.name = 'CatalogParseError';
    this.line = position.line;
    this.column = position.column;
  }
}

/** One schema problem: the path inside the document and, for YAML, the line. */
export interface CatalogIssue {
  path: string;
  message: string;
  line?: number;
}

/** A native catalog that parsed but does not match the schema. */
export class CatalogValidationError extends CatalogError {
  readonly issues: CatalogIssue[];
  constructor(file: string, issues: CatalogIssue[]) {
    const shown = issues.slice(0, 5).map(formatIssue);
    const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
    super(file, shown.join('; ') + more, { code: CatalogErrorCode.invalid });
    this.name = 'CatalogValidationError';
    this.issues = issues;
  }
}

function formatIssue(issue: CatalogIssue): string {
  const line = issue.line === undefined ? '' : ` (line ${issue.line})`;
  return `${issue.path || '(root)'}: ${issue.message}${line}`;
}

/** Renders a zod-style path as `entries[3].image.sha256`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
