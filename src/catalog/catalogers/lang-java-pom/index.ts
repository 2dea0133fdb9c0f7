/** Maven dependencies declared in pom.xml files. */
export { pomCataloger } from './pom-cataloger.js';
