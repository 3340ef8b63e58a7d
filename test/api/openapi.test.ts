/**
 * The OpenAPI document is generated from the route table: every route is in it with its role,
 * and the request schemas in it are the JSON Schemas of the very zod objects the app validates
 * with (the same objects, not copies).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemaOf } from '../../src/api/openapi.ts';
import * as schemas from '../../src/api/schemas.ts';
import { type ApiBed, apiBed, type Json, routeTable } from './helpers.ts';

const ROUTES = routeTable();

let bed: ApiBed;
let doc: Json;
beforeAll(async () => {
  bed = await apiBed({ images: false });
  const res = await bed.app.inject({ url: '/openapi.json' });
  expect(res.status).toBe(200);
  doc = res.json<Json>();
});
afterAll(() => bed?.close());

const exported = new Set<unknown>(Object.values(schemas));

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 with bearer security', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it.each(ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))('documents %s', (_n, r) => {
    const op = doc.paths[r.path]?.[r.method.toLowerCase()];
    expect(op).toBeDefined();
    expect(op.operationId).toBe(r.operationId);
    expect(op['x-firmwarden-role']).toBe(r.access);
    expect(op.security).toEqual(r.access === 'public' ? [] : [{ bearer: [] }]);
    for (const status of Object.keys(r.responses)) expect(op.responses[status]).toBeDefined();
    if (r.body) {
      // The validator and the document share one schema object, exported from schemas.ts.
      expect(exported.has(r.body)).toBe(true);
      expect(op.requestBody.content['application/json'].schema).toEqual(jsonSchemaOf(r.body));
    } else {
      expect(op.requestBody).toBeUndefined();
    }
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      expect(exported.has(schema)).toBe(true);
      const names = Object.keys((jsonSchemaOf(schema).properties ?? {}) as object);
      const documented = op.parameters.filter((p: Json) => p.in === where).map((p: Json) => p.name);
      expect(documented).toEqual(names);
    }
  });

  it('has no operation that is not in the route table', () => {
    const ops = Object.entries(doc.paths as Json).flatMap(([path, methods]) =>
      Object.keys(methods as Json).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(ops.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('the rollout body embeds the rollout spec schema (the one rollout.yaml is validated with)', () => {
    const body = doc.paths['/api/v1/rollouts'].post.requestBody.content['application/json'].schema;
    expect(body.properties.spec.properties.waves).toBeDefined();
    expect(body.properties.spec.required).toEqual(
      expect.arrayContaining(['version', 'name', 'fleet', 'catalog']),
    );
    expect(body.additionalProperties).toBe(false);
  });

  it('journal query parameters carry their bounds', () => {
    const params = doc.paths['/api/v1/journal'].get.parameters as Json[];
    expect(params.find((p) => p.name === 'limit')).toMatchObject({
      in: 'query',
      required: false,
      schema: { maximum: 1000 },
    });
  });
});
