// The server's console lines, as the tutorial's server prints them, plus a line
// for each way a connection can end.
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
    if (outcome === 'gone') {
      const why = (error as NodeJS.ErrnoException | undefined)?.code ?? 'closed the connection';
      say(`${client.remote} went away after ${bytes} bytes: ${why}`);
    }
  });
}
