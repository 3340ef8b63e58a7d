/**
 * iLO generation. Manager.Model is "iLO 5" / "iLO 6" and FirmwareVersion "iLO 5 v2.78"; HPE's own
 * tools read the service root instead, which answers before login: python-ilorest-library takes
 * Oem.Hpe (iLO 4: Oem.Hp) Manager[0].ManagerType, and iLOrest falls back to Moniker.PRODGEN.
 * iLO 5 before firmware 2.30 is told apart: its SimpleUpdate answers with no task to follow
 * (HPE blog "HPE firmware updates: Part 3": "With iLO 5 firmware 2.30 and higher versions, a
 * successful SimpleUpdate returns ... a task location and a task monitor location").
 */
import type { GenerationFacts, GenerationReading } from '../types.ts';

type Json = Record<string, unknown>;

const ILO = /^iLO (\d+)\b/;

function rootManager(root: GenerationFacts['root']): { type?: string; version?: string; at: string } {
  const oem = (root.Oem ?? {}) as Json;
  const key = oem['Hpe'] ? 'Hpe' : 'Hp';
  const hp = (oem[key] ?? {}) as Json;
  const first = ((hp['Manager'] as Json[] | undefined) ?? [])[0] ?? {};
  const type = first['ManagerType'] ?? (hp['Moniker'] as Json | undefined)?.['PRODGEN'];
  const version = first['ManagerFirmwareVersion'];
  return {
    ...(typeof type === 'string' ? { type } : {}),
    ...(typeof version === 'string' ? { version } : {}),
    at: `service root Oem.${key}`,
  };
}

/** The iLO generation, from Manager.Model, else the service root's Oem.Hpe, else FirmwareVersion. */
export function iloGeneration({ manager, root }: GenerationFacts): GenerationReading | undefined {
  const fromRoot = rootManager(root);
  const candidates: Array<[string | null | undefined, string]> = [
    [manager?.Model, `Manager Model "${manager?.Model}"`],
    [fromRoot.type, `${fromRoot.at} ManagerType "${fromRoot.type}"`],
    [manager?.FirmwareVersion, `Manager FirmwareVersion "${manager?.FirmwareVersion}"`],
  ];
  const hit = candidates.find(([value]) => value && ILO.test(value));
  if (!hit) return undefined;
  const n = (ILO.exec(hit[0] as string) as RegExpExecArray)[1];
  const name = `iLO ${n}`;
  // "iLO 5 v2.18" (Manager) or "2.18" (root): the release decides whether SimpleUpdate has a task.
  const release = /(\d+)\.(\d+)/.exec(manager?.FirmwareVersion?.replace(ILO, '') ?? fromRoot.version ?? '');
  if (n === '5' && release && Number(release[1]) * 100 + Number(release[2]) < 230) {
    return { name: 'iLO 5 (before 2.30)', from: `${hit[1]}, firmware ${release[0]}` };
  }
  return { name, from: hit[1] };
}
