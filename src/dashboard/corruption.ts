/**
 * Where the heatmap's "corrupt" comes from: integrity signals the inventory itself carries
 * (Health Critical, UnavailableOffline, an empty or garbled Version — the backup module's own
 * memberFindings, so the dashboard and `backup check` agree) plus findings a backup run or the
 * integrity-check job reported (digest read back through ImageDataURI, SPDM measurements), which
 * the inventory cannot show.
 */

import type { ServerBackupReport } from '../backup/backup-server.ts';
import { isComponentFinding } from '../backup/backup-vocab.ts';
import { memberFindings } from '../backup/integrity.ts';
import type { FleetInventory } from '../inventory/model.ts';
import type { ComponentKind } from '../vocab.ts';

/** One corrupt image on one server. Without kind or a known component it marks the whole server. */
export interface CorruptionInput {
  server: string;
  kind?: ComponentKind;
  /** Component name or inventory URI; resolves the kind through the inventory when kind is absent. */
  component?: string;
  detail: string;
}

/** Corrupt images a backup run (`backup status|check`) left unrepaired. */
export function corruptionFromBackupReports(
  reports: ReadonlyArray<Pick<ServerBackupReport, 'server' | 'components'>>,
): CorruptionInput[] {
  const out: CorruptionInput[] = [];
  for (const r of reports) {
    for (const c of r.components) {
      const findings = c.findings.filter(isComponentFinding);
      if (findings.length === 0 || c.restore?.outcome === 'verified') continue;
      out.push({
        server: r.server,
        kind: c.kind,
        component: c.component,
        detail: findings.map((f) => f.detail).join('; '),
      });
    }
  }
  return out;
}

/** Integrity signals visible in the inventory members themselves. */
export function corruptionFromInventory(inventory: FleetInventory): CorruptionInput[] {
  const out: CorruptionInput[] = [];
  for (const s of inventory.servers) {
    for (const c of s.components) {
      const findings = memberFindings(c);
      if (findings.length === 0) continue;
      out.push({
        server: s.server,
        kind: c.kind,
        component: c.name,
        detail: findings.map((f) => f.detail).join('; '),
      });
    }
  }
  return out;
}

/** server → kind (or "*") → details, kinds resolved through the inventory. */
export function indexCorruption(
  inventory: FleetInventory,
  inputs: readonly CorruptionInput[],
): Map<string, Map<string, string[]>> {
  const kindOf = new Map<string, ComponentKind>();
  for (const s of inventory.servers) {
    for (const c of s.components) {
      kindOf.set(`${s.server}\u0000${c.name}`, c.kind);
      kindOf.set(`${s.server}\u0000${c.uri}`, c.kind);
    }
  }
  const out = new Map<string, Map<string, string[]>>();
  for (const f of inputs) {
    const kind =
      f.kind ??
      (f.component === undefined ? undefined : kindOf.get(`${f.server}\u0000${f.component}`)) ??
      '*';
    const byKind = out.get(f.server) ?? new Map<string, string[]>();
    out.set(f.server, byKind);
    const list = byKind.get(kind) ?? [];
    if (!list.includes(f.detail)) list.push(f.detail);
    byKind.set(kind, list);
  }
  return out;
}
