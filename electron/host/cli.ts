// npm run serve [-- --port N] [-- --data-dir DIR]: the browser host in the foreground.
import { parseArgs } from 'node:util';
import { defaultDataDir, runHostedTill } from './run.js';

function fail(message: string): never {
  console.error(`serve: ${message}`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({ options: { port: { type: 'string' }, 'data-dir': { type: 'string' } }, strict: true }).values;
} catch (err) {
  fail(`${(err as Error).message}. Usage: npm run serve -- [--port N] [--data-dir DIR]`);
}
const port = args.port === undefined ? 0 : Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a whole number 0–65535, got "${args.port}"`);
const dataDir = args['data-dir'] ?? defaultDataDir();

try {
  const till = await runHostedTill({ dataDir, port, log: (line) => console.log(line) });
  console.log(`Counter POS browser host (data in ${dataDir})`);
  console.log(`open: ${till.host.url}`);
  const stop = () => {
    void till.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (err) {
  fail((err as Error).message);
}
