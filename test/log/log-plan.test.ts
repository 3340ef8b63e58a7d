/**
 * A log plan is how a daemon's worker threads log as their process does: the plan survives
 * workerData (structured clone, checked on arrival) and a worker built from it writes the same
 * --log-file, while a logger's children still know the plan they were made from.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobName } from '../../src/daemon/job-names.ts';
import type { DaemonConfig } from '../../src/daemon/load-config.ts';
import { parseWorkerData, workerDeps, workerInput } from '../../src/daemon/worker-protocol.ts';
import { type LogPlan, logPlanOf, planLogger } from '../../src/log.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fw-log-plan-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('log plans', () => {
  it("a logger's children carry its plan; the console gets its level and format", () => {
    const lines: string[] = [];
    const plan: LogPlan = { level: 'warn', format: 'pretty' };
    const logger = planLogger(plan, new Writable({ write: (c, _e, cb) => cb(void lines.push(String(c))) }));
    const child = logger.child({ component: 'daemon' }).child({ job: 'x' });
    expect(logPlanOf(child)).toEqual(plan);
    child.info('routine');
    child.warn('act on this');
    expect(lines).toEqual(['warn  daemon: act on this job=x\n']);
  });

  it('a worker built from workerData writes the daemon --log-file at its level', async () => {
    const file = join(dir, 'daemon.log');
    const plan: LogPlan = { level: 'warn', format: 'pretty', file, fileLevel: 'info' };
    const config = { jobs: {}, store: {} } as unknown as DaemonConfig;
    const data = structuredClone(workerInput(JobName.inventoryScan, config, 'daemon@host', 'info', plan));
    const input = parseWorkerData(data, JobName.inventoryScan);
    expect(input.log).toEqual(plan);
    const { logger } = workerDeps(input);
    logger.debug('not recorded');
    logger.info({ password: 'hunter2-secret' }, 'job started');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^\{"level":30,.*"msg":"job started"\}\n$/);
    expect(text).not.toContain('hunter2-secret');
  });

  it('workerData without a plan (a job started by an older daemon) still gives a logger', () => {
    const config = { jobs: {}, store: {} } as unknown as DaemonConfig;
    const input = parseWorkerData(
      workerInput(JobName.inventoryScan, config, 'a', 'silent'),
      JobName.inventoryScan,
    );
    expect(input.log).toBeUndefined();
    expect(workerDeps(input).logger.level).toBe('silent');
  });
});
