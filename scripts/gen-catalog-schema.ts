/**
 * Writes schemas/catalog.schema.json from the zod catalog model.
 * Run: node scripts/gen-catalog-schema.ts (test/catalog/json-schema.test.ts fails when stale).
 */
import { writeFile } from 'node:fs/promises';
import { catalogJsonSchemaText } from '../src/catalog/json-schema.ts';

const target = new URL('../schemas/catalog.schema.json', import.meta.url);
await writeFile(target, catalogJsonSchemaText());
console.log(`wrote ${target.pathname}`);
