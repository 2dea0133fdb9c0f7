/**
 * `cel:` rules — custom conditions in CEL over the typed input model
 * (cel/cel-input-model.ts), Kubernetes-style: the expression states what must
 * hold, so `false` is a violation. Type-checked and compiled at load time.
 */
import { z } from 'zod';
import type { CelProgram } from '../../cel/cel-runtime.js';
import { celActivationFor } from '../../cel/cel-activation.js';
import { defineRuleKind } from '../../rule-kind.js';

const schema = z.strictObject({
  expression: z.string().min(1).max(8192),
  message: z.string().min(1).optional(),
  remediation: z.string().min(1).optional(),
});

type Params = z.infer<typeof schema>;

export const celRule = defineRuleKind<Params>({
  name: 'cel',
  schema,
  compile(params, ctx) {
    const compiled = ctx.cel.compileSubjectPredicate(params.expression);
    let program: CelProgram | undefined;
    if (compiled.ok) program = compiled.program;
    else ctx.problems.push({ path: ['expression'], message: `CEL: ${compiled.message}` });
    return {
      check(input) {
        if (!program) return { applies: false, reason: 'expression did not compile' };
        let outcome: unknown;
        try {
          outcome = program(celActivationFor(input));
        } catch (error) {
          outcome = (error as Error).message.split('\n')[0];
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
