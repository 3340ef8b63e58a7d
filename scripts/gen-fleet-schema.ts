/**
 * Writes schemas/fleet.schema.json from the zod schema that validates fleet files, so editors and
 * other tools validate the same thing. `--check` exits 1 when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { FleetFileSchema } from '../src/fleet/schema.ts';

export const FLEET_SCHEMA_PATH = new URL('../schemas/fleet.schema.json', import.meta.url);

/** The JSON Schema text for fleet files. */
export function fleetJsonSchema(): string {
  const schema = z.toJSONSchema(FleetFileSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, $id: 'https://firmwarden.dev/schemas/fleet.schema.json', title: 'firmwarden fleet file' }, null, 2)}\n`;
}

if (import.meta.main) {
  const text = fleetJsonSchema();
  if (process.argv.includes('--check')) {
    const current = await readFile(FLEET_SCHEMA_PATH, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write('schemas/fleet.schema.json is stale: run node scripts/gen-fleet-schema.ts\n');
      process.exit(1);
    }
  } else {
    await writeFile(FLEET_SCHEMA_PATH, text);
  }
}
