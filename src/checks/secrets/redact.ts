/** What a finding may show of a secret: at most its first 4 characters (fewer for short ones). */
export function redact(secret: string): string {
  const keep = secret.length >= 16 ? 4 : secret.length >= 8 ? 2 : 0;
  return `${secret.slice(0, keep)}****`;
}
