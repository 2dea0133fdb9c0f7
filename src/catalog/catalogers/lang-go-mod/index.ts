/** Go module requirements from go.mod (with go.sum hashes) in source trees. */
export { goModCataloger } from './go-mod-cataloger.js';
