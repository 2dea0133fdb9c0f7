/** Runtimes and libraries (node, python, openssl, openjdk, busybox) identified by their version strings. */
export { binaryRuntimesCataloger } from './binary-runtimes-cataloger.js';
