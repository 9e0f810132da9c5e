// A TCP relay in its own process for the scan-to-wire bench: it passes every connection on to the
// gateway (argv[2], a URL) and notes when each chunk that starts an HTTP request arrives, on
// CLOCK_MONOTONIC (process.hrtime), which every process of this machine shares. In the till's own
// process the note would wait for the till's event loop, after whatever the till does next: the
// bytes would be on the wire before the relay could say so. One JSON line on stdout says where it
// listens; then one line per request: {"atNs":"…","connection":n}. Ends on SIGTERM.
import { createConnection, createServer } from 'node:net';

const target = new URL(process.argv[2]!);
let connections = 0;
const server = createServer((client) => {
  const connection = ++connections;
  const upstream = createConnection(Number(target.port), target.hostname);
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.on('data', (chunk: Buffer) => {
    if (chunk.subarray(0, 5).toString('latin1') === 'POST ') process.stdout.write(`${JSON.stringify({ atNs: String(process.hrtime.bigint()), connection })}\n`);
    upstream.write(chunk);
  });
  upstream.on('data', (chunk) => client.write(chunk));
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as { port: number }).port;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}${target.pathname}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
