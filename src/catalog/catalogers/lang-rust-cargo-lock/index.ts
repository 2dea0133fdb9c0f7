/** Cargo.lock of Rust projects in the image. */
export { cargoLockCataloger } from './cataloger.js';
export { parseCargoLock } from './parse-cargo-lock.js';
