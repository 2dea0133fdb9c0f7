/**
 * Reads the dependencies a pom.xml declares on its own: `<dependencies>` of
 * the project, versions filled from its `<dependencyManagement>`, `${…}`
 * placeholders resolved from its `<properties>` and project coordinates.
 * Parents, BOM imports and profiles are not followed: a dependency whose
 * version cannot be settled from this file alone is left out, as is a
 * version range, which names no single version.
 */
import { BadInputError } from '../../../domain/errors.js';
import { child, childrenNamed, parseXml } from './parse-xml.js';


export interface PomDependency {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
  readonly scope?: string;
  readonly optional: boolean;
  readonly type?: string;
  readonly classifier?: string;
  readonly line: number;
}

export interface ParsedPom {
  readonly dependencies: readonly PomDependency[];
  /** Dependencies left out, with the reason, for a warning. */
  readonly skipped: readonly string[];
}

const MAX_INTERPOLATION_DEPTH = 10;

export function parsePom(text: string): ParsedPom {
  const project = parseXml(text);
  if (project.name !== 'project') throw new BadInputError(`not a POM: root element is <${project.name}>`);
  const props = new Map<string, string>();
  for (const p of child(project, 'properties')?.children ?? []) props.set(p.name, p.text);
  const parent = child(project, 'parent');
  const coordinate = (name: string) => child(project, name)?.text || child(parent, name)?.text;
  for (const name of ['groupId', 'artifactId', 'version']) {
    const v = coordinate(name);
    if (v) {
      props.set(`project.${name}`, v);
      props.set(`pom.${name}`, v);
      if (name !== 'artifactId') props.set(name, props.get(name) ?? v);
    }
    const pv = child(parent, name)?.text;
    if (pv) props.set(`project.parent.${name}`, pv);
  }
  const resolve = (value: string | undefined): string | undefined => interpolate(value, props);

  const managed = new Map<string, string>();
  for (const d of childrenNamed(child(child(project, 'dependencyManagement'), 'dependencies'), 'dependency')) {
    const g = resolve(child(d, 'groupId')?.text);
    const a = resolve(child(d, 'artifactId')?.text);
    const v = resolve(child(d, 'version')?.text);
    if (g && a && v) managed.set(`${g}:${a}`, v);
  }

  const dependencies: PomDependency[] = [];
  const skipped: string[] = [];
  for (const d of childrenNamed(child(project, 'dependencies'), 'dependency')) {
    const groupId = resolve(child(d, 'groupId')?.text);
    const artifactId = resolve(child(d, 'artifactId')?.text);
    if (!groupId || !artifactId) {
      skipped.push(`dependency on line ${d.line} has an unresolved groupId or artifactId`);
      continue;
    }
    const declared = child(d, 'version')?.text;
    const version = declared ? resolve(declared) : managed.get(`${groupId}:${artifactId}`);
    if (!version) {
      skipped.push(`${groupId}:${artifactId} has no version this pom.xml settles`);
      continue;
    }
    if (/^[[(]/.test(version)) {
      skipped.push(`${groupId}:${artifactId} has a version range ${version}`);
      continue;
    }
    dependencies.push({
      groupId,
      artifactId,
      version,
      scope: resolve(child(d, 'scope')?.text),
      optional: resolve(child(d, 'optional')?.text) === 'true',
      type: resolve(child(d, 'type')?.text),
      classifier: resolve(child(d, 'classifier')?.text),
      line: d.line,
    });
  }
  return { dependencies, skipped };
}

/** Replaces ${name} from `props`; undefined when any placeholder stays unresolved. */
function interpolate(value: string | undefined, props: Map<string, string>): string | undefined {
  if (value === undefined) return undefined;
  let out = value.trim();
  for (let depth = 0; out.includes('${'); depth++) {
    if (depth >= MAX_INTERPOLATION_DEPTH) return undefined;
    let missing = false;
    out = out.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
      const v = props.get(name);
      if (v === undefined) missing = true;
      return v ?? '';
    });
    if (missing) return undefined;
  }
  return out || undefined;
}

