/**
 * Shapes shared by every Redfish resource (DSP0266, Resource.v1 / odata-v4 schemas). All models
 * are loose: Oem blocks and properties newer than the schema pass through untouched.
 */
import { z } from 'zod';

/** `{ "@odata.id": "/redfish/v1/..." }` — a link. */
export const ODataIdSchema = z.looseObject({ '@odata.id': z.string() });
export type ODataId = z.infer<typeof ODataIdSchema>;

/** Resource.Status: State and Health (both optional in practice). */
export const StatusSchema = z.looseObject({
  State: z.string().nullish(),
  Health: z.string().nullish(),
  HealthRollup: z.string().nullish(),
});

/** Every resource: @odata.id plus optional Id/Name/@odata.type/@odata.etag. */
export const ResourceSchema = z.looseObject({
  '@odata.id': z.string(),
  '@odata.type': z.string().optional(),
  '@odata.etag': z.string().optional(),
  Id: z.string().optional(),
  Name: z.string().nullish(),
  Description: z.string().nullish(),
  Oem: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A resource collection page. Members may be links or (after $expand) whole resources;
 * Members@odata.count may disagree with Members (seen on real services) and is never trusted.
 */
export const CollectionSchema = z.looseObject({
  '@odata.id': z.string().optional(),
  Members: z.array(ODataIdSchema).default([]),
  'Members@odata.count': z.number().optional(),
  'Members@odata.nextLink': z.string().optional(),
});
export type Collection = z.infer<typeof CollectionSchema>;

/** Removes a trailing slash (HPE iLO writes /redfish/v1/Systems/1/) so ids compare equal. */
export function normalizeUri(uri: string): string {
  return uri.length > 1 && uri.endsWith('/') ? uri.slice(0, -1) : uri;
}
