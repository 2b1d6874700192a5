// Preloaded into every benchmark child (node --import): on exit it writes the process's own peak
// resident set (getrusage maxrss, KiB) where LPDATA_BENCH_RSS_FILE says, so each stage's memory is
// measured alone rather than folded into the benchmark driver's.
import { writeFileSync } from 'node:fs';

const out = process.env.LPDATA_BENCH_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
