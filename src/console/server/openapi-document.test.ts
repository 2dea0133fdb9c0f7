/**
 * The OpenAPI document, checked three ways: against the shape the OpenAPI
 * 3.1 specification requires (a condensed JSON Schema of its required
 * members and enums, compiled by ajv), for completeness against ROUTES, and
 * for usability: every schema compiles as JSON Schema 2020-12, every $ref
 * resolves, and a request body the server accepts validates against the
 * document's own schema for it.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../routes/index.js';
import { buildOpenApiDocument, openApiPath } from './openapi-document.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';

type Json = Record<string, unknown>;

// From the OpenAPI 3.1.0 specification: the members it marks REQUIRED and its enumerations.
const response = { type: 'object', required: ['description'], properties: { description: { type: 'string' }, content: { $ref: '#/$defs/content' } } };
const OPENAPI_31_SHAPE = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  required: ['openapi', 'info'],
  anyOf: [{ required: ['paths'] }, { required: ['components'] }, { required: ['webhooks'] }],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+(-.+)?$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: {
        title: { type: 'string' },
        version: { type: 'string' },
        license: { type: 'object', required: ['name'], not: { required: ['identifier', 'url'] } },
      },
    },
    servers: { type: 'array', items: { type: 'object', required: ['url'] } },
    tags: { type: 'array', items: { type: 'object', required: ['name'] } },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'summary', 'description', 'servers', 'parameters', '$ref'] },
        additionalProperties: { $ref: '#/$defs/operation' },
      },
    },
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object', additionalProperties: { type: ['object', 'boolean'] } },
        securitySchemes: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['type'],
            properties: { type: { enum: ['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'] } },
            allOf: [
              { if: { properties: { type: { const: 'apiKey' } } }, then: { required: ['name', 'in'], properties: { in: { enum: ['query', 'header', 'cookie'] } } } },
              { if: { properties: { type: { const: 'http' } } }, then: { required: ['scheme'] } },
            ],
          },
        },
      },
    },
  },
  $defs: {
    content: { type: 'object', additionalProperties: { type: 'object', properties: { schema: { type: ['object', 'boolean'] } } } },
    operation: {
      type: 'object',
      properties: {
        operationId: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        parameters: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'in'],
            properties: { name: { type: 'string' }, in: { enum: ['query', 'header', 'path', 'cookie'] }, required: { type: 'boolean' } },
            oneOf: [{ required: ['schema'] }, { required: ['content'] }],
            if: { properties: { in: { const: 'path' } } },
            then: { required: ['required'], properties: { required: { const: true } } },
          },
        },
        requestBody: { type: 'object', required: ['content'], properties: { content: { $ref: '#/$defs/content' } } },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5](\\d\\d|XX)|default)$' },
          additionalProperties: response,
        },
        security: { type: 'array', items: { type: 'object' } },
      },
    },
  },
};

function walk(value: unknown, visit: (node: Json) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit));
  else if (value && typeof value === 'object') {
    visit(value as Json);
    Object.values(value).forEach((v) => walk(v, visit));
  }
}

function pointer(doc: Json, ref: string): unknown {
  return ref.slice(2).split('/').reduce<unknown>((at, part) => (at as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument(ROUTES);
  const paths = doc.paths as Record<string, Record<string, Json>>;

  it('has the shape OpenAPI 3.1 requires', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(OPENAPI_31_SHAPE);
    expect(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true);
  });

  it('describes every route, with its path parameters, once', () => {
    for (const r of ROUTES) {
      const operation = paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
      expect(operation, `${r.method} ${r.url}`).toBeDefined();
      const declared = ((operation!.parameters ?? []) as Json[]).filter((p) => p.in === 'path').map((p) => p.name).sort();
      const inPath = [...openApiPath(r.url).matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      expect(declared, `${r.method} ${r.url}`).toEqual(inPath);
      if (r.body) expect(operation!.requestBody, `${r.method} ${r.url}`).toBeDefined();
      if (r.access !== 'public') expect(Object.keys(operation!.responses as Json)).toEqual(expect.arrayContaining(['401', '403']));
    }
    const operations = Object.values(paths).flatMap((p) => Object.values(p));
    expect(operations.length).toBe(ROUTES.length);
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref and compiles every schema as JSON Schema 2020-12', () => {
    walk(doc, (node) => {
      if (typeof node.$ref === 'string') expect(pointer(doc, node.$ref), node.$ref).toBeDefined();
    });
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'https://bulkhead.invalid/openapi', $defs: { components: (doc.components as Json).schemas } });
    const schemas: Json[] = [];
    walk(doc.paths, (node) => {
      if (node.schema && typeof node.schema === 'object') schemas.push(node.schema as Json);
    });
    expect(schemas.length).toBeGreaterThan(ROUTES.length);
    for (const schema of schemas) {
      const rewritten = JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\//g, '"https://bulkhead.invalid/openapi#/$defs/components/')) as Json;
      expect(() => ajv.compile(rewritten)).not.toThrow();
    }
  });

  it('agrees with the server on what a valid body is', () => {
    const ajv = new Ajv2020({ strict: false });
    const schema = ((paths['/api/v1/collections']!.post!.requestBody as Json).content as Record<string, Json>)['application/json']!.schema as Json;
    const validate = ajv.compile(schema);
    expect(validate({ name: 'team-a', patterns: { images: ['registry.example.com/team-a/*'] } })).toBe(true);
    expect(validate({ name: 'team-a', patterns: {}, unexpected: true })).toBe(false);
    expect(validate({ patterns: {} })).toBe(false);
  });
});

describe('GET /api/v1/openapi.json', () => {
  let c: TestConsole;
  beforeAll(async () => {
    c = await startTestConsole({ dialect: 'sqlite' });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('serves the document without credentials', async () => {
    const res = await c.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json.openapi).toBe('3.1.0');
    expect(Object.keys(res.json.paths)).toContain('/api/v1/auth/login');
  });
});
