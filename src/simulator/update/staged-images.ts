/**
 * iDRAC 9's two-step push: POST an image to HttpPushUri (the FirmwareInventory collection itself)
 * and it is kept as an Available-<ComponentID>-<Version>__<FQDD> member (201 + Location); a
 * SimpleUpdate whose ImageURI names that member installs it. The image's header is kept; its
 * bytes are not (the verifier has seen them).
 */
import { type SimImageHeader, verifySimImage } from '../image-format.ts';
import { FIRMWARE_INVENTORY } from '../profiles/common.ts';
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import { factoryImage } from '../storage/firmware-images.ts';
import { componentByKey, resolveTargets, targetPath } from './components.ts';

export interface StagedImage {
  header: SimImageHeader;
  name: string;
  bytes: number;
  /** The image bytes when they were small enough to keep. */
  data?: Buffer;
}

export class StagedImages {
  readonly #byPath = new Map<string, StagedImage>();

  /** Adds Available- members for every component the image is for; returns their paths or a problem. */
  stage(host: SimHost, image: StagedImage): { paths: string[] } | { problem: string } {
    const resolved = resolveTargets(host, [], image.header);
    if ('problem' in resolved) return resolved;
    const paths: string[] = [];
    for (const c of resolved.components) {
      const installed = host.tree.get(c.path) as Json;
      const cid = String(installed['SoftwareId'] ?? '0');
      const id = `Available-${cid}-${image.header.version}__${c.key}`;
      const path = `${FIRMWARE_INVENTORY}/${id}`;
      const body = structuredClone(installed);
      body['Id'] = id;
      body['@odata.id'] = path;
      body['Version'] = image.header.version;
      const inv = ((body['Oem'] as Json | undefined)?.['Dell'] as Json | undefined)?.[
        'DellSoftwareInventory'
      ] as Json | undefined;
      if (inv !== undefined) {
        inv['Status'] = 'AvailableForInstallation';
        inv['VersionString'] = image.header.version;
      }
      host.tree.addMember(FIRMWARE_INVENTORY, path, body);
      this.#byPath.set(path, image);
      paths.push(path);
    }
    return { paths };
  }

  /**
   * The local image an ImageURI names (a path or a URL of this BMC), if any: a staged Available-
   * member, or a Previous- rollback copy (installing it is iDRAC's firmware rollback).
   */
  lookup(host: SimHost, imageUri: string): StagedImage | undefined {
    const path = targetPath(imageUri);
    if (!host.tree.has(path)) return undefined;
    return this.#byPath.get(path) ?? rollbackImage(host, path);
  }
}

/**
 * The image a Previous-<ComponentID>-<Version>__<FQDD> member stands for: the version the
 * component ran before, for the component with that FQDD. iDRAC keeps the image itself; the
 * simulator rebuilds it (the factory image of that version).
 */
function rollbackImage(host: SimHost, path: string): StagedImage | undefined {
  const member = host.tree.get(path);
  const id = String(member?.['Id'] ?? '');
  const fqdd = /^Previous-[^_]*__(.+)$/.exec(id)?.[1];
  const version = member?.['Version'];
  if (fqdd === undefined || typeof version !== 'string') return undefined;
  const c = componentByKey(host, fqdd);
  if (c === undefined) return undefined;
  const data = factoryImage(host.vendor, c, version);
  const header = verifySimImage(data);
  if ('reason' in header) return undefined;
  return { header, name: `${id}.bin`, bytes: data.length, data };
}
