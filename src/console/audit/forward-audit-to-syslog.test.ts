import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpSyslogReceiver, type TcpSyslogReceiver } from '../../../test/support/syslog-receiver.js';
import { openFreshStore } from '../../../test/support/store-fixtures.js';
import type { Store } from '../../store/open-store.js';
import { createSyslogSender } from '../syslog/syslog-sender.js';
import { createAuditLog } from './audit-log.js';
import type { AuditEntry } from './audit-entry.js';
import { forwardAuditToSyslog } from './forward-audit-to-syslog.js';

describe('forwardAuditToSyslog', () => {
  let store: Store & { cleanup(): Promise<void> };
  let receiver: TcpSyslogReceiver;
  beforeAll(async () => {
    store = await openFreshStore('sqlite');
    receiver = await startTcpSyslogReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await store.cleanup();
  });

  it('sends each appended entry, in order, with its chain fields as structured data', async () => {
    const sender = createSyslogSender({ host: '127.0.0.1', port: receiver.port, protocol: 'tcp', appName: 'bulkhead', hostname: 'console-1' });
    const log = forwardAuditToSyslog(createAuditLog(store), sender, { enterpriseId: 99999 });
    const entries = await Promise.all([
      log.append({ actor: 'user:alice', action: 'auth.login', target: 'user:alice', detail: { ip: '10.0.0.1' } }),
      log.append({ actor: 'anonymous', action: 'auth.login.failed', target: 'user:bob', detail: { reason: 'bad-credentials' } }),
      log.append({ actor: 'user:alice', action: 'policy.activate', target: 'policy:default', detail: { why: 'quote " and ] and \\' } }),
    ]);
    await log.flush();
    const got = await receiver.waitFor(3);
    expect(receiver.errors).toEqual([]);
    expect(got.map((m) => [m.severity, m.facility, m.msgId, m.timestamp])).toEqual(entries.map((e, i) => [i === 1 ? 4 : 5, 13, 'audit', e.at]));
    expect(got[2]?.structuredData).toEqual([{
      id: 'audit@99999',
      params: [['seq', '3'], ['actor', 'user:alice'], ['action', 'policy.activate'], ['target', 'policy:default'], ['hash', entries[2]?.hash], ['prev_hash', entries[1]?.hash]],
    }]);
    expect(JSON.parse(got[2]?.message ?? '')).toEqual({ why: 'quote " and ] and \\' });
    await sender.close();
  });

  it('never fails an append when the receiver is down; reports the lost copy', async () => {
    const down = await startTcpSyslogReceiver();
    const port = down.port;
    await down.close();
    const sender = createSyslogSender({ host: '127.0.0.1', port, protocol: 'tcp', appName: 'bulkhead' });
    const lost: [string, AuditEntry][] = [];
    const log = forwardAuditToSyslog(createAuditLog(store), sender, { onError: (e, entry) => lost.push([e.message, entry]) });
    const entry = await log.append({ actor: 'system', action: 'test.down', target: 'x' });
    await log.flush();
    expect(lost).toEqual([[expect.stringContaining('ECONNREFUSED'), entry]]);
    await sender.close();
  });
});
