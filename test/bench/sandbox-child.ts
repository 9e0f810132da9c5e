// A sandbox gateway in its own process for the benches (the gateway is another machine in a shop:
// its CPU must not be the till's). Options come as JSON in argv[2]; one JSON line on stdout says
// where it listens. Ends on SIGTERM.
import { startSandbox, type SandboxOptions } from '../../electron/sandbox/server.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
const sb = await startSandbox(opts);
process.stdout.write(`${JSON.stringify({ gatewayUrl: sb.gatewayUrl, appId: sb.appId, secret: sb.secret, merchantNo: sb.merchantNo, platformPublicKeyPem: sb.platformPublicKeyPem })}\n`);
process.on('SIGTERM', () => void sb.close().then(() => process.exit(0)));
