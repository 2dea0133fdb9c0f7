import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  parseSyslogMessage,
  startTcpSyslogReceiver,
  startUdpSyslogReceiver,
  type SyslogReceiver,
} from '../../../test/support/syslog-receiver.js';
import { createSyslogSender, type SyslogSender } from './syslog-sender.js';

const receivers: SyslogReceiver[] = [];
const senders: SyslogSender[] = [];
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function udp() {
  const r = await startUdpSyslogReceiver();
  receivers.push(r);
  return r;
}
async function tcp() {
  const r = await startTcpSyslogReceiver();
  receivers.push(r);
  return r;
}
function sender(...args: Parameters<typeof createSyslogSender>) {
  const s = createSyslogSender(...args);
  senders.push(s);
  return s;
}

function logger(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => execFile('logger', args, (e, _o, stderr) => (e ? reject(new Error(stderr || e.message)) : resolve())));
}

describe('the test receivers parse what a real syslog sender (util-linux logger) sends', () => {
  // The same escaped value both ways: logger takes SD values already escaped.
  const loggerArgs = (port: number, transport: string[]) => [
    '--rfc5424', ...transport, '-n', '127.0.0.1', '-P', String(port), '-p', 'local3.warning', '-t', 'myapp', '--msgid', 'ID47',
    '--sd-id', 'ex@32473', '--sd-param', 'k="a\\"b\\\\c\\]d é"', '--sd-param', 'n="2"', 'héllo world',
  ];
  const expected = {
    pri: 156, facility: 19, severity: 4, version: 1, appName: 'myapp', msgId: 'ID47',
    structuredData: expect.arrayContaining([{ id: 'ex@32473', params: [['k', 'a"b\\c]d é'], ['n', '2']] }]),
    message: 'héllo world', bom: false,
  };

  it('over UDP', async () => {
    const r = await udp();
    await logger(loggerArgs(r.port, ['-d']));
    const [m] = await r.waitFor(1);
    expect(r.errors).toEqual([]);
    expect(m).toMatchObject(expected);
    expect(m?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d$/);
  });

  it('over TCP with octet counting', async () => {
    const r = await tcp();
    await logger(loggerArgs(r.port, ['-T', '--octet-count']));
    await logger(loggerArgs(r.port, ['-T', '--octet-count']));
    expect(await r.waitFor(2)).toEqual([expect.objectContaining(expected), expect.objectContaining(expected)]);
    expect(r.errors).toEqual([]);
  });

  it('and reject what RFC 5424 does not allow', () => {
    const bad = [
      '<192>1 - - - - - -', // PRIVAL above 191
      '<13>0 - - - - - -', // VERSION 0
      '<13>1 2026-13-01T00:00:00Z - - - - -', // month 13
      '<13>1 - - - - - [id k="v]"]', // unescaped ]
      '<13>1 - - - - - [a=b k="v"]', // '=' in SD-ID
      '<13>1 - - - - -  x', // two spaces: empty field
    ];
    for (const text of bad) expect(() => parseSyslogMessage(Buffer.from(text)), text).toThrow(/not RFC 5424/);
    expect(parseSyslogMessage(Buffer.from('<0>1 - - - - - -'))).toMatchObject({ pri: 0, hostname: null, structuredData: [] });
  });
});

