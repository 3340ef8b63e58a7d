/**
 * Writes schemas/daemon.schema.json from the zod schema that validates daemon config files, so
 * editors and other tools validate the same thing. `--check` exits 1 when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { DaemonConfigSchema } from '../src/daemon/config-schema.ts';

export const DAEMON_SCHEMA_PATH = new URL('../schemas/daemon.schema.json', import.meta.url);

/** The JSON Schema text for daemon config files. */
export function daemonJsonSchema(): string {
  const schema = z.toJSONSchema(DaemonConfigSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, $id: 'https://firmwarden.dev/schemas/daemon.schema.json', title: 'firmwarden daemon config' }, null, 2)}\n`;
}

if (import.meta.main) {
  const text = daemonJsonSchema();
  if (process.argv.includes('--check')) {
    const current = await readFile(DAEMON_SCHEMA_PATH, 'utf8').catch(() => '');
    if (current !== text) {
      process.stderr.write('schemas/daemon.schema.json is stale: run node scripts/gen-daemon-schema.ts\n');
      process.exit(1);
    }
  } else {
    await writeFile(DAEMON_SCHEMA_PATH, text);
  }
}
