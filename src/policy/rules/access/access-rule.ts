/**
 * `access:` rules — who may perform which API action at an enforcement point
 * (the Docker defender): "only group ops may exec into containers labelled
 * env=prod", "nobody installs plugins". The action, identity and target come
 * from Subject.access; without one (a scan, an admission review) the rule
 * does not apply.
 */
import { z } from 'zod';
import type { AccessRequest } from '../../../domain/subject.js';
import { compileGlob } from '../../glob.js';
import { isRootUser } from '../../image-facts.js';
import { defineRuleKind } from '../../rule-kind.js';

const schema = z.strictObject({
  /** Action globs: 'exec.*', 'container.create', 'plugin.install', '*'. */
  actions: z.array(z.string().min(1)).min(1),
  /** Users allowed to perform the actions (exact names); with allowGroups absent too, nobody is. */
  allowUsers: z.array(z.string().min(1)).optional(),
  allowGroups: z.array(z.string().min(1)).optional(),
  /** Only targets whose labels all match (values are globs). */
  targetLabels: z.record(z.string(), z.string()).optional(),
  /** Only targets whose image matches one of these globs (normalized references). */
  images: z.array(z.string().min(1)).min(1).optional(),
  /** Targets whose image matches one of these globs are exempt: a registry allow-list for image.pull. */
  unlessImages: z.array(z.string().min(1)).min(1).optional(),
  /** Exec only: restrict the rule to commands that run as root. */
  asRoot: z.boolean().optional(),
  /** Shown to the user after the reason. */
  message: z.string().min(1).max(500).optional(),
});

type Params = z.infer<typeof schema>;

function compileAll(globs: readonly string[], field: string, problems: { path: (string | number)[]; message: string }[]): RegExp[] {
  const out: RegExp[] = [];
  globs.forEach((g, i) => {
    try {
      out.push(compileGlob(g));
    } catch (error) {
      problems.push({ path: [field, i], message: (error as Error).message });
    }
  });
  return out;
}

/** Whether the command of an exec request runs as root. */
function execAsRoot(a: AccessRequest): boolean {
  if (a.execUser === undefined || a.execUser.trim() === '') return a.targetRunsAsRoot ?? true;
  return isRootUser(a.execUser);
}

export const accessRule = defineRuleKind<Params>({
  name: 'access',
  schema,
  compile(params, ctx) {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const actions = compileAll(params.actions, 'actions', problems);
    const images = params.images ? compileAll(params.images, 'images', problems) : undefined;
    const exempt = params.unlessImages ? compileAll(params.unlessImages, 'unlessImages', problems) : undefined;
    const labels: [string, RegExp][] = [];
    for (const [key, value] of Object.entries(params.targetLabels ?? {})) {
      try {
        labels.push([key, compileGlob(value)]);
      } catch (error) {
        problems.push({ path: ['targetLabels', key], message: (error as Error).message });
      }
    }
    ctx.problems.push(...problems);
    const users = new Set(params.allowUsers ?? []);
    const groups = new Set(params.allowGroups ?? []);
    const who = [...[...users].map((u) => `user ${u}`), ...[...groups].map((g) => `group ${g}`)];
    return {
      check(input) {
        const a = input.subject.access;
        if (!a) return { applies: false, reason: 'no API request in the subject (access rules apply at the Docker defender)' };
        if (!actions.some((re) => re.test(a.action))) return { applies: true, hits: [], checked: `action ${a.action} is not governed` };
        if (images && !(a.image !== undefined && images.some((re) => re.test(a.image as string)))) return { applies: true, hits: [], checked: 'the target image is not governed' };
        if (exempt && a.image !== undefined && exempt.some((re) => re.test(a.image as string))) return { applies: true, hits: [], checked: 'the target image is exempt' };
        for (const [key, re] of labels) {
          const value = a.targetLabels?.[key];
          if (value === undefined || !re.test(value)) return { applies: true, hits: [], checked: `the target lacks label ${key} matching the rule` };
        }
        if (params.asRoot && !execAsRoot(a)) return { applies: true, hits: [], checked: 'the command does not run as root' };
        if ((a.user !== undefined && users.has(a.user)) || a.groups.some((g) => groups.has(g))) {
          return { applies: true, hits: [], checked: `${a.user ?? 'anonymous'} may perform ${a.action}` };
        }
        const identity = a.user ?? 'an anonymous user';
        const allowed = who.length > 0 ? `only ${who.join(', ')} may` : 'nobody may';
        const target = a.image ? ` on ${a.image}` : '';
        return {
          applies: true,
          hits: [
            {
              message: `${identity} may not perform ${a.action}${target}${params.asRoot ? ' as root' : ''}: ${allowed}${params.message ? ` (${params.message})` : ''}`,
              evidence: { field: 'access.action', value: a.action },
              remediation: who.length > 0 ? `ask a member of ${who.join(' or ')}` : 'this action is not permitted on this host',
            },
          ],
          checked: `${a.action} by ${identity} checked`,
        };
      },
    };
  },
});
