/**
 * Rollouts through the API against a simulated fleet: bad specs refused naming the field (and
 * nothing stored), a rollout created, paused, resumed and driven to completion inside the serve
 * process, every status change journalled with the caller, and the lease respected.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type ApiBed, apiBed, type Json } from './helpers.ts';

let bed: ApiBed;
beforeAll(async () => {
  bed = await apiBed({ sim: { count: 2, vendors: ['generic', 'dell'], seed: 11 } });
});
afterAll(() => bed?.close());

function spec(over: Record<string, unknown> = {}) {
  return {
    version: 1,
    name: 'api-bios',
    fleet: 'fleet.yaml',
    catalog: 'catalog/catalog.yaml',
    waves: { canary: 1, batch: 1 },
    update: { timeouts: { taskMs: 15_000, bmcRebootMs: 10_000, hostResetMs: 5_000, pollMs: 25 } },
    ...over,
  };
}

const post = (url: string, body: unknown, who: 'operator' | 'read' = 'operator') =>
  bed.app.inject({ method: 'POST', url, headers: bed.auth(who), body });

describe('POST /api/v1/rollouts refuses bad input', () => {
  it.each([
    ['no body', undefined, 'body'],
    ['neither spec nor specFile', { start: false }, 'body.spec'],
    ['both spec and specFile', { spec: spec(), specFile: 'rollout.yaml' }, 'body.spec'],
    ['a spec with a bad batch', { spec: spec({ waves: { batch: 'lots' } }) }, 'body.spec.waves.batch'],
    ['a spec without a name', { spec: { ...spec(), name: undefined } }, 'body.spec.name'],
    ['an unknown spec field', { spec: spec({ colour: 'red' }) }, 'body.spec'],
    [
      'a fleet outside the config folder',
      { spec: spec({ fleet: '../../etc/fleet.yaml' }) },
      'body.spec.fleet',
    ],
    ['an absolute catalog path', { spec: spec({ catalog: '/etc/passwd' }) }, 'body.spec.catalog'],
    [
      'a drain command hook',
      { spec: spec({ drain: { command: ['/bin/sh', '-c', 'id'] } }) },
      'body.spec.drain.command',
    ],
    ['a spec file outside the folder', { specFile: '../rollout.yaml' }, 'body.specFile'],
    ['a bad id', { spec: spec(), id: 'a/b' }, 'body.id'],
  ])('%s: 400 naming %s, nothing created', async (_name, body, field) => {
    const res = await post('/api/v1/rollouts', body);
    expect(res.status, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_VALIDATION', field } });
    expect(await bed.store.listRollouts()).toEqual([]);
  });

  it('a selection that matches no server is the core config error, 400', async () => {
    const res = await post('/api/v1/rollouts', {
      spec: spec({ servers: { names: ['nobody'] } }),
      start: false,
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'FW_ERR_CONFIG' } });
  });
});

describe('POST /api/v1/rollouts checks real paths before reading', () => {
  let outside: string;
  const SECRET = 'root:x:0:0:hunter2-secret';
  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'fw-outside-'));
    // Outside the config folder: a valid spec (would be accepted if read) and a secret.
    await writeFile(join(outside, 'rollout.yaml'), stringify(spec({ name: 'outside' })));
    await writeFile(join(outside, 'passwd'), `${SECRET}\nfoo: [\n`);
    await mkdir(join(bed.dir, 'links'), { recursive: true });
    await symlink(join(outside, 'rollout.yaml'), join(bed.dir, 'links', 'rollout.yaml'));
    await symlink(join(outside, 'passwd'), join(bed.dir, 'links', 'passwd.yaml'));
    await symlink(outside, join(bed.dir, 'links', 'out'));
    // Inside the config folder, but not a spec: its content must not come back in the error.
    await writeFile(join(bed.dir, 'links', 'secret.yaml'), `${SECRET}\nfoo: [\n`);
  });
  afterAll(() => rm(outside, { recursive: true, force: true }));

  it.each([
    ['a symlinked spec file leading out', { specFile: 'links/rollout.yaml' }, 'body.specFile', 'outside'],
    ['a symlink to a secret outside', { specFile: 'links/passwd.yaml' }, 'body.specFile', 'outside'],
    ['a symlinked folder leading out', { specFile: 'links/out/rollout.yaml' }, 'body.specFile', 'outside'],
    [
      'a spec fleet through a symlink',
      { spec: spec({ fleet: 'links/passwd.yaml' }) },
      'body.spec.fleet',
      'outside',
    ],
    ['a spec file that is not YAML', { specFile: 'links/secret.yaml' }, 'body.specFile', 'not valid YAML'],
    ['a spec file that does not exist', { specFile: 'links/none.yaml' }, 'body.specFile', 'does not exist'],
  ])('%s: 400 naming the path as given, no server path or content', async (_name, body, field, text) => {
    const res = await post('/api/v1/rollouts', { ...body, start: false });
    expect(res.status, res.body).toBe(400);
    const error = res.json<Json>().error;
    expect(error).toMatchObject({ code: 'FW_API_VALIDATION', field });
    expect(error.message).toContain(text);
    for (const leak of [SECRET, 'hunter2', bed.dir, outside, tmpdir()])
      expect(error.message).not.toContain(leak);
    expect(await bed.store.listRollouts()).toEqual([]);
  });
});

describe('a rollout through the API', () => {
  it('creates without driving (201), lists it and shows its servers', async () => {
    const res = await post('/api/v1/rollouts', { spec: spec(), id: 'api-r1', start: false });
    expect(res.status, res.body).toBe(201);
    expect(res.headers['location']).toBe('/api/v1/rollouts/api-r1');
    expect(res.json<Json>()).toMatchObject({
      rollout: { id: 'api-r1', status: 'pending' },
      steps: { pending: 2 },
      drivenHere: false,
    });
    const list = (await bed.app.inject({ url: '/api/v1/rollouts', headers: bed.auth('read') })).json<Json>();
    expect(list.rollouts).toEqual([
      expect.objectContaining({ id: 'api-r1', servers: 2, steps: { pending: 2 } }),
    ]);
    expect(list.rollouts[0].spec).toBeUndefined();
    const created = (await bed.store.journal({ rolloutId: 'api-r1' })).find(
      (e) => e.event === 'rollout-created',
    );
    expect(created).toMatchObject({ actor: 'api:ops', data: { by: 'api', spec: 'api:ops' } });
  });

  it('refuses a second rollout with the same id (409)', async () => {
    const res = await post('/api/v1/rollouts', { spec: spec(), id: 'api-r1', start: false });
    expect(res.status).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'FW_API_CONFLICT', field: 'body.id' } });
  });

  it('pauses a pending rollout, and refuses to pause it twice', async () => {
    const res = await post('/api/v1/rollouts/api-r1/pause', { note: 'change freeze' });
    expect(res.status).toBe(200);
    expect(res.json<Json>().rollout).toMatchObject({
      status: 'paused',
      note: 'pause requested by api:ops: change freeze',
    });
    const again = await post('/api/v1/rollouts/api-r1/pause', {});
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'FW_API_CONFLICT' } });
    const entry = (await bed.store.journal({ rolloutId: 'api-r1' })).find(
      (e) => e.event === 'rollout-pause-requested',
    );
    expect(entry).toMatchObject({ actor: 'api:ops', data: { note: 'change freeze' } });
  });

  it('resumes it (202) and drives it to completion in this process', async () => {
    const res = await post('/api/v1/rollouts/api-r1/resume', {});
    expect(res.status, res.body).toBe(202);
    expect(res.json<Json>().drivenHere).toBe(true);
    await bed.app.context.drivers.idle();
    const done = (
      await bed.app.inject({ url: '/api/v1/rollouts/api-r1', headers: bed.auth('read') })
    ).json<Json>();
    expect(done.rollout.status, done.rollout.note).toBe('completed');
    expect(done.steps).toEqual({ done: 2 });
    expect(done.drivenHere).toBe(false);
    expect(done.acting.length).toBeGreaterThan(0);
    expect(done.acting.every((a: Json) => a.converged)).toBe(true);
    // DCIM reads the key (line); people read the name.
    for (const a of done.acting) {
      expect(a.line).toContain('|');
      expect(a.name).toMatch(/^[^|]+$/);
    }
    const journal = await bed.store.journal({ rolloutId: 'api-r1' });
    expect(journal.find((e) => e.event === 'rollout-resume-requested')?.actor).toBe('api:ops');
    // The driver acts as this serve process (its lease holder), not as the token.
    expect(journal.find((e) => e.event === 'drive-start')?.actor).toMatch(/^api:\d+@/);
  });

  it('refuses to pause, resume or abort a completed rollout (409)', async () => {
    for (const verb of ['pause', 'resume', 'abort']) {
      const res = await post(`/api/v1/rollouts/api-r1/${verb}`, {});
      expect(res.status, verb).toBe(409);
    }
  });

  it('answers 404 for an unknown rollout on every rollout route', async () => {
    const get = await bed.app.inject({ url: '/api/v1/rollouts/nope', headers: bed.auth('read') });
    expect(get.status).toBe(404);
    for (const verb of ['pause', 'resume', 'abort']) {
      const res = await post(`/api/v1/rollouts/nope/${verb}`, {});
      expect(res.status, verb).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'FW_API_NOT_FOUND', field: 'params.id' } });
    }
  });

  it('refuses to drive a rollout another process holds the lease of (409), and aborts it', async () => {
    await writeFile(join(bed.dir, 'rollout.yaml'), stringify(spec({ name: 'from-file' })));
    const res = await post('/api/v1/rollouts', { specFile: 'rollout.yaml', id: 'api-r2', start: false });
    expect(res.status, res.body).toBe(201);
    const other = 'cli:999999@elsewhere';
    await bed.store.acquireLease('rollout:api-r2', other, 60_000);
    const resume = await post('/api/v1/rollouts/api-r2/resume', {});
    expect(resume.status).toBe(409);
    expect(resume.json<Json>().error).toMatchObject({ code: 'FW_API_ROLLOUT_LOCKED' });
    expect(resume.json<Json>().error.message).toContain(other);
    expect((await bed.store.getRollout('api-r2'))?.status).toBe('pending');
    const abort = await post('/api/v1/rollouts/api-r2/abort', {});
    expect(abort.status).toBe(200);
    expect(abort.json<Json>().rollout.status).toBe('aborted');
    await bed.store.releaseLease('rollout:api-r2', other);
  });

  it('accepts a command hook when the config allows it', async () => {
    const res = await bed.app.inject({
      method: 'POST',
      url: '/api/v1/rollouts',
      headers: bed.auth('operator'),
      body: { spec: spec({ drain: { command: ['true'] } }), start: false, id: 'api-r3' },
    });
    expect(res.status).toBe(400);
    bed.app.context.settings.allowCommandHooks = true;
    try {
      const ok = await post('/api/v1/rollouts', {
        spec: spec({ drain: { command: ['true'] } }),
        start: false,
        id: 'api-r3',
      });
      expect(ok.status, ok.body).toBe(201);
    } finally {
      bed.app.context.settings.allowCommandHooks = false;
    }
  });
});
