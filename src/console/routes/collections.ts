/**
 * Collections (admin): named image/registry/namespace/host globs that
 * users and tokens are limited to. A collection still assigned to someone
 * cannot be deleted (their scope would silently change).
 */
import { z } from 'zod';
import { forgetCredentials } from '../auth/credential-cache.js';
import { collectionPatternsSchema } from '../auth/collection-patterns.js';
import { collectionNameSchema, createCollection, deleteCollection, getCollection, listCollections, updateCollection } from '../auth/collections.js';
import { actorOf } from '../principal.js';
import { ProblemError, route } from '../route.js';

const nameParams = z.strictObject({ name: collectionNameSchema });
const collectionSchema = z.object({
  name: z.string(),
  description: z.string(),
  patterns: z.object({ images: z.array(z.string()).optional(), registries: z.array(z.string()).optional(), namespaces: z.array(z.string()).optional(), hosts: z.array(z.string()).optional() }),
  createdAt: z.string(),
});

export const collectionRoutes = [
  route({
    method: 'GET',
    url: '/api/v1/collections',
    summary: 'List collections',
    tag: 'collections',
    access: ['secops', 'auditor'],
    response: z.object({ items: z.array(collectionSchema) }),
    handler: async (_request, ctx) => ({ body: { items: await listCollections(ctx.store) } }),
  }),
  route({
    method: 'GET',
    url: '/api/v1/collections/:name',
    summary: 'One collection',
    tag: 'collections',
    access: ['secops', 'auditor'],
    params: nameParams,
    response: collectionSchema,
    handler: async ({ params }, ctx) => {
      const c = await getCollection(ctx.store, params.name);
      if (!c) throw new ProblemError(404, 'Not Found', 'no such collection');
      return { body: c };
    },
  }),
  route({
    method: 'POST',
    url: '/api/v1/collections',
    summary: 'Create a collection',
    tag: 'collections',
    access: [],
    body: z.strictObject({ name: collectionNameSchema, description: z.string().max(1000).optional(), patterns: collectionPatternsSchema }),
    response: collectionSchema,
    handler: async ({ body, principal }, ctx) => {
      const c = await createCollection(ctx.store, body, ctx.now());
      await ctx.audit.append({ actor: actorOf(principal), action: 'collection.create', target: `collection:${c.name}`, detail: { patterns: c.patterns } });
      return { status: 201, headers: { location: `/api/v1/collections/${c.name}` }, body: c };
    },
  }),
  route({
    method: 'PATCH',
    url: '/api/v1/collections/:name',
    summary: 'Change a collection\'s description or patterns',
    tag: 'collections',
    access: [],
    params: nameParams,
    body: z.strictObject({ description: z.string().max(1000).optional(), patterns: collectionPatternsSchema.optional() })
      .refine((b) => Object.keys(b).length > 0, 'nothing to change'),
    response: collectionSchema,
    handler: async ({ params, body, principal }, ctx) => {
      const c = await updateCollection(ctx.store, params.name, body);
      forgetCredentials(ctx);
      await ctx.audit.append({ actor: actorOf(principal), action: 'collection.update', target: `collection:${c.name}`, detail: { ...body } });
      return { body: c };
    },
  }),
  route({
    method: 'DELETE',
    url: '/api/v1/collections/:name',
    summary: 'Delete a collection no user or token lists',
    tag: 'collections',
    access: [],
    params: nameParams,
    handler: async ({ params, principal }, ctx) => {
      const c = await deleteCollection(ctx.store, params.name);
      forgetCredentials(ctx);
      await ctx.audit.append({ actor: actorOf(principal), action: 'collection.delete', target: `collection:${c.name}` });
      return { status: 204 };
    },
  }),
];
