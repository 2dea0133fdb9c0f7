/**
 * PEP 503 normalized project name: lower case, every run of '-', '_' and '.'
 * collapsed to one '-'. 'Foo.Bar_baz' and 'foo-bar-baz' are the same project.
 */
export function normalizePypiName(name: string): string {
  return name.trim().toLowerCase().replace(/[-_.]+/g, '-');
}
