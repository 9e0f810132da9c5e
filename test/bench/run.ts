// npm run bench [-- name-filter]: runs every test/bench/*.bench.ts in turn and prints its lines.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { formatLine, isGoal, type BenchLine } from './harness.js';

const dir = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
let missed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: () => Promise<BenchLine[]> };
  let lines: BenchLine[];
  try {
    lines = await mod.default();
  } catch (err) {
    // A bench that cannot run measured nothing: that is a miss, said plainly.
    lines = [{ name: `${file} could not run: ${(err as Error).message}`, value: 0, unit: '', goal: 'runs', met: false }];
  }
  for (const line of lines) {
    console.log(formatLine(line));
    if (isGoal(line) && !line.met) missed++;
  }
}
console.log(`\n${files.length} benchmark files, ${missed} goals missed on this machine`);
process.exit(0);
