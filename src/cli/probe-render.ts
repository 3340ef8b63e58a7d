/** The human report of `firmwarden probe`: one block per server, a component table in each. */
import type { FleetProbe, ProbeReport } from '../probe/model.ts';
import { table } from './render.ts';

/** Renders a fleet probe for a terminal. */
export function renderProbe(probe: FleetProbe): string {
  const parts: string[] = [];
  for (const s of probe.servers) {
    if ('error' in s) parts.push(`== ${s.server} (${s.bmc})\n  FAILED ${s.error.code}: ${s.error.message}`);
    else parts.push(renderServer(s));
  }
  parts.push(
    `${probe.servers.length} servers probed, ${probe.failed} failed; nothing was changed on any BMC`,
  );
  return parts.join('\n\n');
}

function renderServer(r: ProbeReport): string {
  const kv: string[][] = [
    ['family', `${r.family} — ${r.generation} (${r.generationFrom})`],
    ['manager', r.manager ?? 'not stated'],
    [
      'service',
      [r.vendor, r.product, r.redfishVersion && `Redfish ${r.redfishVersion}`].filter(Boolean).join(', '),
    ],
  ];
  if (r.model) kv.push(['system', r.model]);
  if (r.tls) {
    kv.push(['tls', `${r.tls.protocol} ${r.tls.cipher}; ${r.tls.trust}`]);
    kv.push(['certificate', `${r.tls.subject} issued by ${r.tls.issuer}`]);
    kv.push([
      '',
      `valid ${r.tls.validFrom.slice(0, 10)} to ${r.tls.validTo.slice(0, 10)}, sha256 ${r.tls.fingerprint256}`,
    ]);
  } else kv.push(['tls', 'none (plain http)']);
  const u = r.update;
  if (u) {
    const offered = [
      u.multipart && `multipart ${u.multipart.uri} ${times(u.multipart.applyTimes)}`,
      u.simpleUpdate &&
        `SimpleUpdate ${u.simpleUpdate.protocols?.join('/') ?? '(protocols not announced)'} ${times(u.simpleUpdate.applyTimes)}${u.simpleUpdate.actionInfo ? '' : ' (no ActionInfo)'}`,
      u.httpPush && `HttpPushUri ${u.httpPush.uri} ${times(u.httpPush.applyTimes)}`,
      u.startUpdate && 'StartUpdate',
    ].filter(Boolean) as string[];
    kv.push(['update offers', offered.join('; ') || 'nothing']);
    if (u.maintenanceWindow) {
      kv.push(['maint. window', `${u.maintenanceWindow.start} for ${u.maintenanceWindow.durationSeconds} s`]);
    }
  }
  r.follow.forEach((line, i) => {
    kv.push([i === 0 ? 'progress' : '', line]);
  });
  kv.push(['Manager.Reset', resets(r.resets.manager)]);
  kv.push(['System.Reset', resets(r.resets.system)]);
  if (r.backup) {
    kv.push(['backup', `${r.backup.mechanism}: ${r.backup.detail}`]);
    for (const c of r.backup.controllers) {
      kv.push([
        '',
        `${c.name}: RAID ${c.raidTypes.join('/') || 'none'}, ${c.volumes} volumes, ${c.freeSpaceKnown ? `free drives ${c.freeDrives.join(', ') || 'none'}` : 'free space unknown (a volume does not say its drives or size)'}`,
      ]);
    }
  }
  const s = r.sessions;
  kv.push([
    'sessions',
    [
      `auth ${s.auth}`,
      s.open !== undefined && `${s.open} open (this probe's included)`,
      s.maxSessions !== undefined && `limit ${s.maxSessions}`,
      s.timeoutSeconds !== undefined && `timeout ${s.timeoutSeconds} s`,
    ]
      .filter(Boolean)
      .join(', '),
  ]);
  const rows = r.components.map((c) => [
    c.kind,
    c.name,
    c.version || '(none)',
    c.method ?? '-',
    c.applyTime ?? (c.method ? 'BMC default' : '-'),
    c.resets,
  ]);
  const parts = [
    `== ${r.server} (${r.bmc})`,
    ...kv.map(([k, v]) => `  ${(k ?? '').padEnd(14)} ${v}`),
    '',
    indent(table(['KIND', 'COMPONENT', 'VERSION', 'METHOD', 'APPLY', 'RESET'], rows)),
  ];
  const whys = [...new Set(r.components.map((c) => c.why))];
  if (whys.length) parts.push('', '  why:', ...whys.map((w) => `    ${w}`));
  if (r.oddities.length) parts.push('', '  odd:', ...r.oddities.map((o) => `    ${o}`));
  if (r.errors.length) {
    parts.push('', '  could not read:', ...r.errors.map((e) => `    ${e.section}: ${e.code} ${e.message}`));
  }
  return parts.join('\n');
}

function times(t: string[] | undefined): string {
  return t ? `[${t.join(', ')}]` : '[apply times not announced]';
}

function resets(t: string[] | 'not announced' | undefined): string {
  if (t === undefined) return 'no action';
  return t === 'not announced' ? 'offered, types not announced' : t.join(', ');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
