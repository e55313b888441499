// Preloaded (node --import) into a client by reset-with-the-last-bytes.test.ts:
// when its first connection is made, the process writes the file named by
// SLOW_POETRY_CONNECTED, then holds its thread until the file named by
// SLOW_POETRY_GO_ON exists (at most 10 s). Whatever the server sends meanwhile
// waits for the client, to be found in one wake-up of its event loop.
import { subscribe } from 'node:diagnostics_channel';
import { existsSync, writeFileSync } from 'node:fs';

let held = false;
subscribe('net.client.socket', ({ socket }) => {
  socket.once('connect', () => {
    if (held) return;
    held = true;
    writeFileSync(process.env.SLOW_POETRY_CONNECTED, '');
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let waited = 0; !existsSync(process.env.SLOW_POETRY_GO_ON) && waited < 10_000; waited += 5) Atomics.wait(pause, 0, 0, 5);
  });
});