describe('createSyslogSender', () => {
  const at = new Date('2026-12-05T01:02:03.456Z');

  it('sends RFC 5424 datagrams over UDP: PRI from facility and severity, escaped structured data, a BOM before UTF-8 MSG', async () => {
    const r = await udp();
    const s = sender({ host: '127.0.0.1', port: r.port, protocol: 'udp', appName: 'bulkhead', hostname: 'console-1' });
    await s.send({
      severity: 'crit', facility: 'local4', msgId: 'verdict', timestamp: at,
      structuredData: { 'alert@32473': { image: 'reg/app:1"]\\x', count: 3 }, 'origin': { software: 'bulkhead' } },
      message: 'image blocked — CVE-2024-0001 ✓',
    });
    await s.send({ severity: 'info', timestamp: at });
    const [first, second] = await r.waitFor(2);
    expect(r.errors).toEqual([]);
    expect(first).toEqual({
      pri: 20 * 8 + 2, facility: 20, severity: 2, version: 1, timestamp: '2026-12-05T01:02:03.456Z', hostname: 'console-1', appName: 'bulkhead',
      procId: String(process.pid), msgId: 'verdict',
      structuredData: [{ id: 'alert@32473', params: [['image', 'reg/app:1"]\\x'], ['count', '3']] }, { id: 'origin', params: [['software', 'bulkhead']] }],
      message: 'image blocked — CVE-2024-0001 ✓', bom: true, bytes: expect.any(Number),
    });
    // Default facility: log audit (13).
    expect(second).toMatchObject({ pri: 13 * 8 + 6, msgId: null, structuredData: [], bom: false });
    expect(second?.message).toBeUndefined();
  });

  it('keeps header fields printable ASCII within their lengths', async () => {
    const r = await udp();
    const s = sender({ host: '127.0.0.1', port: r.port, protocol: 'udp', appName: `bulk head ${'x'.repeat(60)}`, hostname: 'hôte' });
    await s.send({ severity: 'notice', msgId: 'a b', timestamp: at });
    const [m] = await r.waitFor(1);
    expect(r.errors).toEqual([]);
    expect(m).toMatchObject({ hostname: 'h_te', appName: `bulk_head_${'x'.repeat(38)}`, msgId: 'a_b' });
  });

  it('refuses structured-data names RFC 5424 does not allow', async () => {
    const s = sender({ host: '127.0.0.1', port: 9, protocol: 'udp', appName: 'bulkhead' });
    await expect(s.send({ severity: 'info', structuredData: { 'bad id': { a: '1' } } })).rejects.toThrow(/SD-ID "bad id"/);
    await expect(s.send({ severity: 'info', structuredData: { 'x@1': { 'a]': '1' } } })).rejects.toThrow(/PARAM-NAME "a]"/);
  });

  it('cuts a long MSG to the size bound on a character boundary (2048 bytes on UDP by default)', async () => {
    const r = await udp();
    const s = sender({ host: '127.0.0.1', port: r.port, protocol: 'udp', appName: 'bulkhead', hostname: 'h' });
    await s.send({ severity: 'info', timestamp: at, message: 'é'.repeat(3000) });
    const [m] = await r.waitFor(1);
    expect(r.errors).toEqual([]);
    expect(m?.bytes).toBeLessThanOrEqual(2048);
    expect(m?.bytes).toBeGreaterThanOrEqual(2047);
    expect(m?.message).toMatch(/^é+$/);
  });

  it('frames messages with octet counting over one TCP connection, in order, newlines and all', async () => {
    const r = await tcp();
    const s = sender({ host: '127.0.0.1', port: r.port, protocol: 'tcp', appName: 'bulkhead', hostname: 'h' });
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.send({ severity: 'info', timestamp: at, msgId: `m${i}`, message: `line one ${i}\nline two` })));
    const got = await r.waitFor(50);
    expect(r.errors).toEqual([]);
    expect(got.map((m) => m.msgId)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    expect(got[7]?.message).toBe('line one 7\nline two');
    expect(r.connections()).toBe(1);
  });

  it('allows 8192 bytes over TCP by default', async () => {
    const r = await tcp();
    const s = sender({ host: '127.0.0.1', port: r.port, protocol: 'tcp', appName: 'bulkhead', hostname: 'h' });
    await s.send({ severity: 'info', timestamp: at, message: 'x'.repeat(20_000) });
    const [m] = await r.waitFor(1);
    expect(m?.bytes).toBe(8192);
  });

  it('reconnects after the receiver drops the connection', async () => {
    const r = await tcp();
    const s = sender({ host: '127.0.0.1', port: r.port, protocol: 'tcp', appName: 'bulkhead', hostname: 'h' });
    await s.send({ severity: 'info', msgId: 'before' });
    await r.waitFor(1);
    r.dropConnections();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await s.send({ severity: 'info', msgId: 'after' });
    const got = await r.waitFor(2);
    expect(got.map((m) => m.msgId)).toEqual(['before', 'after']);
    expect(r.connections()).toBe(2);
  });

  it('rejects with where and why when the TCP receiver refuses, and when it never answers', async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    const refused = sender({ host: '127.0.0.1', port: closed, protocol: 'tcp', appName: 'bulkhead' });
    await expect(refused.send({ severity: 'info' })).rejects.toThrow(`syslog tcp://127.0.0.1:${closed}: connect ECONNREFUSED`);
    // A receiver that accepts but never reads: once the socket buffers are full a write cannot complete.
    const stuck = createServer({ pauseOnConnect: true }, () => undefined);
    await new Promise<void>((resolve) => stuck.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (stuck.address() as { port: number }).port;
      const slow = sender({ host: '127.0.0.1', port, protocol: 'tcp', appName: 'bulkhead', timeoutMs: 300 });
      let failure: Error | undefined;
      let started = Date.now();
      for (let i = 0; i < 20_000 && !failure; i++) {
        started = Date.now();
        await slow.send({ severity: 'info', message: 'x'.repeat(8000) }).catch((e: Error) => (failure = e));
      }
      expect(failure?.message).toBe(`syslog tcp://127.0.0.1:${port}: timed out after 300 ms`);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      stuck.close();
    }
  });
});
