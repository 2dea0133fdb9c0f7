/**
 * The OpenAPI 3.1 document of the console API, built from the same route
 * declarations the server mounts (zod → JSON Schema 2020-12, which OpenAPI
 * 3.1 uses as is), so the document cannot drift from the validation.
 */
import { z } from 'zod';
import { toolVersion } from '../../scan/tool-version.js';
import type { ConsoleRoute } from '../route.js';

type JsonSchema = Record<string, unknown>;

const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { in: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** Definitions zod emits for recursive or shared parts, hoisted here: a '#/$defs/…' inside an embedded schema would resolve against the whole document. */
let hoisted: Record<string, JsonSchema> = {};

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  const defs = out.$defs as Record<string, JsonSchema> | undefined;
  if (!defs) return out;
  delete out.$defs;
  const renamed = new Map<string, string>();
  for (const name of Object.keys(defs)) renamed.set(name, `Def${Object.keys(hoisted).length + renamed.size + 1}`);
  const rewrite = (value: JsonSchema): JsonSchema =>
    JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_m, name: string) => JSON.stringify(`#/components/schemas/${renamed.get(name) ?? name}`))) as JsonSchema;
  for (const [name, def] of Object.entries(defs)) hoisted[renamed.get(name) as string] = rewrite(def);
  return rewrite(out);
}

function problemResponse(description: string): JsonSchema {
  return { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

function pathParamNames(url: string): string[] {
  return url.split('/').filter((p) => p.startsWith(':')).map((p) => p.slice(1));
}

export function openApiPath(url: string): string {
  return url.split('/').map((p) => (p.startsWith(':') ? `{${p.slice(1)}}` : p)).join('/');
}

export function buildOpenApiDocument(routes: readonly ConsoleRoute[]): JsonSchema {
  hoisted = {};
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Set<string>();
  for (const r of routes) {
    tags.add(r.tag);
    const path = openApiPath(r.url);
    const params = parameters(r.params, 'path');
    // A path parameter the route does not declare a schema for is still part of the path.
    for (const name of pathParamNames(r.url)) {
      if (!params.some((p) => p.name === name)) params.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
    const operation: JsonSchema = {
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, '').split(/[/_.-]/).filter(Boolean).map((s) => s[0]!.toUpperCase() + s.slice(1)).join('')}`,
      summary: r.summary,
      tags: [r.tag],
      'x-bulkhead-access': r.access === 'public' ? 'public' : ['admin', ...r.access.filter((role) => role !== 'admin')],
      security: r.access === 'public' ? [] : [{ bearer: [] }, { session: [] }],
      parameters: [...params, ...parameters(r.query, 'query')],
      responses: {
        [r.method === 'POST' ? '2XX' : '200']: r.response
          ? { description: 'Success', content: { 'application/json': { schema: toSchema(r.response, 'output') } } }
          : { description: 'Success' },
        '400': problemResponse('Invalid parameters or body'),
        ...(r.access === 'public' ? {} : { '401': problemResponse('Not authenticated'), '403': problemResponse('Role not allowed') }),
        ...(r.body ? { '413': problemResponse('Body too large') } : {}),
        default: problemResponse('Error'),
      },
    };
    if (r.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: toSchema(r.body, 'input') } } };
    }
    (paths[path] ??= {})[r.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bulkhead Console API',
      version: toolVersion(),
      description: 'Inventory, continuous re-evaluation, policies, access control and audit. Errors are RFC 9457 application/problem+json.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: { Problem: PROBLEM_SCHEMA, ...hoisted },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API token: bh_…' },
        session: { type: 'apiKey', in: 'cookie', name: '__Host-bulkhead_session', description: 'The session cookie from POST /api/v1/auth/login (bulkhead_session over plain HTTP); mutating requests also send x-csrf-token.' },
      },
    },
  };
}
