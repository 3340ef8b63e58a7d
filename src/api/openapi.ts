/**
 * The OpenAPI 3.1 document, generated from the route table: each route's path, method, role,
 * and the JSON Schemas of its parameters, body and responses, converted from the very zod
 * objects the app validates with (zod 4's z.toJSONSchema, input side: what a client may send).
 */
import { z } from 'zod';
import type { Route } from './route.ts';

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) of a zod schema; `io` input for requests. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  schema: Record<string, unknown>;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Parameter[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema);
  const props = (json['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || (required.has(name) && !('default' in s)),
    ...(typeof s['description'] === 'string' ? { description: s['description'] } : {}),
    schema: s,
  }));
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** The document for a route table. */
export function openApiDocument(routes: readonly Route[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(r.responses)) {
      const content: Record<string, unknown> = {};
      if (doc.contentType) content[doc.contentType] = { schema: { type: 'string' } };
      if (doc.schema) content['application/json'] = { schema: jsonSchemaOf(doc.schema, 'output') };
      responses[status] = {
        description: doc.description,
        ...(Object.keys(content).length ? { content } : {}),
      };
    }
    paths[r.path] ??= {};
    (paths[r.path] as Record<string, unknown>)[r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: [r.tag],
      security: r.access === 'public' ? [] : [{ bearer: [] }],
      'x-firmwarden-role': r.access,
      parameters: [...parametersOf(r.params, 'path'), ...parametersOf(r.query, 'query')],
      ...(r.body
        ? {
            requestBody: {
              required: r.bodyRequired ?? false,
              content: { 'application/json': { schema: jsonSchemaOf(r.body) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A token from api.tokens of the config. Roles: read (GET) and operator (also POST). Sent as Authorization: Bearer <token>.',
        },
      },
    },
    paths,
  };
}
