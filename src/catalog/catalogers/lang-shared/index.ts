/**
 * Building blocks shared by the text-format language catalogers: bounded
 * reads of selected files, size- and depth-limited JSON/YAML/TOML parsing,
 * and the per-file loop that turns one bad file into a warning.
 */
export { catalogEachFile, type FileParser } from './catalog-each-file.js';
export { readSelectedText } from './read-selected-text.js';
export { mergeDuplicates } from './merge-duplicates.js';
export { parseJsonText } from './parse-json-text.js';
export { parseYamlText } from './parse-yaml-text.js';
export { parseTomlText } from './parse-toml-text.js';
export { validate } from './validate.js';
export { locationOf } from './location-of.js';
export { pathSegments } from './path-segments.js';
export { baseName } from './base-name.js';
