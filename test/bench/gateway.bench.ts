// Gateway room benchmarks (printed, never asserted):
//  1. signed requests per second the sandbox sustains (its own process, keep-alive, concurrency)
//  2. the client's round trip vs a raw post of the same signed body to the same endpoint, at equal
//     transport: the client (node:http, its default) against a raw node:http post (transport.ts
//     postNode), and the client over fetch against a raw fetch. Each ratio is what the pipeline
//     itself (validate, sign, verify, parse) adds. Measured in the same run, interleaved request
//     by request so that all sides see the same load. What node:http saves over fetch is a figure.
import { connect } from 'node:net';
import { createGatewayClient } from '../../electron/gateway/client.js';
import { prepareRequest } from '../../electron/gateway/request.js';
import { md5Signer } from '../../electron/gateway/sign.js';
import { postNode } from '../../electron/gateway/transport.js';
import { percentile, type BenchLine } from './harness.js';
import { BENCH_APP_ID, BENCH_MERCHANT_NO, BENCH_SECRET, startSandboxProcess } from './sandbox-process.js';

/** Requests sent in the throughput run (bounded: the run takes a few seconds). */
const THROUGHPUT_REQUESTS = 20_000;
/** Requests in flight at once in the throughput run. */
const THROUGHPUT_CONCURRENCY = 32;
/** Orders queried in turn (each request is a full signed request the sandbox verifies). */
const ORDERS = 100;
/** Round trips per side in the client-vs-fetch comparison. */
const ROUND_TRIPS = 4_000;
const WARMUP_REQUESTS = 500;

const APP_ID = BENCH_APP_ID;
const SECRET = BENCH_SECRET;
const MERCHANT_NO = BENCH_MERCHANT_NO;

/**
 * A lean load generator: one keep-alive TCP connection per in-flight request, pre-encoded HTTP/1.1
 * requests, answers framed by content-length. The node:http client would spend more CPU than the
 * sandbox on this 2-core machine and measure itself instead.
 */
function runConnection(url: URL, requests: readonly Buffer[], take: () => number | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    const sendNext = () => {
      const i = take();
      if (i === null) {
        socket.end();
        return resolve();
      }
      socket.write(requests[i % requests.length]!);
    };
    socket.on('connect', sendNext);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      for (;;) {
        const headEnd = buf.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const head = buf.subarray(0, headEnd).toString('latin1');
        const m = /content-length: (\d+)/i.exec(head);
        if (!m || !head.startsWith('HTTP/1.1 200')) return reject(new Error(`unexpected answer: ${head.slice(0, 80)}`));
        const end = headEnd + 4 + Number(m[1]);
        if (buf.length < end) return;
        if (buf[headEnd + 4 + 8] !== 0x30) return reject(new Error(`not code 0: ${buf.subarray(headEnd + 4, headEnd + 40).toString()}`)); // {"code":0
        buf = buf.subarray(end);
        sendNext();
      }
    });
  });
}

