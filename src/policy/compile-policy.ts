/**
 * Turns policy file texts into a PolicySet: YAML parsed keeping positions,
 * validated with the strict schemas, each rule's condition checked by its
 * kind and compiled (regexes, ranges, CEL) once. Every problem is collected
 * with its file and line; any problem fails the whole load, because a policy
 * that half-loaded would allow what it meant to block.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { yamlLineOf } from './yaml-line.js';
import type { z } from 'zod';
import { createCelRuntime, type CelRuntime } from './cel/cel-runtime.js';
import { compileException, type PolicyException } from './exceptions.js';
import { PolicyLoadError, type PolicyProblem } from './policy-load-error.js';
import { exceptionSchema, policyFileSchema, ruleSchema, type RuleSpec } from './policy-schema.js';
import type { CompiledRule, PolicySet } from './policy-set.js';
import type { CompileProblem } from './rule-kind.js';
import { RULE_KIND_NAMES, RULE_KINDS, type RuleKindName } from './rule-kinds.js';
import { compileScope } from './scope.js';

export interface PolicySource {
  /** Shown in errors and hashed by its base name. */
  readonly file: string;
  readonly text: string;
}

type Path = readonly (string | number)[];

let sharedCel: CelRuntime | undefined;

class FileContext {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly problems: PolicyProblem[],
  ) {}

  lineOf(path: Path, key?: string): number {
    return yamlLineOf(this.doc, this.lines, path, key);
  }

  add(path: Path, message: string, key?: string): void {
    this.problems.push({ file: this.file, line: this.lineOf(path, key), message });
  }

  addZod(base: Path, error: z.ZodError, describe?: (issue: z.core.$ZodIssue) => string | undefined): void {
    for (const issue of error.issues) {
      const path = [...base, ...(issue.path as (string | number)[])];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) this.add(path, describe?.(issue) ?? `unknown key ${JSON.stringify(key)}`, key);
        continue;
      }
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      this.add(path, describe?.(issue) ?? `${where}${issue.message}`);
    }
  }
}

function ruleKeyMessage(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  return `unknown key or rule kind ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (rule kinds: ${RULE_KIND_NAMES.join(', ')}; rule fields: id, description, effect, severity, scope)`;
}

function compileFile(source: PolicySource, cel: CelRuntime, problems: PolicyProblem[]) {
  const lines = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const ctx = new FileContext(source.file, doc, lines, problems);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push({ file: source.file, line: lines.linePos(e.pos[0]).line, message: `invalid YAML: ${e.message.split('\n')[0]}` });
    return undefined;
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    ctx.add([], `invalid YAML: ${(error as Error).message}`);
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.add([], 'a policy file is a mapping with version, name, rules and exceptions');
    return undefined;
  }
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) {
    ctx.addZod([], parsed.error);
    return undefined;
  }
  const file = parsed.data;
  if (file.rules.length === 0 && file.exceptions.length === 0) ctx.add([], 'the policy file has no rules and no exceptions');

  const rules: CompiledRule[] = [];
  file.rules.forEach((rawRule, i) => {
    const base = ['rules', i];
    const r = ruleSchema.safeParse(rawRule);
    if (!r.success) {
      ctx.addZod(base, r.error, ruleKeyMessage);
      return;
    }
    const spec = r.data as RuleSpec;
    const kinds = RULE_KIND_NAMES.filter((k) => spec[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.add(base, kinds.length === 0 ? `rule ${spec.id} has no condition: give exactly one of ${RULE_KIND_NAMES.join(', ')}` : `rule ${spec.id} has ${kinds.length} conditions (${kinds.join(', ')}): split it into one rule per kind`);
      return;
    }
    const kind = kinds[0] as RuleKindName;
    const ruleKind = RULE_KINDS[kind];
    const params = ruleKind.schema.safeParse(spec[kind]);
    if (!params.success) {
      ctx.addZod([...base, kind], params.error);
      return;
    }
    const compileProblems: CompileProblem[] = [];
    const condition = ruleKind.compile(params.data, { problems: compileProblems, cel });
    for (const p of compileProblems) ctx.add([...base, kind, ...p.path], p.path.length > 0 ? `${kind}.${p.path.join('.')}: ${p.message}` : p.message);
    const scopeProblems: CompileProblem[] = [];
    const scope = compileScope(spec.scope, scopeProblems);
    for (const p of scopeProblems) ctx.add([...base, 'scope', ...p.path], `scope.${p.path.join('.')}: ${p.message}`);
    rules.push({
      id: spec.id,
      description: spec.description,
      effect: spec.effect,
      ...(spec.severity ? { severity: spec.severity } : {}),
      kind,
      scope,
      condition,
      source: { file: source.file, line: ctx.lineOf(base) },
    });
  });

  const exceptions: PolicyException[] = [];
  file.exceptions.forEach((rawException, i) => {
    const base = ['exceptions', i];
    const e = exceptionSchema.safeParse(rawException);
    if (!e.success) {
      ctx.addZod(base, e.error);
      return;
    }
    const globProblems: CompileProblem[] = [];
    exceptions.push(compileException(e.data, { file: source.file, line: ctx.lineOf(base) }, globProblems));
    for (const p of globProblems) ctx.add([...base, ...p.path], p.message);
  });
  return { name: file.name, version: file.version, rules, exceptions, ctx, rawExceptions: file.exceptions };
}

