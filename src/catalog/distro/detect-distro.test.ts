import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryFileTree } from '../catalogers/testing/memory-file-tree.js';
import { detectDistro, distroSelects } from './detect-distro.js';
import { distroQualifier } from './distro-qualifier.js';
import { parseOsRelease } from './parse-os-release.js';

const fixture = (name: string): string => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

describe('parseOsRelease', () => {
  it('handles quoting, escapes, comments and blank lines as os-release(5) describes', () => {
    const fields = parseOsRelease(
      [
        '# a comment',
        '',
        'NAME="Fedora Linux"',
        "VARIANT='Container Image'",
        'ID=fedora',
        'PRETTY_NAME="Say \\"hi\\" \\\\ \\$HOME"',
        'HOME_URL=https://fedoraproject.org/   ',
        'BROKEN="unterminated',
        'not an assignment',
      ].join('\n'),
    );
    expect(fields.get('NAME')).toBe('Fedora Linux');
    expect(fields.get('VARIANT')).toBe('Container Image');
    expect(fields.get('ID')).toBe('fedora');
    expect(fields.get('PRETTY_NAME')).toBe('Say "hi" \\ $HOME');
    expect(fields.get('HOME_URL')).toBe('https://fedoraproject.org/');
    expect(fields.has('BROKEN')).toBe(false);
  });
});

describe('detectDistro', () => {
  it('reads Debian 12 from /etc/os-release (a copy of this machine’s file)', async () => {
    const tree = memoryFileTree({ '/etc/os-release': fixture('debian-12/os-release') });
    const distro = await detectDistro(tree);
    expect(distro).toMatchObject({ id: 'debian', versionId: '12', versionCodename: 'bookworm', source: '/etc/os-release' });
    expect(distroQualifier(distro)).toBe('debian-12');
  });

  it('follows the /etc/os-release symlink into /usr/lib', async () => {
    const tree = memoryFileTree({
      '/etc/os-release': { type: 'symlink', linkTarget: '../usr/lib/os-release' },
      '/usr/lib/os-release': fixture('rhel-9.3/os-release'),
    });
    const distro = await detectDistro(tree);
    expect(distro).toMatchObject({ id: 'rhel', versionId: '9.3', idLike: ['fedora'] });
    expect(distroQualifier(distro)).toBe('rhel-9.3');
  });

  it('uses /usr/lib/os-release when /etc has none', async () => {
    const tree = memoryFileTree({ '/usr/lib/os-release': fixture('alpine-3.19/os-release') });
    const distro = await detectDistro(tree);
    expect(distro).toMatchObject({ id: 'alpine', versionId: '3.19.1', source: '/usr/lib/os-release' });
    expect(distroQualifier(distro)).toBe('alpine-3.19');
  });

  it('falls back to /etc/alpine-release', async () => {
    const distro = await detectDistro(memoryFileTree({ '/etc/alpine-release': '3.18.4\n' }));
    expect(distro).toMatchObject({ id: 'alpine', versionId: '3.18.4', source: '/etc/alpine-release' });
    expect(distroQualifier(distro)).toBe('alpine-3.18');
  });

  it.each([
    ['/etc/redhat-release', 'Red Hat Enterprise Linux release 8.9 (Ootpa)\n', 'rhel', '8.9'],
    ['/etc/centos-release', 'CentOS Linux release 7.9.2009 (Core)\n', 'centos', '7'],
    ['/etc/rocky-release', 'Rocky Linux release 9.3 (Blue Onyx)\n', 'rocky', '9.3'],
    ['/etc/almalinux-release', 'AlmaLinux release 9.3 (Shamrock Pendulum)\n', 'almalinux', '9.3'],
    ['/etc/fedora-release', 'Fedora release 39 (Thirty Nine)\n', 'fedora', '39'],
  ])('falls back to %s', async (path, text, id, versionId) => {
    const distro = await detectDistro(memoryFileTree({ [path]: text }));
    expect(distro).toMatchObject({ id, versionId, source: path });
  });

  it('prefers the specific Red Hat family file over redhat-release', async () => {
    const tree = memoryFileTree({
      '/etc/redhat-release': 'Rocky Linux release 9.3 (Blue Onyx)\n',
      '/etc/rocky-release': 'Rocky Linux release 9.3 (Blue Onyx)\n',
    });
    expect(await detectDistro(tree)).toMatchObject({ id: 'rocky', source: '/etc/rocky-release' });
  });

  it('prefers lsb-release over debian_version (Ubuntu ships both)', async () => {
    const tree = memoryFileTree({
      '/etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.3 LTS"\n',
      '/etc/debian_version': 'bookworm/sid\n',
    });
    const distro = await detectDistro(tree);
    expect(distro).toMatchObject({ id: 'ubuntu', versionId: '22.04', versionCodename: 'jammy' });
    expect(distroQualifier(distro)).toBe('ubuntu-22.04');
  });

  it('reads the major release from /etc/debian_version', async () => {
    const distro = await detectDistro(memoryFileTree({ '/etc/debian_version': fixture('debian-12/debian_version') }));
    expect(distro).toMatchObject({ id: 'debian', versionId: '12' });
  });

  it('skips an os-release without ID and an unreadable one', async () => {
    const tree = memoryFileTree({
      '/etc/os-release': 'NAME=nothing\n',
      '/usr/lib/os-release': 'x'.repeat(100 * 1024),
      '/etc/debian_version': '11.8\n',
    });
    expect(await detectDistro(tree)).toMatchObject({ id: 'debian', versionId: '11', source: '/etc/debian_version' });
  });

  it('returns undefined for a tree without release files', async () => {
    expect(await detectDistro(memoryFileTree({ '/bin/sh': 'x' }))).toBeUndefined();
  });

  it('selects exactly the release files', () => {
    expect(distroSelects('/etc/os-release')).toBe(true);
    expect(distroSelects('/usr/lib/os-release')).toBe(true);
    expect(distroSelects('/etc/redhat-release')).toBe(true);
    expect(distroSelects('/etc/os-release.bak')).toBe(false);
    expect(distroSelects('/home/etc/os-release')).toBe(false);
  });
});

describe('distroQualifier', () => {
  it('is the bare id for a rolling release without VERSION_ID', () => {
    expect(distroQualifier({ id: 'arch', idLike: [], source: '/etc/os-release' })).toBe('arch');
    expect(distroQualifier(undefined)).toBeUndefined();
  });
  it('keeps the full VERSION_ID outside Alpine', () => {
    expect(distroQualifier({ id: 'wolfi', versionId: '20230201', idLike: [], source: '/etc/os-release' })).toBe('wolfi-20230201');
  });
});
