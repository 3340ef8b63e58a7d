/**
 * The JSON Schema of native catalog files, generated from the zod model with zod 4's
 * z.toJSONSchema (input side: what a file may contain, before normalization). Refinements that
 * JSON Schema cannot express (one of file/url, at least one digest and one matcher, unique ids)
 * are enforced by the loader. scripts/gen-catalog-schema.ts writes it to
 * schemas/catalog.schema.json; a test keeps the committed file equal to this output.
 */
import { z } from 'zod';
import { NativeCatalogFileSchema } from './model.ts';

/** The schema document as formatted text (2-space JSON, trailing newline). */
export function catalogJsonSchemaText(): string {
  const schema = z.toJSONSchema(NativeCatalogFileSchema, { io: 'input', target: 'draft-2020-12' });
  const doc = {
    $schema: schema['$schema'],
    title: 'firmwarden native catalog',
    description: 'Firmware images, how to recognise the components they update, and how to verify them.',
    ...schema,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
