/**
 * Safe streaming XML parsing for vendor catalogs with sax, the parser xml2js is built on. A
 * catalog is read as a stream of text chunks, and only the children of the root element the
 * importer asks for are built, one at a time, as the same trees xml2js builds (explicitArray,
 * attributes under `$`, trimmed text under `_`, tag prefixes stripped): memory stays flat however
 * large the catalog, and the importer reads each subtree exactly as it read xml2js's whole tree.
 *
 * A catalog comes from the network, so a DOCTYPE that declares entities (billion laughs,
 * quadratic blow-up) or points at an external DTD / entity (XXE: file or network reads) is
 * refused with FW_ERR_CATALOG_UNSAFE as soon as sax reports it, before the root element. sax never
 * fetches external resources and does not expand declared entities; refusing makes that a clear
 * error instead of a confusing one. No Dell catalog has a DOCTYPE at all.
 */
import sax from 'sax';
import xml2js from 'xml2js';
import { CatalogError } from '../errors.ts';
import { CatalogErrorCode, CatalogParseError } from './catalog-errors.ts';

/** An element as xml2js builds it with explicitArray: attributes under `$`, text under `_`. */
export interface XmlNode {
  $?: Record<string, string>;
  _?: string;
  [child: string]: XmlNode[] | Record<string, string> | string | undefined;
}

const NOT_BLANK = /\S/;

/** What streamXml reports while it reads. */
export interface XmlStreamHandlers {
  /** The root element, once, before any child: local name and attributes. */
  root(name: string, attributes: Readonly<Record<string, string>>): void;
  /** A whole child of the root whose local name is in `collect`, in document order. */
  child(name: string, node: XmlNode): void;
}

/**
 * Parses XML text arriving in chunks, calling `handlers` as it goes. Malformed XML becomes a
 * CatalogParseError with the 1-based line and the column sax reported; an error thrown by a
 * handler or by the chunk source ends the parse and propagates as it is.
 */
export async function streamXml(
  chunks: AsyncIterable<string> | Iterable<string>,
  file: string,
  collect: ReadonlySet<string>,
  handlers: XmlStreamHandlers,
): Promise<void> {
  // The options xml2js gives sax (strict, no trimming or namespaces): the same text, the same
  // entities and the same errors as the xml2js import had.
  const parser = sax.parser(true, { trim: false, normalize: false, xmlns: false });
  // One slot per open element: the node being built, or undefined outside collected subtrees.
  const stack: (XmlNode | undefined)[] = [];
  let collecting: string | undefined;
  let sawRoot = false;
  parser.ondoctype = (doctype) => assertSafeDoctype(`<!DOCTYPE${doctype}>`, file);
  parser.onerror = (err) => {
    throw toParseError(err, file);
  };
  parser.onopentag = (tag) => {
    const depth = stack.length;
    const name = localName(tag.name);
    if (depth === 0) {
      sawRoot = true;
      handlers.root(name, tag.attributes);
      stack.push(undefined);
      return;
    }
    const parent = stack[depth - 1];
    if (depth === 1 ? !collect.has(name) : parent === undefined) {
      stack.push(undefined);
      return;
    }
    const node: XmlNode = {};
    for (const _ in tag.attributes) {
      node.$ = tag.attributes;
      break;
    }
    if (depth === 1) collecting = name;
    else if (parent !== undefined) {
      const siblings = parent[name];
      if (Array.isArray(siblings)) siblings.push(node);
      else parent[name] = [node];
    }
    stack.push(node);
  };
  parser.ontext = parser.oncdata = (text) => {
    const node = stack[stack.length - 1];
    if (node === undefined) return;
    if (node._ !== undefined) node._ += text;
    // Whitespace before any text would be trimmed away: most text events are indentation.
    else if (NOT_BLANK.test(text)) node._ = text;
  };
  parser.onclosetag = () => {
    const node = stack.pop();
    if (node === undefined) return;
    if (node._ !== undefined) {
      const trimmed = node._.trim();
      if (trimmed === '') delete node._;
      else node._ = detach(trimmed);
    }
    if (stack.length === 1 && collecting !== undefined) {
      const name = collecting;
      collecting = undefined;
      handlers.child(name, node);
    }
  };
  for await (const chunk of chunks) parser.write(chunk);
  parser.close();
  if (!sawRoot) throw new CatalogParseError(file, 'malformed XML: no root element');
}

/**
 * A copy of `text` that does not point into the chunk it was cut from. sax hands text over as
 * slices of the chunk being parsed (V8 sliced strings, 13 characters and longer), and a kept
 * slice (a name, a description) keeps the whole chunk alive: every chunk of the file would stay
 * in memory. The JSON round trip copies, and keeps lone surrogates as they were.
 */
function detach(text: string): string {
  return text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
}

/** "dm:SoftwareComponent" → "SoftwareComponent", as xml2js's stripPrefix reads tag names. */
function localName(name: string): string {
  return name.includes(':') ? xml2js.processors.stripPrefix(name) : name;
}

/** Throws FW_ERR_CATALOG_UNSAFE when a DOCTYPE declaration has entities or external ids. */
export function assertSafeDoctype(decl: string, file: string): void {
  if (/<!ENTITY/i.test(decl)) {
    throw unsafe(file, 'DOCTYPE declares entities: refused (entity expansion and external entity attacks)');
  }
  if (/\b(SYSTEM|PUBLIC)\b/.test(decl)) {
    throw unsafe(file, 'DOCTYPE references an external DTD: refused (external entity attacks)');
  }
  if (decl.includes('[')) throw unsafe(file, 'DOCTYPE with an internal subset: refused');
}

function unsafe(file: string, message: string): CatalogError {
  return new CatalogError(file, message, { code: CatalogErrorCode.unsafe });
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
