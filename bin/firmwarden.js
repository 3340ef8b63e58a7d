#!/usr/bin/env node
// The `firmwarden` command. In a git checkout it runs the TypeScript sources (Node strips the
// types); the published package holds no sources but the compiled dist/ (built by `npm pack`),
// since Node does not strip types under node_modules. Plain JavaScript any Node parses, so an old
// Node gets a clear message rather than a missing-module error.
import { existsSync } from 'node:fs';
import module from 'node:module';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 20)) {
  process.stderr.write(`firmwarden needs Node.js >= 22.20 (this is ${process.version})\n`);
  process.exit(2);
}
// V8's code cache on disk (os.tmpdir()/node-compile-cache; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off): most of a command's start-up CPU is compiling its dependencies (undici, zod, yaml).
module.enableCompileCache?.();
const source = new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(existsSync(source) ? source.href : '../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
