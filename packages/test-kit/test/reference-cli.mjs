// The smallest event-loop client: node:net, every download at once, its lines,
// files and Ctrl-C from LiveReport. It proves the CLI suite (and LiveReport)
// here, before any real stage uses them. Plain JavaScript on the built package,
// so that a plain `node` can run it as a child process.
import { setMaxListeners } from 'node:events';
import net from 'node:net';

import {
  LiveReport,
  poemTooLongError,
  readTaskGroupArgs,
  runClient,
  Session,
  taskGroupOptions,
  timeoutError,
} from '@slow-poetry/shared';

/** One download; resolves with the poem, rejects with why it failed. */
function download(address, { timeout, maxBytes, signal, onConnect, onChunk }) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let bytes = 0;
    const socket = net.connect(address, onConnect);
    const fail = (error) => {
      socket.destroy();
      reject(error);
    };
    if (timeout !== undefined) socket.setTimeout(timeout * 1000, () => fail(timeoutError(timeout)));
    signal.addEventListener('abort', () => fail(signal.reason), { once: true });
    socket.on('data', (chunk) => {
      bytes += chunk.byteLength;
      if (maxBytes !== undefined && bytes > maxBytes) return fail(poemTooLongError(maxBytes));
      chunks.push(chunk);
      onChunk(chunk);
    });
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', fail);
  });
}

const program = {
  name: 'get-poetry-reference',
  summary: 'Download a poem from each address, all at once (a test client).',
  options: { ...taskGroupOptions },
};

runClient(program, async (args) => {
  const { failFast, concurrency } = readTaskGroupArgs(args);
  const session = new Session('reference', args);
  const live = new LiveReport(session);
  const controller = new AbortController();
  setMaxListeners(session.tasks.length, controller.signal); // one 'abort' listener per download
  live.onStopSignal(() => controller.abort());
  const run = (task) => {
    task.start();
    return download(task.address, {
      timeout: args.timeout,
      maxBytes: args.maxBytes,
      signal: controller.signal,
      onConnect: () => task.connected(),
      onChunk: (chunk) => live.chunk(task, chunk),
    })
      .then((poem) => {
        if (!live.done(task, poem)) throw task.error; // not saved (--out): a failure like any other
      })
      .catch((err) => {
        if (failFast && !controller.signal.aborted) {
          live.failFast(task);
          controller.abort();
        }
        live.failed(task, err);
      });
  };
  // At most `concurrency` at a time: each worker takes the next task in order.
  const queue = [...session.tasks];
  const worker = async () => {
    for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
      if (controller.signal.aborted) live.failed(task, controller.signal.reason);
      else await run(task);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return live.end();
});
