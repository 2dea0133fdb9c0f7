/**
 * `files:` rules — application configuration inside the image: for every file
 * whose path matches the glob, required patterns must occur, forbidden ones
 * must not, and a CEL condition over the parsed content must hold
 * (`content["PermitRootLogin"] == "no"`). The caller supplies the files in
 * Subject.files (see requiredFilePatterns); patterns are JavaScript regexes
 * in multiline mode.
 */
import { z } from 'zod';
import { compileGlob } from '../../glob.js';
import type { CelProgram } from '../../cel/cel-runtime.js';
import { defineRuleKind, type RuleHit } from '../../rule-kind.js';
import { parseConfigFile } from './parse-config-file.js';

const schema = z.strictObject({
  path: z.string().min(1),
  format: z.enum(['text', 'keyvalue', 'ini', 'json', 'yaml']).default('text'),
  require: z.array(z.string().min(1)).min(1).optional(),
  forbid: z.array(z.string().min(1)).min(1).optional(),
  cel: z.string().min(1).optional(),
  ignoreCase: z.boolean().default(false),
  /** When no file matches: 'ignore' (default: the rule does not apply) or 'violate'. */
  missing: z.enum(['ignore', 'violate']).default('ignore'),
  message: z.string().optional(),
});

type Params = z.infer<typeof schema>;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export const filesRule = defineRuleKind<Params>({
  name: 'files',
  schema,
  compile(params, ctx) {
    let pathRe: RegExp | undefined;
    try {
      pathRe = compileGlob(params.path);
    } catch (error) {
      ctx.problems.push({ path: ['path'], message: (error as Error).message });
    }
    const flags = params.ignoreCase ? 'mi' : 'm';
    const regexes = (key: 'require' | 'forbid'): { source: string; re: RegExp }[] =>
      (params[key] ?? []).flatMap((source, i) => {
        try {
          return [{ source, re: new RegExp(source, flags) }];
        } catch (error) {
          ctx.problems.push({ path: [key, i], message: `invalid regular expression: ${(error as Error).message}` });
          return [];
        }
      });
    const required = regexes('require');
    const forbidden = regexes('forbid');
    let program: CelProgram | undefined;
    if (params.cel !== undefined) {
      const compiled = ctx.cel.compileFilePredicate(params.cel);
      if (compiled.ok) program = compiled.program;
      else ctx.problems.push({ path: ['cel'], message: `CEL: ${compiled.message}` });
    }
    if (!params.require && !params.forbid && params.cel === undefined) {
      ctx.problems.push({ path: [], message: 'a files rule needs require, forbid or cel' });
    }
    const note = params.message ? ` — ${params.message}` : '';
    return {
      filePatterns: [params.path],
      check(input) {
        const files = input.subject.files ?? {};
        const paths = Object.keys(files)
          .filter((p) => pathRe?.test(p))
          .sort();
        if (paths.length === 0) {
          if (params.missing === 'violate') {
            return { applies: true, checked: 'no file matched', hits: [{ message: `no file matches ${params.path}${note}`, evidence: { file: params.path } }] };
          }
          return { applies: false, reason: `no file in the subject matches ${params.path}` };
        }
        const hits: RuleHit[] = [];
        for (const path of paths) {
          const file = files[path];
          if (!file) continue;
          const where = { file: path, ...(file.layer ? { layer: file.layer } : {}) };
          for (const { source, re } of required) {
            if (!re.test(file.content)) hits.push({ message: `${path} lacks the required pattern /${source}/${note}`, evidence: where, remediation: `make ${path} match /${source}/` });
          }
          for (const { source, re } of forbidden) {
            const m = re.exec(file.content);
            if (m) {
              hits.push({
                message: `${path} contains the forbidden pattern /${source}/: ${JSON.stringify(m[0].trim().slice(0, 120))}${note}`,
                evidence: { ...where, line: lineAt(file.content, m.index) },
                remediation: `remove or change that line of ${path}`,
              });
            }
          }
          if (program) {
            let outcome: unknown;
            try {
              const content = parseConfigFile(file.content, params.format);
              outcome = program({ path, layer: file.layer ?? '', content });
            } catch (error) {
              outcome = error instanceof Error ? error.message.split('\n')[0] : 'error';
            }
            if (outcome !== true) {
              const why = outcome === false ? 'is false' : `could not be evaluated (${String(outcome)})`;
              hits.push({ message: `${path}: condition ${params.cel} ${why}${note}`, evidence: where, remediation: `change ${path} so that ${params.cel} holds` });
            }
          }
        }
        return { applies: true, hits, checked: `${paths.length} file(s) matching ${params.path} checked` };
      },
    };
  },
});
