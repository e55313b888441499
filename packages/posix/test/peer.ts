// A tiny TCP server in a child process, for the tests: a blocking call in the
// test's own thread would stop a server running there too.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export type PeerMode = 'send' | 'silent' | 'reset';

const script = `
import net from 'node:net';
const [mode, payloadHex] = process.argv.slice(1);
const payload = Buffer.from(payloadHex ?? '', 'hex');
const server = net.createServer((socket) => {
  socket.on('error', () => {});
  if (mode === 'silent') return;
  // In small pieces a few milliseconds apart, so reads see several chunks.
  let at = 0;
  const step = () => {
    if (at >= payload.length) return mode === 'reset' ? socket.resetAndDestroy() : socket.end();
    socket.write(payload.subarray(at, at + 5));
    at += 5;
    setTimeout(step, 2);
  };
  step();
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

export interface Peer {
  port: number;
  close(): Promise<void>;
}

export async function spawnPeer(mode: PeerMode, payload: Uint8Array = new Uint8Array()): Promise<Peer> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, mode, Buffer.from(payload).toString('hex')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return {
    port: Number(line),
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
