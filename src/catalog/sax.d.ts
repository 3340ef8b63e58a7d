/**
 * The part of sax's API (https://github.com/isaacs/sax-js, 1.x; xml2js's own parser) that the Dell
 * catalog importer uses. sax ships no types and @types/sax would be one more dependency for five
 * members.
 */
declare module 'sax' {
  export interface SaxOptions {
    trim?: boolean;
    normalize?: boolean;
    xmlns?: boolean;
    position?: boolean;
  }
  export interface SaxTag {
    name: string;
    attributes: Record<string, string>;
    isSelfClosing: boolean;
  }
  export interface SaxParser {
    line: number;
    column: number;
    onopentag: ((tag: SaxTag) => void) | undefined;
    onclosetag: ((name: string) => void) | undefined;
    ontext: ((text: string) => void) | undefined;
    oncdata: ((text: string) => void) | undefined;
    ondoctype: ((doctype: string) => void) | undefined;
    onerror: ((err: Error) => void) | undefined;
    write(chunk: string): SaxParser;
    close(): SaxParser;
  }
  /** A push parser; `strict` as xml2js uses it. */
  export function parser(strict: boolean, options?: SaxOptions): SaxParser;
  const sax: { parser: typeof parser };
  export default sax;
}
