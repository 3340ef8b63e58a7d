/** What a restored component should look like once the inventory is read back. */
import type { Expected } from '../executor/verify.ts';
import type { Inspected } from './inspect-component.ts';
import type { Reference } from './references.ts';

/** The component as inspected, expected at the reference's version. */
export function expectedOf(item: Inspected, ref: Pick<Reference, 'version'>): Expected {
  return {
    id: item.c.id,
    uri: item.c.uri,
    name: item.c.name,
    kind: item.c.kind,
    ...(item.c.softwareId ? { softwareId: item.c.softwareId } : {}),
    ...(item.c.identity.fqdd ? { fqdd: item.c.identity.fqdd } : {}),
    from: item.c.version,
    to: ref.version,
  };
}
