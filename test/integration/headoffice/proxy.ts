// A TCP proxy on 127.0.0.1 in front of PostgreSQL that can cut the network: 'blackhole' stops
// forwarding in both directions and keeps the sockets open (packets dropped, no RST: what a
// pulled cable looks like), 'reset' destroys every connection, 'pass' forwards again.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface CutProxy {
  port: number;
  mode(m: 'pass' | 'blackhole' | 'reset'): void;
  connections(): number;
  close(): Promise<void>;
}

export async function cutProxy(targetPort: number): Promise<CutProxy> {
  let mode: 'pass' | 'blackhole' = 'pass';
  const pairs = new Set<[Socket, Socket]>();
  const held = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (mode === 'blackhole') {
      // accepted, never answered
      held.add(client);
      client.on('close', () => held.delete(client)).on('error', () => undefined);
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) => from.on('data', (d) => mode === 'pass' && to.write(d));
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    mode: (m) => {
      if (m === 'reset') {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        pairs.clear();
        for (const c of held) c.destroy();
        held.clear();
        mode = 'pass';
        return;
      }
      mode = m;
    },
    connections: () => pairs.size,
    close: async () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      for (const c of held) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
