/** Crates compiled into Rust executables built with cargo-auditable. */
export { rustAuditableCataloger } from './rust-auditable-cataloger.js';
