/**
 * ComponentIntegrity (ComponentIntegrity.v1_2, SPDM DSP0274) of a simulated BMC, shaped on the
 * DMTF public-rackmount1 mockup: one member per running BMC and BIOS image with a MeasurementSet
 * whose MutableFirmware measurement is the SHA-384 of the image the component runs. A damaged
 * image measures differently; the `measurement` corruption changes the measurement alone (a
 * component running something else than its inventory says).
 */
import { createHash } from 'node:crypto';
import { link, ROOT } from '../profiles/common.ts';
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import { activeComponents, type SimComponent } from '../update/components.ts';

export const COMPONENT_INTEGRITY = `${ROOT}/ComponentIntegrity`;

/** What is measured: the image bytes (or nothing known) and whether the measurement is tampered. */
export type Measured = (c: SimComponent) => { bytes: Buffer | undefined; tampered: boolean };

export class ComponentIntegrity {
  readonly #host: SimHost;
  readonly #measured: Measured;
  readonly #lastUpdated = new Map<string, { measurement: string; at: string }>();

  constructor(host: SimHost, measured: Measured) {
    this.#host = host;
    this.#measured = measured;
  }

  /** Creates the collection and links it from the service root. */
  register(): void {
    const tree = this.#host.tree;
    tree.collection(COMPONENT_INTEGRITY, {
      '@odata.type': '#ComponentIntegrityCollection.ComponentIntegrityCollection',
      Name: 'Component Integrity Collection',
    });
    tree.update(ROOT, (root) => {
      root['ComponentIntegrity'] = link(COMPONENT_INTEGRITY);
    });
    this.refresh();
  }

  /** Rebuilds the members from what runs now. */
  refresh(): void {
    const tree = this.#host.tree;
    if (!tree.has(COMPONENT_INTEGRITY)) return;
    const wanted = new Map<string, Json>();
    for (const c of activeComponents(this.#host)) {
      if (c.kind !== 'bmc' && c.kind !== 'bios') continue;
      const path = `${COMPONENT_INTEGRITY}/SPDM-${c.key.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
      wanted.set(path, this.#body(path, c));
    }
    for (const p of [...tree.members(COMPONENT_INTEGRITY)]) {
      if (!wanted.has(p)) tree.removeMember(COMPONENT_INTEGRITY, p);
    }
    for (const [p, body] of wanted) tree.addMember(COMPONENT_INTEGRITY, p, body);
  }

  #body(path: string, c: SimComponent): Json {
    const { bytes, tampered } = this.#measured(c);
    const h = createHash('sha384').update(bytes ?? Buffer.from(`${c.key}|${c.version}`));
    if (tampered) h.update('tampered');
    const measurement = h.digest('base64');
    const seen = this.#lastUpdated.get(path);
    const at = seen?.measurement === measurement ? seen.at : new Date().toISOString();
    this.#lastUpdated.set(path, { measurement, at });
    const target = c.related[0] ?? c.path;
    const managers = this.#host.tree.has(`${ROOT}/Managers`)
      ? this.#host.tree.members(`${ROOT}/Managers`)
      : [];
    return {
      '@odata.id': path,
      '@odata.type': '#ComponentIntegrity.v1_2_0.ComponentIntegrity',
      Id: path.split('/').pop(),
      Name: 'Component Integrity',
      Description: `SPDM integrity information for ${c.name}`,
      Status: { State: 'Enabled', Health: 'OK' },
      ComponentIntegrityType: 'SPDM',
      ComponentIntegrityTypeVersion: '1.1.0',
      ComponentIntegrityEnabled: true,
      TargetComponentURI: target,
      LastUpdated: at,
      SPDM: {
        Requester: link(managers[0] ?? `${ROOT}/Managers`),
        MeasurementSet: {
          MeasurementSpecification: 'DMTF',
          Measurements: [
            {
              MeasurementIndex: 2,
              MeasurementType: 'MutableFirmware',
              Measurement: measurement,
              MeasurementHashAlgorithm: 'TPM_ALG_SHA_384',
              PartofSummaryHash: true,
              LastUpdated: at,
            },
          ],
        },
      },
      Links: { ComponentsProtected: [link(c.path)] },
    };
  }
}
