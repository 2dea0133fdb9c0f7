/**
 * The union of the catalogers' `selects`, asked for every file of every layer
 * (100k+ paths in a large image). Catalogers that declare `selectsOnly` are
 * indexed by file name and extension, so a path is put only to the few whose
 * selects() can accept it; the rest are asked about every path.
 */
import type { Cataloger } from './cataloger.js';

type Predicate = (path: string) => boolean;

export function selectsAny(catalogers: readonly Cataloger[]): Predicate {
  const byName = new Map<string, Predicate[]>();
  const byExtension = new Map<string, Predicate[]>();
  const always: Predicate[] = [];
  const add = (index: Map<string, Predicate[]>, key: string, predicate: Predicate): void => {
    const list = index.get(key);
    if (!list) index.set(key, [predicate]);
    else if (!list.includes(predicate)) list.push(predicate);
  };
  for (const cataloger of catalogers) {
    const predicate: Predicate = (path) => cataloger.selects(path);
    const only = cataloger.selectsOnly;
    if (!only) {
      always.push(predicate);
      continue;
    }
    for (const name of only.names ?? []) add(byName, name, predicate);
    for (const extension of only.extensions ?? []) add(byExtension, extension.toLowerCase(), predicate);
  }
  const anyOf = (predicates: readonly Predicate[] | undefined, path: string): boolean => {
    if (predicates) for (const predicate of predicates) if (predicate(path)) return true;
    return false;
  };
  return (path) => {
    const slash = path.lastIndexOf('/');
    const dot = path.lastIndexOf('.');
    if (anyOf(byName.get(path.slice(slash + 1)), path)) return true;
    if (dot > slash && anyOf(byExtension.get(path.slice(dot).toLowerCase()), path)) return true;
    return anyOf(always, path);
  };
}
