// The event loop's queues, observed.
//
//   node packages/4-coroutines/dist/queues-demo.js PORT      (a slow server on PORT: `pnpm servers` gives 10000)
//
// When the first chunk of a poem arrives, its 'data' callback schedules one
// callback of each kind, in a fixed order, and the demo prints the order in
// which they then run. Everything is scheduled from inside that callback on
// purpose: there, and only there, the order is the same on every run. The
// callback runs in the loop's poll phase (I/O), so the check phase
// (setImmediate) comes next in the same turn, and the timers phase
// (setTimeout) only in the following one. Scheduled from a program's first
// lines instead, setTimeout(0) and setImmediate may come in either order: it
// depends on how long the loop takes to start.
//
// Two of the callbacks are coroutines being resumed: a generator paused at a
// `yield` (our run()), and an async function paused at an `await` (the
// engine's). Both come back from the microtask queue, in turn with the other
// microtasks, before the event loop goes on to anything else.
import net from 'node:net';

import { runMain } from '@slow-poetry/cli-kit';
import { parseAddress } from '@slow-poetry/shared';

import { Future } from './future.js';
import { run } from './run.js';

const scheduled = [
  'setTimeout(0)',
  'setImmediate',
  'promise.then',
  "the coroutine's future resolved",
  'queueMicrotask',
  "the async function's promise resolved",
  'process.nextTick',
];

runMain('queues-demo', () => {
  const address = parseAddress(process.argv[2] ?? '');
  const order: string[] = [];
  const ran = (what: string): void => void order.push(what);

  // Before the first chunk: a coroutine and an async function, each paused on
  // something that the 'data' callback will settle.
  const forTheCoroutine = new Future<void>();
  run(
    (function* () {
      yield forTheCoroutine;
      ran('run() resumes a coroutine paused at yield — a microtask');
    })(),
  );
  let openTheAwait = (): void => {};
  const forTheAsyncFunction = new Promise<void>((resolve) => (openTheAwait = resolve));
  void (async () => {
    await forTheAsyncFunction;
    ran('an async function resumes after await — a microtask');
  })();

  return new Promise<number>((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port });
    socket.on('error', reject);
    socket.on('end', () => reject(new Error('the poem ended before its second chunk (serve it in smaller chunks)')));
    socket.on('data', () => {
      if (order.length > 0) {
        ran("socket 'data': the next chunk — the poll phase of a later turn");
        socket.destroy();
        console.log(`Scheduled inside the first chunk's 'data' callback, in this order: ${scheduled.join(', ')}.`);
        console.log('They ran in this order:');
        order.forEach((what, i) => console.log(`${i + 1}. ${what}`));
        return resolve(0);
      }
      ran("socket 'data': the first chunk — an I/O callback, the poll phase; it schedules the rest");
      setTimeout(() => ran('setTimeout(0) — the timers phase, at the next turn of the loop'), 0);
      setImmediate(() => ran('setImmediate — the check phase, right after the poll phase'));
      void Promise.resolve().then(() => ran('promise.then — a microtask'));
      forTheCoroutine.resolve();
      queueMicrotask(() => ran('queueMicrotask — a microtask'));
      openTheAwait();
      process.nextTick(() => ran("process.nextTick — Node's tick queue, emptied before the microtasks"));
    });
  });
});
