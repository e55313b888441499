// What the tests of stages 3, 4 and 5 share: servers in this process, a way to
// run the CLI as a real child process, and small waits.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Address } from '@slow-poetry/shared';
import { poetryDir, startServer, type Outcome, type ServerOptions, type SlowServer } from '@slow-poetry/slow-server';

export const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const distIndex = new URL('../dist/index.js', import.meta.url).href;

export const poemPath = (name: string): string => join(poetryDir, name);
export const poem = (name: string): Buffer => readFileSync(poemPath(name));

/** A 50-byte poem in a scratch file, for runs with thousands of connections. */
export function smallPoemFile(): { path: string; bytes: Buffer } {
  const bytes = Buffer.from('Fifty bytes of verse,\nno more — a small poem.\n');
  const path = join(mkdtempSync(join(tmpdir(), 'slow-poetry-small-')), 'small.txt');
  writeFileSync(path, bytes);
  return { path, bytes };
}

const servers: SlowServer[] = [];

/** A slow server in this process (fine for clients that never block the thread). */
export async function serve(options: ServerOptions): Promise<SlowServer & { address: Address }> {
  const server = await startServer({ numBytes: 10, delay: 0.005, ...options });
  servers.push(server);
  return Object.assign(server, { address: { host: '127.0.0.1', port: server.port } });
}

/** Close every server `serve` started (call from afterEach). */
export async function closeServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.close()));
}

/** Resolves with how the server saw its next connection end. */
export function nextEnd(server: SlowServer): Promise<{ outcome: Outcome; bytesSent: number }> {
  return new Promise((resolve) => server.once('end', (_client, outcome, bytesSent) => resolve({ outcome, bytesSent })));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** How many TCP sockets this process holds open right now. */
export const openSockets = (): number =>
  process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap').length;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

/**
 * Run the stage's CLI in a child process. `whenOutput(text, child)` is called
 * with the output so far each time more arrives (to send a signal mid-run).
 */
export function runCli(args: string[], whenOutput?: (stdout: string, kill: () => void) => void): Promise<CliRun> {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
    whenOutput?.(stdout, () => child.kill('SIGINT'));
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, lines: stdout.split('\n').filter((line) => line !== '') }),
    );
  });
}

/** Run a snippet of ESM in a fresh Node process; resolves with its output and how long it lived. */
export function runScript(source: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}
