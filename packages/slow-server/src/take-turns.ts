// Whose turn it is to be sent a poem. Concurrently (the default) it is
// everyone's turn at once. One at a time (the tutorial's server) connections
// wait in a queue in order of arrival, and the next one starts when the current
// poem ends, however it ends.

export interface Turns {
  /** Call `start` when it is this connection's turn. */
  wait(start: () => void): void;
  /** The current poem is over: the next connection's turn. */
  done(): void;
  /** The server is closing: forget everyone still waiting. */
  clear(): void;
}

export function everyoneAtOnce(): Turns {
  return { wait: (start) => start(), done: () => {}, clear: () => {} };
}

export function oneAtATime(): Turns {
  const waiting: Array<() => void> = [];
  let busy = false;
  return {
    wait(start) {
      if (busy) {
        waiting.push(start);
        return;
      }
      busy = true;
      start();
    },
    done() {
      const next = waiting.shift();
      if (next) next();
      else busy = false;
    },
    clear() {
      waiting.length = 0;
    },
  };
}
