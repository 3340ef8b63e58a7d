/**
 * Rollout routes: list, create (and drive), status, pause, resume, abort. Status changes are the
 * same compare-and-set transitions the CLI makes, journalled with the caller; a running driver
 * (here, in a CLI or in a daemon) sees them on its next turn. Resume and start drive the rollout
 * in this process (rollout-drivers.ts).
 */

import { createRollout } from '../../rollout/create.ts';
import type { RolloutRecord, RolloutServerRecord, RolloutStatus } from '../../store/types.ts';
import { ApiError } from '../api-errors.ts';
import type { ApiContext } from '../context.ts';
import { specFromBody } from '../rollout-input.ts';
import { defineRoute, type Route } from '../route.ts';
import {
  CreateRolloutBody,
  NoteBody,
  ResumeRolloutBody,
  RolloutDetailResponse,
  RolloutIdParams,
  RolloutListResponse,
  StatusChangeResponse,
} from '../schemas.ts';
import { errors } from './common.ts';

/** Servers by step, zero counts omitted. */
export function stepCounts(servers: RolloutServerRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of servers) out[s.step] = (out[s.step] ?? 0) + 1;
  return out;
}

async function rolloutOr404(ctx: ApiContext, id: string): Promise<RolloutRecord> {
  const r = await ctx.store.getRollout(id);
  if (!r) throw new ApiError('FW_API_NOT_FOUND', `no rollout ${id}`, { field: 'params.id' });
  return r;
}

async function detail(ctx: ApiContext, id: string) {
  const rollout = await rolloutOr404(ctx, id);
  const servers = await ctx.store.rolloutServers(id);
  return {
    rollout,
    steps: stepCounts(servers),
    drivenHere: ctx.drivers.driving(id),
    servers,
    acting: await ctx.store.actingVersions(id),
  };
}

/** pause/abort: a compare-and-set from the allowed states, then the journal entry. */
function statusRoute(
  ctx: ApiContext,
  verb: 'pause' | 'abort',
  to: RolloutStatus,
  from: RolloutStatus[],
): Route {
  return defineRoute({
    method: 'POST',
    path: `/api/v1/rollouts/{id}/${verb}`,
    operationId: `${verb}Rollout`,
    tag: 'rollouts',
    summary:
      verb === 'pause'
        ? 'Pause: the driver starts no new server and finishes the ones in flight'
        : 'Abort for good: servers already updated stay updated',
    access: 'operator',
    params: RolloutIdParams,
    body: NoteBody,
    responses: {
      200: { description: `the rollout, ${to}`, schema: StatusChangeResponse },
      ...errors(400, 401, 403, 404, 409, 413, 415),
    },
    async handle({ params, body, actor }) {
      const before = await rolloutOr404(ctx, params.id);
      const note = `${verb} requested by ${actor}${body.note ? `: ${body.note}` : ''}`;
      if (!(await ctx.store.setRolloutStatus(params.id, from, to, note))) {
        const now = (await ctx.store.getRollout(params.id)) ?? before;
        throw new ApiError('FW_API_CONFLICT', `rollout ${params.id} is ${now.status}: cannot ${verb} it`);
      }
      await ctx.store.append({
        actor,
        rolloutId: params.id,
        event: `rollout-${verb}-requested`,
        ...(body.note ? { data: { note: body.note } } : {}),
      });
      return {
        json: {
          rollout: await rolloutOr404(ctx, params.id),
          message: `rollout ${params.id} ${to}; a running driver stops starting servers and finishes the ones in flight`,
        },
      };
    },
  });
}

