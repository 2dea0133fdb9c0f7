/**
 * `cel:` rules — custom conditions in CEL over the typed input model
 * (cel/cel-input-model.ts), Kubernetes-style: the expression states what must
 * hold, so `false` is a violation. Type-checked and compiled at load time.
 */
import { z } from 'zod';
import type { CelProgram } from '../../cel/cel-runtime.js';
import { celActivationFor } from '../../cel/cel-activation.js';
import type { EvaluationInput } from '../../evaluation-input.js';
import { defineRuleKind } from '../../rule-kind.js';

const schema = z.strictObject({
  expression: z.string().min(1).max(8192),
  message: z.string().min(1).optional(),
  remediation: z.string().min(1).optional(),
});

type Params = z.infer<typeof schema>;

/**
 * For an expression that reads one list only (packages, vulnerabilities or
 * findings), the object its value depends on: the outcome is remembered per
 * list, since an image's lists are evaluated again under every run request,
 * environment and namespace an enforcement point sees. Undefined: not cacheable.
 */
type MemoKey = (input: EvaluationInput) => object;

function memoKeyFor(variables: ReadonlySet<string> | undefined): MemoKey | undefined {
  if (variables === undefined || variables.size !== 1) return undefined;
  if (variables.has('packages')) return (input) => input.subject.packages;
  // The facts array is replaced whenever a fix-age day count changes.
  if (variables.has('vulnerabilities')) return (input) => input.vulnerabilityFacts;
  if (variables.has('findings')) return (input) => input.subject.findings;
  return undefined;
}

export const celRule = defineRuleKind<Params>({
  name: 'cel',
  schema,
  compile(params, ctx) {
    const compiled = ctx.cel.compileSubjectPredicate(params.expression);
    let program: CelProgram | undefined;
    let memoKey: MemoKey | undefined;
    if (compiled.ok) {
      program = compiled.program;
      memoKey = memoKeyFor(compiled.variables);
    } else {
      ctx.problems.push({ path: ['expression'], message: `CEL: ${compiled.message}` });
    }
    const memo = new WeakMap<object, unknown>();
    const run = (compiledProgram: CelProgram, input: EvaluationInput): unknown => {
      try {
        return compiledProgram(celActivationFor(input));
      } catch (error) {
        return (error as Error).message.split('\n')[0];
      }
    };
    return {
      check(input) {
        if (!program) return { applies: false, reason: 'expression did not compile' };
        let outcome: unknown;
        if (memoKey) {
          const key = memoKey(input);
          outcome = memo.get(key);
          if (outcome === undefined) {
            outcome = run(program, input);
            memo.set(key, outcome);
          }
        } else {
          outcome = run(program, input);
        }
        if (outcome === true) return { applies: true, hits: [], checked: `${params.expression} holds` };
        const why = outcome === false ? 'is false' : `could not be evaluated (${String(outcome)})`;
        return {
          applies: true,
          checked: `${params.expression} ${why}`,
          hits: [
            {
              message: params.message ?? `${params.expression} ${why}`,
              evidence: { field: 'cel', value: params.expression },
              ...(params.remediation ? { remediation: params.remediation } : {}),
            },
          ],
        };
      },
    };
  },
});
