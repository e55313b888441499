// The server's console lines, as the tutorial's server prints them, plus a line
// for each way a connection can end early, and for each time the server had to
// defend itself.
import type { SlowServer } from './server.js';

export interface LogOptions {
  /** Leave out the line per chunk. */
  quiet?: boolean;
  /** Put in front of every line (the scene uses '[10000] '). */
  prefix?: string;
  write: (line: string) => void;
}

export function logServer(server: SlowServer, { quiet = false, prefix = '', write }: LogOptions): void {
  const say = (line: string): void => write(prefix + line);
  server.on('client', (client) => say(`Somebody at ${client.remote} wants poetry!`));
  if (!quiet) server.on('chunk', (_client, bytes) => say(`Sending ${bytes} bytes`));
  server.on('fault', (client, fault) => {
    const action = { reset: 'Resetting the connection to', close: 'Closing early on', stall: 'Stalling' }[fault.kind];
    say(`${action} ${client.remote} after ${fault.afterBytes} bytes (fault injected)`);
  });
  server.on('end', (client, outcome, bytes, error) => {
    if (outcome === 'gone') say(`${client.remote} went away after ${bytes} bytes: ${wentAwayReason(error)}`);
  });
  server.on('refused', (remote, max) => say(`Too many connections: resetting ${remote} (at most ${max} at once)`));
  server.on('trouble', (error) => say(`Trouble, still serving: ${error.message}`));
}

/**
 * The system's error code (ECONNRESET, EPIPE) when there is one, else the
 * error's message (the server's own "not reading for S s"); no error at all
 * means the connection simply closed (so do unfinished ones when the server shuts down).
 */
function wentAwayReason(error: Error | undefined): string {
  if (error === undefined) return 'closed the connection';
  return (error as NodeJS.ErrnoException).code ?? error.message;
}
