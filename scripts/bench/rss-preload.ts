// Loaded into every measured process with `node --require` (the compiled
// dist/scripts/bench/rss-preload.js, see staging.ts): at exit it writes the
// process's own peak RSS and CPU time to $MR_BENCH_RSS_FILE. Exact, where
// sampling /proc can miss the last moments; SIGKILL skips it, and the /proc
// samples remain then. It must stay free of imports beyond node's own: it
// runs inside the implementation's processes.

import * as fs from 'fs';

/** What the preload writes, and measure.ts reads back. */
export interface ExitUsage {
  maxRssBytes: number;
  cpuMs: number;
}

const file = process.env.MR_BENCH_RSS_FILE;
if (file) {
  // Not inherited by whatever the process starts: each measured process gets its own file.
  delete process.env.MR_BENCH_RSS_FILE;
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const report: ExitUsage = {
      maxRssBytes: usage.maxRSS * 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    };
    try {
      fs.writeFileSync(file, JSON.stringify(report));
    } catch {
      // the run's folder is gone: the /proc samples stand
    }
  });
}
