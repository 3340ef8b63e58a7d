/**
 * The selection flags `plan` and `update` share: --server, --label k=v, --all, --kind, --entry.
 * Turned into the library's PlanSelection; bad values are errors naming the flag.
 */
import { ConfigError } from '../errors.ts';
import type { PlanSelection } from '../fleet/selection.ts';
import type { LabelSelector } from '../planner/policy.ts';
import { type ComponentKind, ComponentKindSchema } from '../vocab.ts';

/** parseArgs options of the selection flags. */
export const SELECT_OPTIONS = {
  server: { type: 'string', multiple: true },
  label: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  kind: { type: 'string', multiple: true },
  entry: { type: 'string', multiple: true },
} as const;

interface SelectValues {
  server?: string[] | undefined;
  label?: string[] | undefined;
  all?: boolean | undefined;
  kind?: string[] | undefined;
  entry?: string[] | undefined;
}

/**
 * The selection the flags make. `required`: servers must be chosen explicitly (--server,
 * --label or --all), as `update` wants; `plan` covers the fleet when none is given.
 */
export function selectionOf(command: string, v: SelectValues, required: boolean): PlanSelection {
  const src = `firmwarden ${command}`;
  if (v.all && v.server) throw new ConfigError(src, 'give --server NAME (repeatable) or --all, not both');
  if (required && !v.all && !v.server && !v.label)
    throw new ConfigError(src, 'give --server NAME (repeatable), --label KEY=VALUE or --all');
  const kinds = (v.kind ?? []).map((k) => kindOf(src, k));
  return {
    ...(v.server ? { only: v.server } : {}),
    ...(v.label ? { labels: labelsOf(src, v.label) } : {}),
    ...(kinds.length ? { kinds } : {}),
    ...(v.entry ? { entries: v.entry } : {}),
  };
}

function kindOf(src: string, text: string): ComponentKind {
  const r = ComponentKindSchema.safeParse(text);
  if (!r.success)
    throw new ConfigError(
      src,
      `--kind ${JSON.stringify(text)} is not a component kind: expected one of ${ComponentKindSchema.options.join(', ')}`,
    );
  return r.data;
}

/** `--label k=v` repeated: every key must match; the same key twice means either value. */
function labelsOf(src: string, texts: string[]): LabelSelector {
  const out: Record<string, string[]> = {};
  for (const t of texts) {
    const eq = t.indexOf('=');
    if (eq <= 0) throw new ConfigError(src, `--label expects KEY=VALUE, got ${JSON.stringify(t)}`);
    const key = t.slice(0, eq);
    out[key] = [...(out[key] ?? []), t.slice(eq + 1)];
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.length === 1 ? (v[0] as string) : v]));
}
