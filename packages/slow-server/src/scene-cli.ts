// `slowpoetry-scene`: start the tutorial's three servers at once (what the
// tutorial does in three terminal windows). Ctrl-C stops them.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

import { checkTimerSeconds, closeOnSignal, exitStatus, readFactor, readInteger, runMain, UsageError } from '@slow-poetry/cli-kit';
import { logServer } from './log.js';
import { tutorialBasePort, tutorialDelay, tutorialScene } from './poetry.js';
import { startScene } from './scene.js';
import { listenError } from './serve-args.js';

const usage = `Usage: slowpoetry-scene [options]

Start the tutorial's three slow poetry servers:
${tutorialScene.map((s) => `  port ${tutorialBasePort + s.portOffset}: ${s.poem}, ${s.numBytes} bytes every ${tutorialDelay} s`).join('\n')}

Options:
  --base-port N    port of the first server; the others follow (default: ${tutorialBasePort})
  --iface HOST     interface to listen on (default: localhost, i.e. 127.0.0.1)
  --speed F        divide every delay by F (default: 1)
  --poetry DIR     read the poems from DIR (default: the repository's poetry/)
  --verbose        also print a line per chunk sent
  -h, --help       show this help`;

async function main(): Promise<number | void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      'base-port': { type: 'string' },
      iface: { type: 'string' },
      speed: { type: 'string' },
      poetry: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return exitStatus.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const basePort =
    values['base-port'] === undefined ? tutorialBasePort : readInteger('--base-port', values['base-port'], 0, 65533);
  const speed = values.speed === undefined ? 1 : readFactor('--speed', values.speed);
  // A tiny speed makes a delay no timer can hold (the server would refuse it with a RangeError).
  checkTimerSeconds(`the delay (${tutorialDelay} s ÷ --speed)`, tutorialDelay / speed);
  const host = values.iface ?? 'localhost';

  let scene;
  try {
    scene = await startScene({ basePort, speed, host, poetry: values.poetry });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const port = (error as { port?: number }).port ?? basePort;
    throw listenError(error, { port, host });
  }
  // Before the first line: whoever reads "Ready." may press Ctrl-C at once, and a
  // signal with no handler yet would end the process the default way.
  closeOnSignal(() => scene.close());
  for (const { poemFile, server } of scene.servers) {
    console.log(`Serving ${relative(process.cwd(), poemFile) || poemFile} on port ${server.port}.`);
    logServer(server, { quiet: !values.verbose, prefix: `[${server.port}] `, write: (line) => console.log(line) });
  }
  const ports = scene.servers.map(({ server }) => server.port).join(' ');
  console.log(`Ready. In another terminal, try: pnpm exec get-poetry-blocking ${ports}   (Ctrl-C stops the servers)`);
}

runMain('slowpoetry-scene', main);
