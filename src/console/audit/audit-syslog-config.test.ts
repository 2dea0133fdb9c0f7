import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { startUdpSyslogReceiver, type SyslogReceiver } from '../../../test/support/syslog-receiver.js';

describe('auditSyslog in the console configuration', () => {
  let receiver: SyslogReceiver;
  let c: TestConsole;
  beforeAll(async () => {
    receiver = await startUdpSyslogReceiver();
    c = await startTestConsole({ dialect: 'sqlite', config: { auditSyslog: { host: '127.0.0.1', port: receiver.port, protocol: 'udp' } } });
  });
  afterAll(async () => {
    await c?.close();
    await receiver?.close();
  });

  it('sends every entry the console appends to the syslog server as well', async () => {
    await c.request('POST', '/api/v1/auth/login', { body: { name: 'nobody', password: 'wrong-password-1' } });
    const stored = (await c.request('GET', '/api/v1/audit', { role: 'auditor' })).json.items as { seq: number; action: string; hash: string }[];
    const messages = await receiver.waitFor(stored.length);
    const forwarded = messages.map((m) => Object.fromEntries(m.structuredData.find((sd) => sd.id === 'audit@32473')?.params ?? []));
    for (const entry of stored) expect(forwarded).toContainEqual(expect.objectContaining({ seq: String(entry.seq), action: entry.action, hash: entry.hash }));
  });
});
