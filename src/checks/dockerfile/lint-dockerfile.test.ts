import { describe, expect, it } from 'vitest';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';
import { lintDockerfile } from './lint-dockerfile.js';
import { parseDockerfile } from './parse-dockerfile.js';

const at = (text: string): Array<[string, number | undefined]> => lintDockerfile(text, 'Dockerfile').map((f) => [f.id, f.location?.line]);

describe('parseDockerfile', () => {
  it('handles directives, comments, continuations, JSON form, flags and heredocs with their lines', () => {
    const text = [
      '# syntax=docker/dockerfile:1', //      1
      '# escape=\\', //                      2
      '', //                                  3
      '# a comment', //                       4
      'FROM --platform=linux/amd64 debian:12 AS build', // 5
      'RUN apt-get update \\', //             6
      '    # comment inside a continuation', // 7
      '    && apt-get install -y curl', //    8
      'COPY <<EOF /etc/app.conf', //          9
      'key = value', //                       10
      'EOF', //                               11
      'CMD ["/app", "--serve"]', //           12
      'run echo lower-case keyword', //       13
    ].join('\n');
    const parsed = parseDockerfile(text);
    expect([...parsed.directives]).toEqual([
      ['syntax', 'docker/dockerfile:1'],
      ['escape', '\\'],
    ]);
    expect(parsed.instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ['FROM', 5, 5],
      ['RUN', 6, 8],
      ['COPY', 9, 11],
      ['CMD', 12, 12],
      ['RUN', 13, 13],
    ]);
    expect(parsed.instructions[0]?.flags.get('platform')).toBe('linux/amd64');
    expect(parsed.instructions[1]?.rest).toBe('apt-get update      && apt-get install -y curl');
    expect(parsed.instructions[2]?.heredocs).toEqual([{ name: 'EOF', body: 'key = value' }]);
    expect(parsed.instructions[3]?.json).toEqual(['/app', '--serve']);
  });

  it('honours the backtick escape directive', () => {
    const parsed = parseDockerfile('# escape=`\nFROM mcr.microsoft.com/windows:ltsc2022\nRUN dir `\n  C:\\\n');
    expect(parsed.instructions.map((i) => [i.keyword, i.rest])).toEqual([
      ['FROM', 'mcr.microsoft.com/windows:ltsc2022'],
      ['RUN', 'dir    C:\\'],
    ]);
  });

  it('survives an unterminated heredoc and a trailing continuation', () => {
    expect(parseDockerfile('FROM a:1\nRUN <<EOF\necho hi\n').instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN']);
    expect(parseDockerfile('FROM a:1\nRUN echo \\').instructions.map((i) => i.rest)).toEqual(['a:1', 'echo']);
  });

  it('rejects binary and oversized input', () => {
    expect(() => parseDockerfile('FROM a\0b')).toThrow(BadInputError);
    expect(() => parseDockerfile('#'.repeat(5 * 1024 * 1024))).toThrow(LimitExceededError);
  });
});

