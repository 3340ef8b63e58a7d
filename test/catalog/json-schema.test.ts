import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogJsonSchemaText } from '../../src/catalog/index.ts';

describe('schemas/catalog.schema.json', () => {
  it('equals the schema generated from the zod model (run: node scripts/gen-catalog-schema.ts)', async () => {
    const committed = await readFile(new URL('../../schemas/catalog.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(catalogJsonSchemaText());
  });

  it('describes what a native file may contain', () => {
    const schema = JSON.parse(catalogJsonSchemaText());
    expect(schema.required).toEqual(['version', 'entries']);
    const entry = schema.properties.entries.items;
    expect(entry.required).toEqual([
      'id',
      'vendor',
      'kind',
      'name',
      'version',
      'match',
      'image',
      'criticality',
      'requires',
    ]);
    expect(entry.properties.criticality.enum).toEqual(['optional', 'recommended', 'urgent']);
    expect(entry.properties.image.properties.sha256.pattern).toBe('^[0-9a-fA-F]{64}$');
    expect(entry.additionalProperties).toBe(false);
  });
});