export default async function (): Promise<BenchLine[]> {
  const sb = await startSandboxProcess({ appId: APP_ID, secret: SECRET, merchantNo: MERCHANT_NO });
  try {
    const client = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: APP_ID, signType: 'MD5', secret: SECRET });
    // Orders to query.
    const orders: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const out_trade_no = `BENCH_${process.pid}_${i}`;
      const r = await client.call('weixin.scan_qr_code_pay', { merchant_no: MERCHANT_NO, out_trade_no, order_name: 'bench', total_amount: 100 + i, sub_appid: 'wx1', auth_code: '134567890123456788', spbill_create_ip: '127.0.0.1' });
      if (r.kind !== 'ok') throw new Error(`setup failed: ${JSON.stringify(r)}`);
      orders.push(out_trade_no);
    }
    const signer = md5Signer(SECRET);
    const url = new URL(sb.gatewayUrl);
    const bodies: string[] = [];
    const requests: Buffer[] = [];
    for (const out_trade_no of orders) {
      const p = prepareRequest('trade.query', { merchant_no: MERCHANT_NO, out_trade_no }, APP_ID, signer);
      if (!p.ok) throw new Error(p.message);
      bodies.push(p.request.body);
      requests.push(
        Buffer.from(
          `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(p.request.body)}\r\n\r\n${p.request.body}`,
        ),
      );
    }

    // 1. throughput
    const load = async (count: number) => {
      let next = 0;
      const take = () => (next < count ? next++ : null);
      await Promise.all(Array.from({ length: THROUGHPUT_CONCURRENCY }, () => runConnection(url, requests, take)));
    };
    await load(WARMUP_REQUESTS);
    const t0 = performance.now();
    await load(THROUGHPUT_REQUESTS);
    const perSecond = Math.round(THROUGHPUT_REQUESTS / ((performance.now() - t0) / 1000));

    // 2. client round trip vs raw fetch of the same signed body, sequential, interleaved blocks
    const rawBody = bodies[0]!;
    const rawOnce = async () => {
      const res = await fetch(sb.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: rawBody });
      await res.text();
    };
    const rawNodeOnce = async () => {
      const sent = await postNode(sb.gatewayUrl, rawBody, { timeoutMs: 10_000 });
      if (!sent.ok) throw new Error(`raw node:http post failed: ${sent.reason}`);
    };
    const clientOnce = async () => {
      const r = await client.call('trade.query', { merchant_no: MERCHANT_NO, out_trade_no: orders[0]! });
      if (r.kind !== 'ok') throw new Error(`client call failed: ${JSON.stringify(r)}`);
    };
    // The same client pipeline over fetch: what validate + sign + verify + parse cost at equal transport.
    const fetchClient = createGatewayClient({ gatewayUrl: sb.gatewayUrl, appId: APP_ID, signType: 'MD5', secret: SECRET, fetchImpl: fetch });
    const fetchClientOnce = async () => {
      const r = await fetchClient.call('trade.query', { merchant_no: MERCHANT_NO, out_trade_no: orders[0]! });
      if (r.kind !== 'ok') throw new Error(`client call failed: ${JSON.stringify(r)}`);
    };
    for (let i = 0; i < WARMUP_REQUESTS; i++) {
      await rawOnce();
      await clientOnce();
      await fetchClientOnce();
      await rawNodeOnce();
    }
    // Other engineers share this machine: load drifts and spikes during the run. Each round trip
    // is timed alone, the four sides alternate one by one (taking turns at going first), and the
    // medians are compared: a load spike lands on one request, not on one side.
    const rawTimes: number[] = [];
    const clientTimes: number[] = [];
    const fetchClientTimes: number[] = [];
    const rawNodeTimes: number[] = [];
    const timeOne = async (once: () => Promise<void>, into: number[]) => {
      const t = performance.now();
      await once();
      into.push(performance.now() - t);
    };
    const sides: Array<[() => Promise<void>, number[]]> = [
      [rawOnce, rawTimes],
      [clientOnce, clientTimes],
      [fetchClientOnce, fetchClientTimes],
      [rawNodeOnce, rawNodeTimes],
    ];
    for (let i = 0; i < ROUND_TRIPS; i++) {
      for (let k = 0; k < sides.length; k++) {
        const [once, into] = sides[(i + k) % sides.length]!; // each side takes its turn at going first
        await timeOne(once, into);
      }
    }
    for (const xs of [rawTimes, clientTimes, fetchClientTimes, rawNodeTimes]) xs.sort((a, b) => a - b);
    const med = (xs: number[]) => percentile(xs, 50);
    const nodeRatio = med(clientTimes) / med(rawNodeTimes);
    const fetchRatio = med(fetchClientTimes) / med(rawTimes);
    return [
      { name: `sandbox signed trade.query requests (${THROUGHPUT_CONCURRENCY} in flight, keep-alive)`, value: perSecond, unit: 'req/s', goal: '≥ 3000/s', met: perSecond >= 3000 },
      { name: 'client round trip (node:http) vs raw node:http post of the same body (medians)', value: Number(nodeRatio.toFixed(3)), unit: '×', goal: '≤ 1.10×', met: nodeRatio <= 1.1 },
      { name: 'client over fetch vs raw fetch of the same body (medians)', value: Number(fetchRatio.toFixed(3)), unit: '×', goal: '≤ 1.10×', met: fetchRatio <= 1.1 },
      { name: '  raw node:http post round trip (median)', value: Math.round(med(rawNodeTimes) * 1000), unit: 'µs', figure: true },
      { name: '  client round trip, node:http (median)', value: Math.round(med(clientTimes) * 1000), unit: 'µs', figure: true },
      { name: '  raw fetch round trip (median)', value: Math.round(med(rawTimes) * 1000), unit: 'µs', figure: true },
      { name: '  client round trip over fetch (median)', value: Math.round(med(fetchClientTimes) * 1000), unit: 'µs', figure: true },
    ];
  } finally {
    await sb.stop();
  }
}
