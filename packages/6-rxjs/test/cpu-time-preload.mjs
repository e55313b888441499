// Preloaded (node --import) into a client by the exercise tests: at exit, the
// process writes the CPU time it spent (user + system seconds) to the file
// named by SLOW_POETRY_CPU_FILE. CPU time, unlike the time on the clock, does
// not grow when other processes keep the machine busy.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  writeFileSync(process.env.SLOW_POETRY_CPU_FILE, JSON.stringify({ seconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
});
