// A sandbox gateway in its own process for the benches (the gateway is another machine in a shop:
// its CPU must not be the till's). Options come as JSON in argv[2]; one JSON line on stdout says
// where it listens. Ends on SIGTERM.
import { startSandbox, type SandboxOptions } from '../../electron/sandbox/server.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sb = await startSandbox(opts);
process.stdout.write(`${JSON.stringify({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, secret: sb.secret, merchantNo: sb.merchantNo, platformPublicKeyPem: sb.platformPublicKeyPem })}\n`);
process.on('SIGTERM', () => void sb.close().then(() => process.exit(0)));
// Bench set-up only: one JSON line on stdin {"inject":[orders]} puts orders straight into the
// ledger (as if paid earlier); answered with one "injected N" line.
let buf = '';
process.stdin.on('data', (chunk: Buffer) => {
  buf += chunk.toString();
  for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    const msg = JSON.parse(line) as { inject: Parameters<typeof sb.ledger.injectOrder>[0][] };
    for (const o of msg.inject) sb.ledger.injectOrder(o);
    process.stdout.write(`injected ${msg.inject.length}\n`);
  }
});
