/**
 * WWW-Authenticate parsing (RFC 7235): a registry answers 401 with one or
 * more challenges such as `Bearer realm="https://auth.example/token",
 * service="registry.example",scope="repository:app:pull"`. Parameter names
 * are case-insensitive; values may be tokens or quoted strings with escapes.
 */
export interface AuthChallenge {
  /** Lower-cased scheme: 'bearer', 'basic', … */
  readonly scheme: string;
  /** Lower-cased parameter names → values. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
/** A header longer than this is not a challenge a registry would send. */
const MAX_HEADER_LENGTH = 16 * 1024;

export function parseAuthChallenges(header: string): AuthChallenge[] {
  const text = header.slice(0, MAX_HEADER_LENGTH);
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipSeparators = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
  };
  const token = (): string | undefined => {
    const m = TOKEN.exec(text.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const quoted = (): string => {
    // Caller has checked text[i] === '"'.
    i++;
    let out = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      out += text[i];
      i++;
    }
    i++;
    return out;
  };

  while (i < text.length) {
    skipSeparators();
    const start = i;
    const word = token();
    if (word === undefined) {
      i = start + 1;
      continue;
    }
    skipSpace();
    if (text[i] === '=' && challenges.length > 0) {
      // key=value belonging to the current challenge.
      i++;
      skipSpace();
      const value = text[i] === '"' ? quoted() : (token() ?? '');
      const current = challenges[challenges.length - 1];
      if (current) current.params[word.toLowerCase()] = value;
      continue;
    }
    if (text[i] === '=') {
      // A parameter with no scheme before it: malformed, step over it.
      i++;
      skipSpace();
      if (text[i] === '"') quoted();
      else token();
      continue;
    }
    const challenge = { scheme: word.toLowerCase(), params: {} as Record<string, string> };
    challenges.push(challenge);
    // token68 form (`Negotiate abc==`): not used by registries; consume it so it is not read as a scheme.
    const afterScheme = i;
    const t68 = /^[A-Za-z0-9\-._~+/]+=*/.exec(text.slice(i));
    if (t68 && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=[^=]/.test(text.slice(i))) {
      i += t68[0].length;
      skipSpace();
      if (i < text.length && text[i] !== ',') i = afterScheme;
    }
  }
  return challenges;
}
