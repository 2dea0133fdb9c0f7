/** Packages installed with rpm (Red Hat, SUSE, Amazon, Mariner, … families). */
export { rpmCataloger } from './rpm-cataloger.js';
