// Child process for audit-log.test.ts: appends N entries to the audit log of
// the given store, all at once, as a separate console replica would.
import { openStore } from '../../../store/open-store.js';
import { createAuditLog } from '../audit-log.js';

const [database, label, count] = process.argv.slice(2) as [string, string, string];
const store = await openStore({ database });
const log = createAuditLog(store);
await Promise.all(Array.from({ length: Number(count) }, (_, i) => log.append({ actor: `replica:${label}`, action: 'test.append', target: `${label}:${i}`, detail: { i } })));
await store.close();
