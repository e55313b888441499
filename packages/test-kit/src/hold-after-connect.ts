// Preloaded into a client (node --import, or imported first thing by a script)
// through holdAfterConnect() in helpers.ts: when the process's first connection
// is made, it writes the file named by SLOW_POETRY_CONNECTED, then holds its
// thread until the file named by SLOW_POETRY_GO_ON exists (at most 10 s).
// Whatever the server sends meanwhile waits for the client, to be found in one
// wake-up of its event loop.
import { subscribe } from 'node:diagnostics_channel';
import { existsSync, writeFileSync } from 'node:fs';
import type net from 'node:net';

const connected = process.env.SLOW_POETRY_CONNECTED;
const goOn = process.env.SLOW_POETRY_GO_ON;
if (connected === undefined || goOn === undefined)
  throw new Error('hold-after-connect: set SLOW_POETRY_CONNECTED and SLOW_POETRY_GO_ON');

let held = false;
subscribe('net.client.socket', (message) => {
  (message as { socket: net.Socket }).socket.once('connect', () => {
    if (held) return;
    held = true;
    writeFileSync(connected, '');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; !existsSync(goOn) && waited < 10_000; waited += 5) Atomics.wait(pause, 0, 0, 5);
  });
});
