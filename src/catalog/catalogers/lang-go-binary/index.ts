/** Go modules compiled into ELF executables, from the embedded build info. */
export { goBinaryCataloger } from './go-binary-cataloger.js';
