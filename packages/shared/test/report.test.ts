import { describe, expect, it } from 'vitest';

import { formatDuration } from '../src/duration.js';
import { codedError, describeError, poemTooLongError, timeoutError } from '../src/errors.js';
import { report } from '../src/report.js';

describe('durations', () => {
  it.each([
    [10126.361, '0:00:10.126361'],
    [23065.661, '0:00:23.065661'],
    [0, '0:00:00.000000'],
    [3_723_000.5, '1:02:03.000500'],
  ])('prints %d ms as %s, like Python timedelta', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('report lines', () => {
  it("match the tutorial's blocking client", () => {
    expect(report.getting(1, '127.0.0.1:10000')).toBe('Task 1: get poetry from: 127.0.0.1:10000');
    expect(report.gotPoem(1, 3003, '127.0.0.1:10000', 10126.361)).toBe(
      'Task 1: got 3003 bytes of poetry from 127.0.0.1:10000 in 0:00:10.126361',
    );
    expect(report.summary(3, 0, 23065.661)).toBe('Got 3 poems in 0:00:23.065661');
  });

  it("match the tutorial's asynchronous client", () => {
    expect(report.gotChunk(2, 10, '127.0.0.1:10001')).toBe('Task 2: got 10 bytes of poetry from 127.0.0.1:10001');
    expect(report.finished(2)).toBe('Task 2 finished');
    expect(report.poemBytes(1, 3003)).toBe('Task 1: 3003 bytes of poetry');
  });

  it('name the reason and the bytes so far when a task fails', () => {
    const refused = codedError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1');
    expect(report.failed(2, '127.0.0.1:1', refused)).toBe(
      'Task 2: failed to get poetry from 127.0.0.1:1: connection refused (ECONNREFUSED)',
    );
    expect(report.failed(1, 'h:1', codedError('ECONNRESET', 'read ECONNRESET'), 120)).toBe(
      'Task 1: failed to get poetry from h:1 after 120 bytes: connection reset by peer (ECONNRESET)',
    );
    expect(report.summary(2, 1, 1000)).toBe('Got 2 poems in 0:00:01.000000; 1 task failed');
    expect(report.summary(1, 2, 1000)).toBe('Got 1 poem in 0:00:01.000000; 2 tasks failed');
  });

  it('explain our own errors in one line', () => {
    expect(describeError(timeoutError(2.5))).toBe('timed out (ETIMEDOUT): no data for 2.5 s');
    expect(describeError(poemTooLongError(100))).toBe('poem too long (EPOEMTOOLONG): more than 100 bytes');
    expect(describeError(new Error('first line\nsecond line'))).toBe('first line');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(codedError('EINTERRUPTED', 'interrupted'))).toBe('interrupted (EINTERRUPTED)');
  });
});
