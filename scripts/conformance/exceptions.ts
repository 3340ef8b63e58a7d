/**
 * conformance/expected-failures.yaml: the Protocol Validator failures the simulator keeps on
 * purpose (`protocol`), and the reference-client steps that cannot succeed on a profile
 * (`client`), each with the reason and the public source showing a real BMC of that family (or
 * the test set-up, or the DMTF client itself) behaves the same. Every failure must match an
 * entry, and every entry must still match a failure on each profile it names (a stale entry
 * hides nothing, so it is an error too).
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { VendorSchema } from '../../src/vocab.ts';
import type { Finding } from './dmtf-tools.ts';

const EntrySchema = z
  .object({
    assertion: z.string().regex(/^[A-Z][A-Z0-9_]+$/),
    profiles: z.array(VendorSchema).min(1),
    /** Only failures on URIs matching this regular expression (default: any URI). */
    uri: z.string().optional(),
    reason: z.string().min(20),
    source: z.string().min(5),
  })
  .strict();

const ClientEntrySchema = z
  .object({
    /** The step as the report names it, e.g. "rf_update.py simple". */
    step: z.string().min(3),
    profiles: z.array(VendorSchema).min(1),
    reason: z.string().min(20),
    source: z.string().min(5),
  })
  .strict();

const FileSchema = z
  .object({ protocol: z.array(EntrySchema), client: z.array(ClientEntrySchema).default([]) })
  .strict();

export type ProtocolException = z.infer<typeof EntrySchema>;
export type ClientException = z.infer<typeof ClientEntrySchema>;
export type ExpectedFailures = z.infer<typeof FileSchema>;

/** Reads and checks the file; a malformed entry names its section, index and field. */
export async function loadExpectedFailures(path: string): Promise<ExpectedFailures> {
  const parsed = FileSchema.safeParse(parse(await readFile(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The client exception for a failed step on a profile, if one is listed. */
export function clientException(
  profile: string,
  step: string,
  entries: readonly ClientException[],
): ClientException | undefined {
  return entries.find(
    (e) => e.step === step && e.profiles.includes(profile as ClientException['profiles'][number]),
  );
}

function matches(e: ProtocolException, profile: string, f: Finding): boolean {
  return (
    e.assertion === f.assertion &&
    e.profiles.includes(profile as ProtocolException['profiles'][number]) &&
    (e.uri === undefined || new RegExp(e.uri).test(f.uri))
  );
}

export interface Comparison {
  /** Failures no exception explains. */
  unexpected: Finding[];
  /** Failures an exception explains (assertion names). */
  excepted: Finding[];
  /** Entries listed for this profile that no failure matched. */
  stale: ProtocolException[];
}

/** Sorts one profile's failures into excepted and unexpected, and finds stale entries. */
export function compareWithExceptions(
  profile: string,
  fails: readonly Finding[],
  exceptions: readonly ProtocolException[],
): Comparison {
  const unexpected: Finding[] = [];
  const excepted: Finding[] = [];
  for (const f of fails) {
    if (exceptions.some((e) => matches(e, profile, f))) excepted.push(f);
    else unexpected.push(f);
  }
  const stale = exceptions.filter(
    (e) =>
      e.profiles.includes(profile as ProtocolException['profiles'][number]) &&
      !fails.some((f) => matches(e, profile, f)),
  );
  return { unexpected, excepted, stale };
}
