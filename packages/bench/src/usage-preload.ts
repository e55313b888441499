// Loaded into every Node client the bench measures (`node --import …`): at exit,
// the process writes what it spent — CPU seconds and peak memory, from
// process.resourceUsage() — to the file named by SLOW_POETRY_USAGE. The figures
// come from the measured process itself, so the bench needs no system tool
// (GNU time) and works the same on every platform Node runs on.
//
// A peer in another language (the Python clients in peers/) writes the same
// record itself, from its own resource usage.
import { writeFileSync } from 'node:fs';

export interface Usage {
  /** User + system CPU seconds. */
  cpuSeconds: number;
  /** Peak resident memory, in KB. */
  maxRssKb: number;
}

const file = process.env['SLOW_POETRY_USAGE'];
if (file !== undefined) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const record: Usage = { cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssKb: usage.maxRSS };
    try {
      writeFileSync(file, JSON.stringify(record));
    } catch {
      // the bench says "no figures" for this run
    }
  });
}
