/**
 * A console worker process for the resume test: opens the console given as
 * JSON on argv[2] ({ dataDir, database, advisoryDatabase }) with the real
 * services and works through the pending re-evaluation runs. The test
 * SIGKILLs it mid-run.
 */
import { consoleConfigSchema, type ConsoleConfig } from '../../config.js';
import { buildContext } from '../../server/build-context.js';
import { processReevaluations } from '../run-reevaluations.js';

const where = JSON.parse(process.argv[2] ?? '{}') as { dataDir: string; database: string; advisoryDatabase: string };
const config = {
  ...consoleConfigSchema.parse({ dataDir: where.dataDir, workers: false, logLevel: 'silent' }),
  database: where.database,
  advisoryDatabase: where.advisoryDatabase,
  secretKey: Buffer.alloc(32, 1),
} as ConsoleConfig;
const services = await buildContext(config);
process.stdout.write('ready\n');
const result = await processReevaluations(services.ctx);
process.stdout.write(`${JSON.stringify({ finished: result.finished.length, chunks: result.chunks })}\n`);
await services.close();
