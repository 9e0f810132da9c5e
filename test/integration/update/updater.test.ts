// The updater under Node with the real electron-updater (DebUpdater, the generic provider) against
// an update server on 127.0.0.1 serving latest-linux.yml and the package: downloaded in the
// background and its sha512 checked, installed only after 日结, a tampered file refused, staged
// rollout honoured. Only the OS installer step (dpkg) is replaced: doInstall records its call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type ClientRequest, type IncomingMessage, type RequestOptions, type Server } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { DebUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter.js';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import { UpdateService } from '../../../electron/update/service.js';
import { rolloutBucket } from '../../../electron/update/policy.js';
import type { TillActivity } from '../../../electron/update/policy.js';

const PKG = randomBytes(256 * 1024);
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('base64');
let server: Server;
let base = '';
const feed = { version: '0.2.0', staging: undefined as number | undefined, tamper: false, requests: [] as string[] };

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    feed.requests.push(path);
    if (path === '/updates/latest-linux.yml') {
      const yml = [
        `version: ${feed.version}`,
        'files:',
        `  - url: counter-pos_${feed.version}_amd64.deb`,
        `    sha512: ${sha512(PKG)}`,
        `    size: ${PKG.length}`,
        `path: counter-pos_${feed.version}_amd64.deb`,
        `sha512: ${sha512(PKG)}`,
        `releaseDate: '2026-03-01T00:00:00.000Z'`,
        ...(feed.staging === undefined ? [] : [`stagingPercentage: ${feed.staging}`]),
      ].join('\n');
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(yml);
    } else if (path === `/updates/counter-pos_${feed.version}_amd64.deb`) {
      const body = feed.tamper ? Buffer.concat([PKG.subarray(0, PKG.length - 1), Buffer.from([PKG[PKG.length - 1]! ^ 1])]) : PKG;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/updates`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Plain Node HTTP for electron-updater (in Electron its ElectronHttpExecutor uses the net module; download() as there). */
class NodeExecutor extends HttpExecutor<ClientRequest> {
  createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return request(options, callback);
  }
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(requestOptions, { destination, options, onCancel, callback: (error) => (error === null || error === undefined ? resolve(destination) : reject(error)), responseHandler: null }, 0);
    });
  }
}

class RecordingDebUpdater extends DebUpdater {
  installs: string[] = [];
  get downloadedFile(): string | null {
    return this.installerPath;
  }
  protected override doInstall(): boolean {
    // The real one runs dpkg through pkexec/sudo; here the call and its file are recorded.
    this.installs.push(this.installerPath ?? '');
    return false;
  }
}

function makeUpdater() {
  const dir = mkdtempSync(join(tmpdir(), 'pos-update-'));
  const config = join(dir, 'app-update.yml');
  writeFileSync(config, `provider: generic\nurl: ${base}\nupdaterCacheDirName: counter-pos-updater\n`);
  const app: AppAdapter = {
    version: '0.1.0', name: 'counter-pos', isPackaged: true, appUpdateConfigPath: config, userDataPath: dir, baseCachePath: join(dir, 'cache'),
    whenReady: () => Promise.resolve(), relaunch: () => undefined, quit: () => undefined, onQuit: () => undefined,
  };
  const u = new RecordingDebUpdater(undefined, app);
  (u as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor = new NodeExecutor();
  u.logger = null;
  return u;
}

function service(u: RecordingDebUpdater, activity: { current: TillActivity }, tillId = 'till-a') {
  const logs: string[] = [];
  const s = new UpdateService({ updater: u, feedUrl: () => base, currentVersion: '0.1.0', tillId, activity: () => activity.current, log: (l) => logs.push(l) });
  return { s, logs };
}
const busy: TillActivity = { shiftOpen: true, unsettledPayments: 1, owedWork: 0, closing: false };
const idle: TillActivity = { shiftOpen: false, unsettledPayments: 0, owedWork: 0, closing: false };

describe('updater against an update server on 127.0.0.1', () => {
  it('downloads in the background, checks the sha512, and installs only after 日结', async () => {
    feed.staging = undefined;
    feed.tamper = false;
    const u = makeUpdater();
    const activity = { current: busy };
    const { s } = service(u, activity);
    await s.checkNow();
    expect(s.status()).toMatchObject({ state: 'downloaded', pendingVersion: '0.2.0', waitingFor: expect.stringMatching(/a shift is open/), lastError: null });
    expect(u.installs).toEqual([]);
    // The downloaded file is the server's, byte for byte.
    const file = u.downloadedFile!;
    expect(sha512(readFileSync(file))).toBe(sha512(PKG));

    activity.current = { ...idle, unsettledPayments: 2 };
    expect(await s.installIfIdle()).toBe(false);
    expect(s.status().waitingFor).toBe('2 payment(s) are not settled yet');
    activity.current = { ...idle, owedWork: 1 };
    expect(await s.installIfIdle()).toBe(false);
    activity.current = idle;
    expect(await s.installIfIdle()).toBe(true);
    expect(u.installs).toEqual([file]);
    expect(s.status().state).toBe('installing');
  });

  it('refuses a file whose sha512 does not match latest.yml', async () => {
    feed.staging = undefined;
    feed.tamper = true;
    const u = makeUpdater();
    const { s } = service(u, { current: idle });
    await s.checkNow();
    expect(s.status()).toMatchObject({ state: 'error', pendingVersion: null, lastError: expect.stringMatching(/sha512 checksum mismatch/) });
    expect(await s.installIfIdle()).toBe(false);
    expect(u.installs).toEqual([]);
    feed.tamper = false;
  });

  it('honours the staged rollout percentage by the till bucket', async () => {
    feed.tamper = false;
    // Two tills: one inside a 50% rollout of 0.2.0, one outside (found by their buckets).
    const ids = Array.from({ length: 50 }, (_, i) => `till-${i}`);
    const inside = ids.find((id) => rolloutBucket(id, '0.2.0') < 50)!;
    const outside = ids.find((id) => rolloutBucket(id, '0.2.0') >= 50)!;
    feed.staging = 50;
    const u1 = makeUpdater();
    const a = service(u1, { current: idle }, outside);
    const before = feed.requests.length;
    await a.s.checkNow();
    expect(a.s.status()).toMatchObject({ state: 'idle', outsideRollout: true, pendingVersion: null });
    expect(feed.requests.slice(before).some((r) => r.endsWith('.deb'))).toBe(false);
    const u2 = makeUpdater();
    const b = service(u2, { current: busy }, inside);
    await b.s.checkNow();
    expect(b.s.status()).toMatchObject({ state: 'downloaded', outsideRollout: false, pendingVersion: '0.2.0' });
    feed.staging = undefined;
  });

  it('no update URL: off, nothing asked', async () => {
    const u = makeUpdater();
    const before = feed.requests.length;
    const s = new UpdateService({ updater: u, feedUrl: () => '', currentVersion: '0.1.0', tillId: 't', activity: () => idle });
    await s.checkNow();
    expect(s.status().state).toBe('off');
    expect(feed.requests.length).toBe(before);
  });
});