export function rolloutRoutes(ctx: ApiContext): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/rollouts',
      operationId: 'listRollouts',
      tag: 'rollouts',
      summary: 'Every rollout, newest first, with servers by step',
      access: 'read',
      responses: { 200: { description: 'rollouts', schema: RolloutListResponse }, ...errors(401) },
      async handle() {
        const all = (await ctx.store.listRollouts()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        const rollouts = [];
        for (const r of all) {
          const servers = await ctx.store.rolloutServers(r.id);
          // The spec (paths, hook URLs) is in the detail view only.
          const { spec: _spec, ...record } = r;
          rollouts.push({
            ...record,
            servers: servers.length,
            steps: stepCounts(servers),
            drivenHere: ctx.drivers.driving(r.id),
          });
        }
        return { json: { rollouts } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/rollouts',
      operationId: 'createRollout',
      tag: 'rollouts',
      summary: 'Create a rollout from a spec and (by default) drive it in this server',
      description:
        'The spec is validated by the same schema as rollout.yaml. Paths resolve against the config folder and must stay inside it; drain/undrain command hooks are refused unless api.allowCommandHooks. 202 when driving started, 201 when only created (start: false).',
      access: 'operator',
      body: CreateRolloutBody,
      bodyRequired: true,
      responses: {
        201: { description: 'created, not started', schema: RolloutDetailResponse },
        202: { description: 'created and being driven here', schema: RolloutDetailResponse },
        ...errors(400, 401, 403, 409, 413, 415),
      },
      async handle({ body, caller, actor }) {
        if (body.id !== undefined && (await ctx.store.getRollout(body.id)))
          throw new ApiError('FW_API_CONFLICT', `rollout ${body.id} exists already`, { field: 'body.id' });
        const loaded = await specFromBody(ctx, body, caller?.name ?? '?');
        const record = await createRollout(ctx.store, loaded, body.id ? { id: body.id } : {});
        await ctx.store.append({
          actor,
          rolloutId: record.id,
          event: 'rollout-created',
          data: { spec: loaded.file, by: 'api', start: body.start },
        });
        if (body.start) await ctx.drivers.ensure(record.id);
        return {
          status: body.start ? 202 : 201,
          json: await detail(ctx, record.id),
          headers: { location: `/api/v1/rollouts/${record.id}` },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/rollouts/{id}',
      operationId: 'getRollout',
      tag: 'rollouts',
      summary: 'A rollout: status, each server with its step, and the acting version per component line',
      access: 'read',
      params: RolloutIdParams,
      responses: {
        200: { description: 'the rollout', schema: RolloutDetailResponse },
        ...errors(400, 401, 404),
      },
      async handle({ params }) {
        return { json: await detail(ctx, params.id) };
      },
    }),
    statusRoute(ctx, 'pause', 'paused', ['pending', 'running']),
    statusRoute(ctx, 'abort', 'aborted', ['pending', 'running', 'paused']),
    defineRoute({
      method: 'POST',
      path: '/api/v1/rollouts/{id}/resume',
      operationId: 'resumeRollout',
      tag: 'rollouts',
      summary: 'Resume (or start) driving a rollout in this server; optionally retry failed servers',
      access: 'operator',
      params: RolloutIdParams,
      body: ResumeRolloutBody,
      responses: {
        202: { description: 'being driven here', schema: RolloutDetailResponse },
        ...errors(400, 401, 403, 404, 409, 413, 415),
      },
      async handle({ params, body, actor }) {
        const r = await rolloutOr404(ctx, params.id);
        if (r.status === 'completed' || r.status === 'aborted')
          throw new ApiError('FW_API_CONFLICT', `rollout ${params.id} is ${r.status}: nothing to resume`);
        let retried = 0;
        if (body.retryFailed) {
          for (const s of await ctx.store.rolloutServers(params.id)) {
            if (
              s.step === 'failed' &&
              (await ctx.store.setServerStep(params.id, s.server, ['failed'], 'pending', { retried: true }))
            )
              retried++;
          }
        }
        // A driver of this process winding down after a pause sees "running" again and carries
        // on; a new driver sets "running" itself once it holds the lease.
        if (ctx.drivers.driving(params.id))
          await ctx.store.setRolloutStatus(params.id, ['paused'], 'running', `resumed by ${actor}`);
        await ctx.drivers.ensure(params.id);
        await ctx.store.append({
          actor,
          rolloutId: params.id,
          event: 'rollout-resume-requested',
          ...(body.retryFailed ? { data: { retryFailed: true, retried } } : {}),
        });
        return { status: 202, json: await detail(ctx, params.id) };
      },
    }),
  ];
}