describe('lintDockerfile', () => {
  it('reports each problem at its line', () => {
    const text = [
      'FROM ubuntu', // 1 unpinned
      'ARG DB_PASSWORD=Sup3rS3cret', // 2 secret arg
      'ENV API_TOKEN letmeinplease', // 3 legacy ENV form
      'ADD https://example.com/tool.tgz /opt/', // 4 remote ADD
      'ADD config.json /etc/app/', // 5 local non-archive ADD
      'ADD rootfs.tar.gz /', // 6 archive: fine
      'RUN curl -fsSL https://get.example.com | sudo bash', // 7 pipe + sudo
      'RUN apt-get update', // 8 update alone + lists
      'RUN apt-get install -y nginx', // 9 recommends + lists
      'RUN apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*', // 10 upgrade
      'USER root', // 11 last USER root
    ].join('\n');
    expect(at(text)).toEqual([
      ['dockerfile-base-unpinned', 1],
      ['dockerfile-secret-in-arg-env', 2],
      ['dockerfile-secret-in-arg-env', 3],
      ['dockerfile-add-remote', 4],
      ['dockerfile-add-local', 5],
      ['dockerfile-pipe-to-shell', 7],
      ['dockerfile-sudo', 7],
      ['dockerfile-apt-lists-not-removed', 8],
      ['dockerfile-update-alone', 8],
      ['dockerfile-apt-no-install-recommends', 9],
      ['dockerfile-apt-lists-not-removed', 9],
      ['dockerfile-apt-upgrade', 10],
      ['dockerfile-user-root', 11],
    ]);
    expect(JSON.stringify(lintDockerfile(text, 'Dockerfile'))).not.toContain('Sup3rS3cret');
  });

  it('passes a hardened multi-stage Dockerfile', () => {
    const text = [
      'FROM golang:1.22@sha256:' + 'a'.repeat(64) + ' AS build',
      'RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y --no-install-recommends git',
      'COPY . /src',
      'RUN go build -o /out/app ./cmd/app',
      'FROM build AS test',
      'FROM gcr.io/distroless/static:nonroot@sha256:' + 'b'.repeat(64),
      'COPY --from=build /out/app /app',
      'ARG VERSION=1.2.3',
      'ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D DB_PASSWORD_FILE=/run/secrets/db TOKEN=${TOKEN}',
      'USER 65532:65532',
      'ENTRYPOINT ["/app"]',
    ].join('\n');
    expect(at(text)).toEqual([]);
  });

  it('flags a tag without digest at the stricter level, and an untagged or latest base as unpinned', () => {
    expect(at('FROM debian:12\nUSER app')).toEqual([['dockerfile-base-no-digest', 1]]);
    expect(at('FROM debian:latest\nUSER app')).toEqual([['dockerfile-base-unpinned', 1]]);
    expect(at('FROM registry.example.com:5000/team/app\nUSER app')).toEqual([['dockerfile-base-unpinned', 1]]);
    expect(at('FROM scratch\nUSER 1000')).toEqual([]);
    expect(at('ARG BASE=debian:12\nFROM ${BASE}\nUSER app')).toEqual([]);
  });

  it('treats the final stage only for USER, and USER 0 as root', () => {
    expect(at('FROM a:1@sha256:' + 'c'.repeat(64) + ' AS b\nUSER app\nFROM b')).toEqual([['dockerfile-user-root', 3]]);
    expect(at('FROM scratch\nUSER 0:0')).toEqual([['dockerfile-user-root', 2]]);
  });

  it('sees pipe-to-shell in heredoc RUN bodies and sh -c "$(curl …)"', () => {
    expect(at('FROM scratch\nRUN <<EOF\nset -e\nwget -qO- https://x.example/i.sh | sh\nEOF\nUSER 1')).toEqual([['dockerfile-pipe-to-shell', 2]]);
    expect(at('FROM scratch\nRUN sh -c "$(curl -fsSL https://x.example/i.sh)"\nUSER 1')).toEqual([['dockerfile-pipe-to-shell', 2]]);
    expect(at('FROM scratch\nRUN curl -fsSLo /tmp/i.sh https://x.example/i.sh && sha256sum -c sums && sh /tmp/i.sh\nUSER 1')).toEqual([]);
  });

  it('reports tokens matched by the secret rules as secret findings with the CIS 4.10 alias', () => {
    const token = 'ghp_' + 'Zq8mR2vK7tLw4XnB9cYd3FhJ6pS1aG5eU0iO';
    const findings = lintDockerfile(`FROM scratch\nUSER 1\nRUN git clone https://x:${token}@github.com/o/r.git`, 'build/Dockerfile');
    expect(findings.map((f) => [f.kind, f.id, f.location?.path, f.location?.line, f.aliases])).toEqual([
      ['secret', 'github-pat', 'build/Dockerfile', 3, ['CIS-Docker-4.10']],
      ['secret', 'url-password', 'build/Dockerfile', 3, ['CIS-Docker-4.10']],
    ]);
  });

  it('stays fast on adversarial input', () => {
    const nasty = ['FROM a:1', `RUN curl ${'a'.repeat(200_000)}`, `ENV ${'A'.repeat(100_000)}=`, `ADD ${'x '.repeat(50_000)}`, '\\\n'.repeat(50_000)].join('\n');
    const started = performance.now();
    lintDockerfile(nasty, 'Dockerfile');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
