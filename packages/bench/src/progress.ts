// Where a long bench run is: on a terminal, one line on stderr, redrawn after
// every measured run — how many runs of how many, the last one, the time so far
// and an estimate of what is left (the average run so far, times the runs to
// come: rough, since runs differ, but it says minutes or seconds). Not on a
// terminal, a plain line per run instead, for a log.

export interface Progress {
  /** One measured run is over; `line` says what it gave. */
  ran(line: string): void;
  /** The run is over: clear the progress line. */
  end(): void;
}

export function progress(planned: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  let done = 0;
  const clock = (ms: number): string => {
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  };
  if (!stream.isTTY) {
    return { ran: (line) => stream.write(`${line}\n`), end: () => {} };
  }
  return {
    ran(line) {
      done += 1;
      const elapsed = performance.now() - started;
      const left = done < planned ? `, about ${clock((elapsed / done) * (planned - done))} left` : '';
      const status = `run ${done} of ${planned}, ${clock(elapsed)} so far${left} — ${line}`;
      stream.write(`\r\x1b[2K${status.slice(0, Math.max(20, (stream.columns ?? 100) - 1))}`);
    },
    end() {
      stream.write('\r\x1b[2K');
    },
  };
}
