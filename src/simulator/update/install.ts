/**
 * Writes a newly activated firmware version into a simulated BMC's inventory, the way each vendor
 * shows it: iDRAC renames the Installed- member (its Id carries the version) and keeps the old one
 * as Previous-; bmcweb adds the new image under a new hash Id and demotes the running one to the
 * StandbySpare bank; XCC and iLO keep Ids and move the old version to the backup bank; the others
 * change Version in place. Manager.FirmwareVersion, BiosVersion and the controller's
 * FirmwareVersion follow.
 */
import { FIRMWARE_INVENTORY, ROOT } from '../profiles/common.ts';
import { imageId } from '../profiles/openbmc.ts';
import type { Json } from '../resource-tree.ts';
import type { SimHost } from '../sim-host.ts';
import { componentByKey, type SimComponent } from './components.ts';

function clone(body: Json): Json {
  return structuredClone(body);
}

function firstMember(host: SimHost, collection: string): string | undefined {
  return host.tree.has(collection) ? host.tree.members(collection)[0] : undefined;
}

function findMember(host: SimHost, test: (id: string, body: Json) => boolean): string | undefined {
  return host.tree.members(FIRMWARE_INVENTORY).find((p) => {
    const b = host.tree.get(p);
    return b !== undefined && test(String(b['Id'] ?? ''), b);
  });
}

function setVersion(body: Json, version: string): void {
  body['Version'] = version;
  const dell = (body['Oem'] as Json | undefined)?.['Dell'] as Json | undefined;
  const inv = dell?.['DellSoftwareInventory'] as Json | undefined;
  if (inv !== undefined) inv['VersionString'] = version;
}

function installDell(host: SimHost, c: SimComponent, version: string): void {
  const old = host.tree.get(c.path) as Json;
  const cid = String(old['SoftwareId'] ?? '0');
  const fqdd = c.key;
  const id = `Installed-${cid}-${version}__${fqdd}`;
  const next = clone(old);
  next['Id'] = id;
  next['@odata.id'] = `${FIRMWARE_INVENTORY}/${id}`;
  setVersion(next, version);
  host.tree.replaceMember(FIRMWARE_INVENTORY, c.path, `${FIRMWARE_INVENTORY}/${id}`, next);
  // The version that ran before becomes the rollback copy.
  const prevId = `Previous-${cid}-${c.version}__${fqdd}`;
  const prev = clone(old);
  prev['Id'] = prevId;
  prev['@odata.id'] = `${FIRMWARE_INVENTORY}/${prevId}`;
  const inv = ((prev['Oem'] as Json | undefined)?.['Dell'] as Json | undefined)?.['DellSoftwareInventory'] as
    | Json
    | undefined;
  if (inv !== undefined) inv['Status'] = 'AvailableForInstallation';
  const existing = findMember(host, (mid) => mid.startsWith('Previous-') && mid.endsWith(`__${fqdd}`));
  if (existing !== undefined)
    host.tree.replaceMember(FIRMWARE_INVENTORY, existing, prev['@odata.id'] as string, prev);
  else host.tree.addMember(FIRMWARE_INVENTORY, prev['@odata.id'] as string, prev);
  // A staged copy of what is now installed is used up.
  const staged = findMember(host, (mid) => mid === `Available-${cid}-${version}__${fqdd}`);
  if (staged !== undefined) host.tree.removeMember(FIRMWARE_INVENTORY, staged);
}

function installOpenBmcImage(host: SimHost, c: SimComponent, version: string): string {
  const old = host.tree.get(c.path) as Json;
  const standby = findMember(
    host,
    (_id, b) =>
      (b['Status'] as Json | undefined)?.['State'] === 'StandbySpare' &&
      JSON.stringify(b['RelatedItem']) === JSON.stringify(old['RelatedItem']),
  );
  const id = imageId(version);
  const path = `${FIRMWARE_INVENTORY}/${id}`;
  const next = clone(old);
  next['Id'] = id;
  next['@odata.id'] = path;
  next['Version'] = version;
  const demoted = clone(old);
  demoted['Status'] = { ...(old['Status'] as Json), State: 'StandbySpare' };
  if (standby !== undefined) host.tree.removeMember(FIRMWARE_INVENTORY, standby);
  host.tree.replaceMember(FIRMWARE_INVENTORY, c.path, path, next);
  host.tree.addMember(FIRMWARE_INVENTORY, c.path, demoted);
  return path;
}

function installBanked(host: SimHost, c: SimComponent, version: string): void {
  host.tree.update(c.path, (b) => {
    setVersion(b, version);
    if (host.vendor === 'lenovo') b['SoftwareId'] = version.split('-')[0];
  });
  // XCC keeps the previous image in the -Backup bank; iLO in the Redundant System ROM.
  const backup =
    host.vendor === 'lenovo'
      ? findMember(host, (id) => id === c.id.replace(/-Primary$/, '-Backup') && id !== c.id)
      : c.kind === 'bios'
        ? findMember(host, (_id, b) => /backup/i.test(String(b['Description'] ?? '')))
        : undefined;
  if (backup !== undefined) {
    host.tree.update(backup, (b) => {
      setVersion(b, c.version);
      if (host.vendor === 'lenovo') b['SoftwareId'] = c.version.split('-')[0];
    });
  }
}

function mirror(host: SimHost, c: SimComponent, version: string, activeImage?: string): void {
  if (c.kind === 'bmc') {
    const manager = firstMember(host, `${ROOT}/Managers`);
    if (manager !== undefined) {
      host.tree.update(manager, (m) => {
        const short = version.split(' ')[0] ?? version;
        const ilo = /^iLO \d+/.exec(String(m['FirmwareVersion'] ?? ''))?.[0] ?? 'iLO 5';
        m['FirmwareVersion'] = host.vendor === 'hpe' ? `${ilo} v${short}` : version;
        if (activeImage !== undefined) {
          m['Links'] = { ...(m['Links'] as Json), ActiveSoftwareImage: { '@odata.id': activeImage } };
        }
      });
    }
  }
  const system = firstMember(host, `${ROOT}/Systems`);
  if (system === undefined) return;
  if (c.kind === 'bios') {
    host.tree.update(system, (s) => {
      s['BiosVersion'] = version;
    });
  }
  if (c.kind === 'storage') {
    const storage = firstMember(host, `${system}/Storage`);
    const body = storage === undefined ? undefined : host.tree.get(storage);
    const controllers = body?.['StorageControllers'];
    if (storage !== undefined && Array.isArray(controllers) && controllers[0] !== undefined) {
      host.tree.update(storage, () => {
        (controllers[0] as Json)['FirmwareVersion'] = version;
      });
    }
  }
}

/**
 * Activates `version` on the component with this key. Returns the component as it is afterwards,
 * or undefined when the component is gone.
 */
export function installVersion(host: SimHost, key: string, version: string): SimComponent | undefined {
  const c = componentByKey(host, key);
  if (c === undefined) return undefined;
  if (c.version === version) return c;
  let activeImage: string | undefined;
  if (host.vendor === 'dell') installDell(host, c, version);
  else if (host.vendor === 'openbmc' && c.kind === 'bmc') activeImage = installOpenBmcImage(host, c, version);
  else installBanked(host, c, version);
  mirror(host, c, version, activeImage);
  return componentByKey(host, key);
}
