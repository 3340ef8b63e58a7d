/**
 * Safe XML parsing for vendor catalogs with xml2js. A catalog comes from the network, so a
 * DOCTYPE that declares entities (billion laughs, quadratic blow-up) or points at an external
 * DTD / entity (XXE: file or network reads) is refused before parsing with FW_ERR_CATALOG_UNSAFE.
 * xml2js's sax parser never fetches external resources and does not expand declared entities;
 * refusing up front makes that a clear error instead of a confusing one. No Dell catalog has a
 * DOCTYPE at all.
 */
import xml2js from 'xml2js';
import { CatalogError } from '../errors.ts';
import { CatalogErrorCode, CatalogParseError } from './catalog-errors.ts';

/** An element as xml2js builds it with explicitArray: attributes under `$`, text under `_`. */
export interface XmlNode {
  $?: Record<string, string>;
  _?: string;
  [child: string]: XmlNode[] | Record<string, string> | string | undefined;
}

/** Throws FW_ERR_CATALOG_UNSAFE when the document has a DOCTYPE with entities or external ids. */
export function assertSafeXml(text: string, file: string): void {
  const start = text.search(/<!DOCTYPE/i);
  if (start === -1) return;
  const decl = doctypeText(text, start);
  if (/<!ENTITY/i.test(decl)) {
    throw unsafe(file, 'DOCTYPE declares entities: refused (entity expansion and external entity attacks)');
  }
  if (/\b(SYSTEM|PUBLIC)\b/.test(decl)) {
    throw unsafe(file, 'DOCTYPE references an external DTD: refused (external entity attacks)');
  }
  if (decl.includes('[')) throw unsafe(file, 'DOCTYPE with an internal subset: refused');
}

/** The DOCTYPE declaration from `start` to its closing '>' (after the internal subset, if any). */
function doctypeText(text: string, start: number): string {
  let inSubset = false;
  let quote: string | undefined;
  for (let i = start + 2; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') inSubset = true;
    else if (c === ']') inSubset = false;
    else if (c === '>' && !inSubset) return text.slice(start, i + 1);
  }
  return text.slice(start);
}

function unsafe(file: string, message: string): CatalogError {
  return new CatalogError(file, message, { code: CatalogErrorCode.unsafe });
}

/**
 * Parses XML text into xml2js's tree ({ rootName: XmlNode }). Malformed XML becomes a
 * CatalogParseError with the 1-based line and the column sax reported.
 */
export async function parseXml(text: string, file: string): Promise<Record<string, XmlNode>> {
  assertSafeXml(text, file);
  const parser = new xml2js.Parser({
    explicitArray: true,
    explicitRoot: true,
    trim: true,
    normalize: false,
    strict: true,
    async: false,
    // "dm:SoftwareComponent" and "SoftwareComponent" read the same.
    tagNameProcessors: [xml2js.processors.stripPrefix],
  });
  let tree: unknown;
  try {
    tree = await parser.parseStringPromise(text);
  } catch (err) {
    throw toParseError(err, file);
  }
  if (tree === null || typeof tree !== 'object') {
    throw new CatalogParseError(file, 'malformed XML: no root element');
  }
  return tree as Record<string, XmlNode>;
}

/** sax messages read "Unexpected close tag\nLine: 4\nColumn: 7\nChar: >" with a 0-based line. */
function toParseError(err: unknown, file: string): CatalogParseError {
  const raw = err instanceof Error ? err.message : String(err);
  const [first] = raw.split('\n');
  const line = /Line: (\d+)/.exec(raw)?.[1];
  const column = /Column: (\d+)/.exec(raw)?.[1];
  return new CatalogParseError(
    file,
    `malformed XML: ${(first ?? raw).trim().toLowerCase()}`,
    {
      ...(line === undefined ? {} : { line: Number(line) + 1 }),
      ...(column === undefined ? {} : { column: Number(column) }),
    },
    err,
  );
}

/** The `name` children of a node (empty when absent). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? value : [];
}

/** The first `name` child. */
export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

/** An attribute value, trimmed; undefined when absent or empty. */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.$?.[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Text content of a node ('' when none). */
export function text(node: XmlNode | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return (node as string).trim();
  return (node._ ?? '').trim();
}

/** The `Display` text in English (lang="en"), else the first Display, of a Dell element. */
export function display(node: XmlNode | undefined): string {
  const displays = children(node, 'Display');
  const en = displays.find((d) => attr(d, 'lang')?.toLowerCase() === 'en') ?? displays[0];
  return text(en);
}
