/**
 * Writes schemas/policy.schema.json from the zod schema that validates plan policy files, so
 * editors and other tools validate the same thing. `--check` exits 1 when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { PolicyFileSchema } from '../src/planner/policy.ts';

export const POLICY_SCHEMA_PATH = new URL('../schemas/policy.schema.json', import.meta.url);

/** The JSON Schema text for policy files. */
export function policyJsonSchema(): string {
  const schema = z.toJSONSchema(PolicyFileSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, $id: 'https://firmwarden.dev/schemas/policy.schema.json', title: 'firmwarden plan policy' }, null, 2)}\n`;
}

if (import.meta.main) {
  const text = policyJsonSchema();
  if (process.argv.includes('--check')) {
    const current = await readFile(POLICY_SCHEMA_PATH, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write('schemas/policy.schema.json is stale: run node scripts/gen-policy-schema.ts\n');
      process.exit(1);
    }
  } else {
    await writeFile(POLICY_SCHEMA_PATH, text);
  }
}
