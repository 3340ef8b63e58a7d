/**
 * SPDM measurements from ComponentIntegrity (ComponentIntegrity.v1_2, DSP0274): for each
 * inventory member a ComponentIntegrity resource protects (Links.ComponentsProtected), its
 * MutableFirmware measurement (the running firmware's digest as the component reports it).
 */
import { z } from 'zod';
import type { RedfishClient } from '../redfish/client.ts';
import { readMembers } from '../redfish/collection.ts';
import { normalizeUri, ODataIdSchema, ResourceSchema } from '../redfish/models/index.ts';

const MeasurementSchema = z.looseObject({
  MeasurementIndex: z.number().optional(),
  MeasurementType: z.string().optional(),
  Measurement: z.string().optional(),
});

const ComponentIntegritySchema = ResourceSchema.extend({
  ComponentIntegrityType: z.string().nullish(),
  ComponentIntegrityEnabled: z.boolean().nullish(),
  TargetComponentURI: z.string().nullish(),
  SPDM: z
    .looseObject({
      MeasurementSet: z.looseObject({ Measurements: z.array(MeasurementSchema).optional() }).optional(),
    })
    .nullish(),
  Links: z.looseObject({ ComponentsProtected: z.array(ODataIdSchema).optional() }).optional(),
});

export interface Measurement {
  /** The ComponentIntegrity resource. */
  source: string;
  index: number;
  value: string;
}

/** MutableFirmware measurements by protected inventory member URI; empty when not offered. */
export async function readMeasurements(client: RedfishClient): Promise<Map<string, Measurement>> {
  const root = await client.root();
  const link = (root as Record<string, unknown>)['ComponentIntegrity'] as
    | { '@odata.id'?: unknown }
    | undefined;
  const out = new Map<string, Measurement>();
  if (typeof link?.['@odata.id'] !== 'string') return out;
  const members = await readMembers(client, link['@odata.id'], ComponentIntegritySchema);
  for (const ci of members) {
    if (ci.ComponentIntegrityEnabled === false || ci.ComponentIntegrityType !== 'SPDM') continue;
    const m = (ci.SPDM?.MeasurementSet?.Measurements ?? []).find(
      (x) => x.MeasurementType === 'MutableFirmware' && typeof x.Measurement === 'string',
    );
    if (m === undefined) continue;
    for (const p of ci.Links?.ComponentsProtected ?? []) {
      out.set(normalizeUri(p['@odata.id']), {
        source: normalizeUri(ci['@odata.id']),
        index: m.MeasurementIndex ?? 0,
        value: m.Measurement as string,
      });
    }
  }
  return out;
}
