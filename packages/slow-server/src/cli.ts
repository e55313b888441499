// `slowpoetry [options] POEM_FILE`: serve one poem, slowly. See serve-args.ts for the options.
import { closeOnSignal, exitStatus, runMain } from '@slow-poetry/cli-kit';
import { logServer } from './log.js';
import { listenError, parseServeArgs, usage } from './serve-args.js';
import { startServer } from './server.js';

async function main(): Promise<number | void> {
  const command = parseServeArgs(process.argv.slice(2));
  if (command === 'help') {
    console.log(usage);
    return exitStatus.ok;
  }
  const { poemFile, options, quiet } = command;
  let server;
  try {
    server = await startServer(options);
  } catch (error) {
    throw listenError(error, options);
  }
  // Before the first line: whoever reads it may stop the server at once, and a
  // signal with no handler yet would end the process the default way.
  closeOnSignal(() => server.close());
  console.log(`Serving ${poemFile} on port ${server.port}.`);
  logServer(server, { quiet, write: (line) => console.log(line) });
}

// Quietly stop when stdout's reader goes away (e.g. `slowpoetry … | head`).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

runMain('slowpoetry', main);
