/**
 * The copies in the slice: staged FirmwareInventory members related to the slice volume. Each is
 * matched to its component (same SoftwareId, or same name, and a shared RelatedItem), read back
 * through its ImageDataURI and judged against the catalog digest; with `create`, a missing, stale
 * or damaged copy is staged again from the verified store copy and read back once more.
 */
import { describeError } from '../errors.ts';
import { normalizeUri, type SoftwareInventory } from '../redfish/models/index.ts';
import type { BackupEnv, ServerFacts } from './backup-env.ts';
import { CopyState, FindingKind } from './backup-vocab.ts';
import { readFirmwareView, relatedOf } from './firmware-view.ts';
import type { Inspected } from './inspect-component.ts';
import { sliceCopyFinding } from './integrity.ts';
import { digestMatches, type Reference } from './references.ts';
import { stageIntoSlice } from './stage-copy.ts';

/** Slice copies: members related to the slice volume. */
export function sliceMembers(facts: ServerFacts): SoftwareInventory[] {
  const volume = facts.support.slice?.volume;
  if (volume === undefined) return [];
  return [...facts.view.members.values()].filter((m) => relatedOf(m).includes(volume));
}

/** The slice copy of a component's image, if any. */
export function copyFor(facts: ServerFacts, uri: string): SoftwareInventory | undefined {
  const raw = facts.view.members.get(uri);
  if (raw === undefined) return undefined;
  const volume = facts.support.slice?.volume;
  const related = relatedOf(raw);
  return sliceMembers(facts).find((m) => {
    if (normalizeUri(m['@odata.id']) === uri) return false;
    const same = raw.SoftwareId && m.SoftwareId ? raw.SoftwareId === m.SoftwareId : raw.Name === m.Name;
    return same && relatedOf(m).some((r) => r !== volume && related.includes(r));
  });
}

/** Reads a copy back and judges it; sets the item's slice state (and a finding when bad). */
async function judge(env: BackupEnv, facts: ServerFacts, item: Inspected, ref: Reference): Promise<void> {
  const r = item.report;
  const copy = copyFor(facts, item.c.uri);
  if (copy === undefined) {
    r.slice = { state: CopyState.missing, detail: 'no copy in the slice' };
    return;
  }
  const uri = normalizeUri(copy['@odata.id']);
  if (copy.Version !== ref.version) {
    r.slice = {
      state: CopyState.missing,
      copy: uri,
      detail: `the slice holds ${copy.Version}, not ${ref.version}`,
    };
    return;
  }
  if (!copy.ImageDataURI) {
    r.slice = {
      state: CopyState.corrupt,
      copy: uri,
      detail: 'the copy has no ImageDataURI: it cannot be verified',
    };
    return;
  }
  try {
    const read = await env.reader.digest(copy.ImageDataURI, (ref.size ?? 0) * 2 || undefined);
    if (digestMatches(ref, read)) {
      r.slice = { state: CopyState.ok, copy: uri };
      return;
    }
    const f = sliceCopyFinding(item.c, uri, read, ref);
    r.findings = r.findings.filter((x) => x.kind !== f.kind);
    r.findings.push(f);
    r.slice = { state: CopyState.corrupt, copy: uri, detail: f.detail };
  } catch (err) {
    r.slice = {
      state: CopyState.corrupt,
      copy: uri,
      detail: `cannot read the copy back: ${describeError(err)}`,
    };
  }
}

/** Judges every slice copy; with `create`, restages what is not good and judges it again. */
export async function checkSliceCopies(
  env: BackupEnv,
  facts: ServerFacts,
  items: Inspected[],
  create: boolean,
): Promise<void> {
  const volume = facts.support.slice?.volume;
  if (volume === undefined) return;
  for (const item of items) {
    if (item.ref === undefined) item.report.slice = { state: CopyState.unverifiable };
    else await judge(env, facts, item, item.ref);
  }
  if (!create) return;
  const good = new Set<string>([CopyState.ok, CopyState.created]);
  const todo = items.filter(
    (i) => i.ref !== undefined && i.report.slice?.state !== CopyState.ok && good.has(i.report.store.state),
  );
  if (todo.length === 0) return;
  const staged = new Set<string>();
  for (const item of todo) {
    const ref = item.ref as Reference;
    const sha = ref.sha256 ?? (ref.md5 ? await env.store.findByMd5(ref.md5) : undefined);
    if (sha === undefined || staged.has(sha)) continue;
    try {
      const stored = await env.store.verify(sha);
      await stageIntoSlice(
        {
          client: env.client,
          caps: facts.caps,
          store: env.store,
          ...(env.imageServer ? { imageServer: env.imageServer } : {}),
          clock: env.deps.clock,
          taskMs: env.timeouts.taskMs,
          pollMs: env.timeouts.pollMs,
        },
        volume,
        { sha256: sha, size: stored.size, fileName: ref.fileName },
      );
      staged.add(sha);
      await env.book.journal(env.server.name, 'backup.copy', {
        component: item.c.name,
        version: ref.version,
        sha256: sha,
        volume,
      });
    } catch (err) {
      item.report.slice = {
        state: CopyState.missing,
        detail: `staging into the slice failed: ${describeError(err)}`,
      };
    }
  }
  facts.view = await readFirmwareView(env.client, env.server, env.deps.clock);
  for (const item of todo) {
    const before = item.report.slice?.state;
    await judge(env, facts, item, item.ref as Reference);
    const slice = item.report.slice;
    if (slice?.state === CopyState.ok) {
      item.report.slice = { ...slice, state: CopyState.created };
      const replaced = item.report.findings.filter((f) => f.kind === FindingKind.sliceCopy);
      item.report.findings = item.report.findings.filter((f) => f.kind !== FindingKind.sliceCopy);
      for (const f of replaced) item.report.notes.push(`replaced: ${f.detail}`);
    } else if (slice !== undefined && before === CopyState.corrupt && slice.state === CopyState.corrupt) {
      slice.detail = `still bad after staging it again, the slice is unusable: ${slice.detail ?? ''}`;
    }
  }
}
