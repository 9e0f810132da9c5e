// A till process that only pushes: opens the journal at argv[2] and replicates it with the
// config in HO_CONFIG (JSON), printing "ack <seq>" after every batch the head office took. The
// test kills it with SIGKILL mid-push.
import { Journal } from '../../../electron/journal/journal.js';
import { Pusher } from '../../../electron/headoffice/pusher.js';

const journal = Journal.open({ path: process.argv[2]!, terminalId: process.argv[3]! });
const pusher = new Pusher({
  journal,
  config: JSON.parse(process.env.HO_CONFIG!),
  batchEntries: 100,
  pull: false,
  onAck: (b) => process.stdout.write(`ack ${b.upTo}\n`),
});
pusher.start();
