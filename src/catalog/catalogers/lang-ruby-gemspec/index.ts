/** Installed Ruby gems, read from the gemspecs RubyGems writes under specifications/. */
export { gemspecCataloger, isInstalledGemspec } from './cataloger.js';
export { parseGemspec, type GemspecFacts } from './parse-gemspec.js';
export { tokenizeRuby, type RubyToken } from './tokenize-ruby.js';
