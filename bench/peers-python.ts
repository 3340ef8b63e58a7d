/**
 * The Python side of bench/peers.ts, run with `python3 -c`. Each prints one JSON line with the
 * CPU of its measured work (time.process_time: user + system of the process), except the import
 * probe, which reports the whole process, start-up included.
 */

/** argv: base URL, BMC reads, warm-up reads. What `sushy` users write to list firmware. */
export const PY_SUSHY_INVENTORY = `
import json, sys, time
import sushy
from sushy import auth

url, count, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def one():
    # A new Sushy per BMC: its own requests.Session (connection), closed afterwards.
    s = sushy.Sushy(url + '/redfish/v1/', auth=auth.BasicAuth('bench', 'bench'))
    try:
        members = s.get_update_service().firmware_inventory.get_members()
        return len([m for m in members if m.version])
    finally:
        s._conn.close()

for _ in range(warmup):
    one()
t0 = time.process_time()
found = [one() for _ in range(count)]
print(json.dumps({"cpuMsPerBmc": (time.process_time() - t0) * 1000 / count, "members": found[0]}))
`;

/** Whole-process CPU of importing sushy (what any sushy script pays before its first request). */
export const PY_IMPORT_SUSHY = `
import sushy
import json, resource
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpuMs": (r.ru_utime + r.ru_stime) * 1000}))
`;

/**
 * argv: Catalog.xml. Parses it with ElementTree and pulls, per SoftwareComponent, the fields an
 * importer needs (path, versions, digest, type, component ids, PCI ids, system ids, name).
 */
export const PY_CATALOG = `
import json, sys, time
import xml.etree.ElementTree as ET

t0 = time.process_time()
root = ET.parse(sys.argv[1]).getroot()
entries = []
for c in root.iter('SoftwareComponent'):
    ctype = c.find('ComponentType')
    name = c.find('Name/Display')
    entries.append({
        "path": c.get('path'),
        "vendorVersion": c.get('vendorVersion'),
        "dellVersion": c.get('dellVersion'),
        "hashMD5": c.get('hashMD5'),
        "packageType": c.get('packageType'),
        "type": ctype.get('value') if ctype is not None else None,
        "name": name.text if name is not None else None,
        "componentIds": [d.get('componentID') for d in c.iter('Device')],
        "pci": [(p.get('vendorID'), p.get('deviceID'), p.get('subVendorID'), p.get('subDeviceID'))
                for p in c.iter('PCIInfo')],
        "systems": [m.get('systemID') for m in c.iter('Model')],
    })
bundles = len(root.findall('SoftwareBundle'))
print(json.dumps({"cpuMs": (time.process_time() - t0) * 1000, "entries": len(entries), "bundles": bundles}))
`;
