/** Maven artifacts in Java archives (jar, war, ear, …) and the archives nested in them. */
export { javaArchiveCataloger } from './java-archive-cataloger.js';
