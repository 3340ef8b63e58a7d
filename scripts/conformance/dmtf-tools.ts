/**
 * Runs DMTF's conformance tools (shipped under conformance/dmtf, BSD-3-Clause) against one
 * Redfish service and reads their verdicts: the Service Validator (payloads against the CSDL
 * schemas), the Protocol Validator (HTTP behaviour) and Redfish-Tacklebox scripts (DMTF's
 * reference client). Python is Debian's python3 with conformance/debian-packages.txt installed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const CONFORMANCE_DIR = resolve(import.meta.dirname, '../../conformance');
const DMTF = join(CONFORMANCE_DIR, 'dmtf');

/** The Python the tools run on: FIRMWARDEN_PYTHON, else Debian's /usr/bin/python3, else python3. */
export function pythonBinary(): string {
  const given = process.env['FIRMWARDEN_PYTHON'];
  if (given) return given;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function toolEnv(): NodeJS.ProcessEnv {
  const paths = [
    join(DMTF, 'python-redfish-library/src'),
    join(DMTF, 'Redfish-Tacklebox'),
    join(DMTF, 'Redfish-Protocol-Validator'),
    join(CONFORMANCE_DIR, 'stubs'),
  ];
  const prior = process.env['PYTHONPATH'];
  return {
    ...process.env,
    PYTHONPATH: [...paths, ...(prior ? [prior] : [])].join(':'),
    PYTHONUNBUFFERED: '1',
  };
}

export interface RunResult {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a Python script with the tools on PYTHONPATH; never rejects (a missing Python is code null). */
export function runPython(
  args: string[],
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(pythonBinary(), args, {
      cwd: opts.cwd ?? CONFORMANCE_DIR,
      env: toolEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      done({ code: null, output: `${output}\n${err.message}`, ms: Date.now() - started });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, output, ms: Date.now() - started });
    });
  });
}

/** Null when the Python modules the tools import are present, else what is missing. */
export async function missingPythonModules(): Promise<string | null> {
  const modules = ['requests', 'lxml', 'bs4', 'jsonpatch', 'colorama', 'openpyxl', 'jsonpointer'];
  const modules2 = ['requests_toolbelt', 'requests_unixsocket', 'pyasn1', 'pyasn1_modules', 'xlsxwriter'];
  const r = await runPython(['-c', `import ${[...modules, ...modules2].join(', ')}`], { timeoutMs: 30_000 });
  if (r.code === 0) return null;
  return `${pythonBinary()} cannot import the tools' modules (${r.output.trim().split('\n').pop() ?? ''})`;
}

export interface Counts {
  pass: number;
  warn: number;
  fail: number;
}

/** One failed (or warned) check: where and what the tool said. */
export interface Finding {
  assertion: string;
  uri: string;
  message: string;
}

export interface ValidatorResult extends Counts {
  fails: Finding[];
  warns: Finding[];
  output: string;
  ms: number;
}

export interface Target {
  url: string;
  username: string;
  password: string;
}

/**
 * --user=, --password=, --rhost= in the `=` form: a generated password may start with "-", which
 * argparse would otherwise take for an option.
 */
export function credentialArgs(t: Target): string[] {
  return [`--user=${t.username}`, `--password=${t.password}`, `--rhost=${t.url}`];
}

/** Runs the Service Validator; FAIL/WARN lines come from its debug log, counts from its summary. */
export async function serviceValidator(t: Target, outDir: string): Promise<ValidatorResult> {
  const script = join(DMTF, 'Redfish-Service-Validator/RedfishServiceValidator.py');
  const schemas = join(DMTF, 'Redfish-Publications/csdl');
  const run = await runPython([
    script,
    ...credentialArgs(t),
    ...['--schema_directory', schemas, '--logdir', outDir, '--authtype', 'Session'],
  ]);
  const row = run.output
    .split('\n')
    .filter((l) => /^\|\s+\d+\s+\|/.test(l))
    .pop();
  const nums = (row ?? '').split('|').map((c) => Number(c.trim()));
  const [pass, warn, fail] = [nums[1], nums[2], nums[3]];
  const fails: Finding[] = [];
  const warns: Finding[] = [];
  let uri = '';
  for (const dir of await readdir(outDir).catch(() => [] as string[])) {
    const files = await readdir(join(outDir, dir)).catch(() => [] as string[]);
    for (const f of files.filter((n) => n.startsWith('RedfishServiceValidatorDebug'))) {
      for (const line of (await readFile(join(outDir, dir, f), 'utf8')).split('\n')) {
        const v = / - Validating (\S+?)\.\.\.$/.exec(line);
        if (v) uri = v[1] as string;
        const m = / - (FAIL|WARN) - (.*)$/.exec(line);
        if (m)
          (m[1] === 'FAIL' ? fails : warns).push({ assertion: m[1] as string, uri, message: m[2] as string });
      }
    }
  }
  if (row === undefined || pass === undefined || Number.isNaN(pass)) {
    return { pass: 0, warn: 0, fail: 1, fails: [noSummary(run)], warns, output: run.output, ms: run.ms };
  }
  return { pass, warn: warn ?? 0, fail: fail ?? 0, fails, warns, output: run.output, ms: run.ms };
}

function noSummary(run: RunResult): Finding {
  const tail = run.output.trim().split('\n').slice(-5).join(' | ');
  return { assertion: 'NO_SUMMARY', uri: '', message: `tool exited ${run.code} without a summary: ${tail}` };
}

/** Runs the Protocol Validator; every verdict comes from its TSV report. */
export async function protocolValidator(t: Target, outDir: string): Promise<ValidatorResult> {
  const script = join(DMTF, 'Redfish-Protocol-Validator/rf_protocol_validator.py');
  const run = await runPython([script, ...credentialArgs(t), ...['--no-cert-check', '--report-dir', outDir]]);
  const tsv = (await readdir(outDir).catch(() => [] as string[])).find((n) => n.endsWith('.tsv'));
  if (tsv === undefined) {
    return { pass: 0, warn: 0, fail: 1, fails: [noSummary(run)], warns: [], output: run.output, ms: run.ms };
  }
  const counts = { pass: 0, warn: 0, fail: 0 };
  const fails: Finding[] = [];
  const warns: Finding[] = [];
  const lines = (await readFile(join(outDir, tsv), 'utf8')).split('\n').slice(1);
  for (const line of lines) {
    const [assertion = '', _method, _status, uri = '', result = '', message = ''] = line.split('\t');
    if (result === 'PASS') counts.pass++;
    else if (result === 'WARN') {
      counts.warn++;
      warns.push({ assertion, uri, message });
    } else if (result === 'FAIL') {
      counts.fail++;
      fails.push({ assertion, uri, message });
    }
  }
  return { ...counts, fails, warns, output: run.output, ms: run.ms };
}

/** Runs one Redfish-Tacklebox script (scripts/<name>) with its arguments. */
export function tacklebox(script: string, args: string[], cwd: string): Promise<RunResult> {
  return runPython([join(DMTF, 'Redfish-Tacklebox/scripts', script), ...args], { cwd, timeoutMs: 180_000 });
}