/**
 * Compiles policy sources into one set. Rule and exception ids must be unique
 * across the set and exceptions must name rules that exist.
 * @throws PolicyLoadError listing every problem as file:line: message.
 */
export function compilePolicy(sources: readonly PolicySource[]): PolicySet {
  if (sources.length === 0) throw new PolicyLoadError([{ file: '(policy)', line: 0, message: 'no policy files given' }]);
  sharedCel ??= createCelRuntime();
  const problems: PolicyProblem[] = [];
  const ordered = [...sources].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const compiled = ordered.map((s) => compileFile(s, sharedCel as CelRuntime, problems));
  const rules = new Map<string, CompiledRule>();
  const exceptions = new Map<string, PolicyException>();
  for (const c of compiled) {
    if (!c) continue;
    for (const r of c.rules) {
      const prior = rules.get(r.id);
      if (prior) problems.push({ ...r.source, message: `duplicate rule id ${r.id} (also at ${prior.source.file}:${prior.source.line})` });
      else rules.set(r.id, r);
    }
    for (const e of c.exceptions) {
      const prior = exceptions.get(e.id);
      if (prior) problems.push({ ...e.source, message: `duplicate exception id ${e.id} (also at ${prior.source.file}:${prior.source.line})` });
      else exceptions.set(e.id, e);
    }
  }
  for (const c of compiled) {
    if (!c) continue;
    c.rawExceptions.forEach((raw, i) => {
      const names = (raw as { rules?: unknown }).rules;
      if (!Array.isArray(names)) return;
      names.forEach((name, j) => {
        if (typeof name === 'string' && !rules.has(name)) c.ctx.add(['exceptions', i, 'rules', j], `exception names unknown rule ${JSON.stringify(name)}`);
      });
    });
  }
  if (problems.length > 0) {
    problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    throw new PolicyLoadError(problems);
  }
  const hash = createHash('sha256');
  for (const s of ordered) hash.update(`${basename(s.file)}\0${s.text}\0`);
  const ok = compiled.filter((c): c is NonNullable<typeof c> => c !== undefined);
  const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    name: [...new Set(ok.map((c) => c.name))].join('+'),
    version: ok.map((c) => c.version).join('+'),
    hash: `sha256:${hash.digest('hex')}`,
    files: ordered.map((s) => s.file),
    rules: [...rules.values()].sort(byId),
    exceptions: [...exceptions.values()].sort(byId),
  };
}
