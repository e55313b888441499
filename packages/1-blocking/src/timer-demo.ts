// A timer that cannot fire. Run: node packages/1-blocking/dist/timer-demo.js 10002
//
// A timer is due every 100 ms, and getPoetry() runs for seconds. The timer's
// callback needs the event loop, and the event loop needs the thread, which is
// stopped inside recv(): the timer fires only once getPoetry has returned.
import { runMain } from '@slow-poetry/cli-kit';
import { monotonicMs, parseAddress } from '@slow-poetry/shared';

import { getPoetry } from './get-poetry.js';

function main(): void {
  const address = parseAddress(process.argv[2] ?? '10002');
  let ticks = 0;
  const timer = setInterval(() => ticks++, 100);
  const started = monotonicMs();
  const poem = getPoetry(address);
  const seconds = ((monotonicMs() - started) / 1000).toFixed(1);
  console.log(`getPoetry returned ${poem.byteLength} bytes after ${seconds} s; the 100 ms timer fired ${ticks} times meanwhile`);
  setTimeout(() => {
    clearInterval(timer);
    console.log(`In the next 0.5 s, with the thread free again, it fired ${ticks} times`);
  }, 500);
}

runMain('timer-demo', main);
