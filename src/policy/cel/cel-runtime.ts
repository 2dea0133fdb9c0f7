/**
 * CEL for policy rules, on @marcbachmann/cel-js: one environment per input
 * model, expressions parsed and type-checked once at load, evaluated against
 * an activation built once per subject.
 */
import { Environment } from '@marcbachmann/cel-js';
import { isEcosystem } from '../../domain/ecosystem.js';
import { schemeForEcosystem } from '../../version/index.js';
import { CEL_CLASSES, type CelTypeName } from './cel-classes.js';
import { CEL_FILE_VARIABLES, CEL_FUNCTIONS, CEL_SUBJECT_VARIABLES, CEL_TYPES } from './cel-input-model.js';

export type CelProgram = (activation: Record<string, unknown>) => unknown;

export type CelCompileResult =
  | {
      readonly ok: true;
      readonly program: CelProgram;
      /** The model's variables the expression reads (a safe over-approximation); undefined when unknown. */
      readonly variables: ReadonlySet<string> | undefined;
    }
  | { readonly ok: false; readonly message: string };

export interface CelRuntime {
  /** Parses and type-checks a boolean expression over the subject model. */
  compileSubjectPredicate(expression: string): CelCompileResult;
  /** The same over one file's parsed content. */
  compileFilePredicate(expression: string): CelCompileResult;
}

// Bounds hostile or runaway expressions at parse time.
const LIMITS = { maxAstNodes: 2000, maxDepth: 64, maxListElements: 256, maxMapEntries: 256, maxCallArguments: 8 };

function versionCompare(ecosystem: string, a: string, b: string): bigint {
  const eco = ecosystem.toLowerCase();
  if (!isEcosystem(eco)) throw new Error(`versionCompare: unknown ecosystem ${JSON.stringify(ecosystem)}`);
  return BigInt(schemeForEcosystem(eco).compareLoose(a, b));
}

function baseEnvironment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: false, limits: LIMITS });
  for (const [name, fields] of Object.entries(CEL_TYPES)) env.registerType(name, { ctor: CEL_CLASSES[name as CelTypeName], fields: { ...fields } });
  for (const signature of Object.keys(CEL_FUNCTIONS)) env.registerFunction(signature, versionCompare);
  return env;
}

function compileWith(env: Environment, variableNames: ReadonlySet<string>, expression: string): CelCompileResult {
  let result;
  try {
    result = env.check(expression);
  } catch (error) {
    return { ok: false, message: firstLine((error as Error).message) };
  }
  if (!result.valid) {
    const error = result.error as (Error & { summary?: string }) | undefined;
    return { ok: false, message: firstLine(error?.summary ?? error?.message ?? 'does not type-check') };
  }
  if (result.type !== 'bool') return { ok: false, message: `must return bool, returns ${result.type}` };
  const parsed = env.parse(expression);
  return { ok: true, program: (activation) => parsed(activation), variables: identifiersIn((parsed as { ast?: unknown }).ast, variableNames) };
}

/**
 * Every identifier in the parsed expression that names a model variable.
 * Macro-bound names that shadow a variable count too: over-approximating
 * only makes callers cache less. Undefined when the library exposes no AST.
 */
function identifiersIn(ast: unknown, names: ReadonlySet<string>): ReadonlySet<string> | undefined {
  if (ast === undefined || ast === null || typeof ast !== 'object') return undefined;
  const found = new Set<string>();
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...node);
    } else if (node !== null && typeof node === 'object') {
      const { op, args } = node as { op?: unknown; args?: unknown };
      if (op === 'id' && typeof args === 'string') {
        if (names.has(args)) found.add(args);
      } else {
        stack.push(args);
      }
    }
  }
  return found;
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? text;
}

export function createCelRuntime(): CelRuntime {
  const subjectEnv = baseEnvironment();
  for (const [name, type] of Object.entries(CEL_SUBJECT_VARIABLES)) subjectEnv.registerVariable(name, type);
  const fileEnv = baseEnvironment();
  for (const [name, type] of Object.entries(CEL_FILE_VARIABLES)) fileEnv.registerVariable(name, type);
  const subjectNames = new Set(Object.keys(CEL_SUBJECT_VARIABLES));
  const fileNames = new Set(Object.keys(CEL_FILE_VARIABLES));
  return {
    compileSubjectPredicate: (expression) => compileWith(subjectEnv, subjectNames, expression),
    compileFilePredicate: (expression) => compileWith(fileEnv, fileNames, expression),
  };
}
