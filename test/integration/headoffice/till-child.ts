// A till process that trades and pushes at once: opens the journal at argv[2] (till id argv[3]),
// replicates it with the config in HO_CONFIG (JSON) while it makes `argv[4]` rounds of sales in
// slices, then waits until everything is acknowledged and prints "done <maxSeq>".
import { Journal } from '../../../electron/journal/journal.js';
import { Pusher } from '../../../electron/headoffice/pusher.js';
import { trade, waitSynced } from './fixture.js';

const [path, tillId, rounds] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])];
const journal = Journal.open({ path, terminalId: tillId });
const pusher = new Pusher({ journal, config: JSON.parse(process.env.HO_CONFIG!), batchEntries: 250, pull: false, backoff: { minMs: 50, maxMs: 400 } });
pusher.start();
for (let done = 0, seed = 0; done < rounds; done += 25, seed++) {
  trade(journal, Math.min(25, rounds - done), seed * 31 + tillId.length);
  await new Promise((r) => setTimeout(r, 5));
}
await waitSynced(() => pusher.status(), 120_000);
await pusher.stop();
process.stdout.write(`done ${journal.repos.replication.maxSeq()}\n`);
journal.close();
