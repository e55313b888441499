import { describe, expect, it } from 'vitest';

import { maxTimerSeconds, readFactor, readInteger, readPositiveSeconds, readSeconds, UsageError } from '../src/index.js';

describe('readInteger', () => {
  it('reads plain decimal digits within the range', () => {
    expect(readInteger('--port', '10000', 0, 65535)).toBe(10000);
    expect(readInteger('--n', '+7', 1)).toBe(7);
  });

  it('refuses anything else in one line that names the option and echoes the value', () => {
    for (const text of ['', 'abc', '1.5', '-1', '0x10', '1e3', '70000', '9007199254740993']) {
      expect(() => readInteger('--port', text, 0, 65535)).toThrow(UsageError);
    }
    expect(() => readInteger('--port', '70000', 0, 65535)).toThrow("--port takes a whole number from 0 to 65535, not '70000'");
    expect(() => readInteger('--n', '0', 1)).toThrow("--n takes a whole number at least 1, not '0'");
  });
});

describe('readSeconds', () => {
  it('reads decimal seconds, zero or more', () => {
    expect(readSeconds('--delay', '0')).toBe(0);
    expect(readSeconds('--delay', '.5')).toBe(0.5);
    expect(readSeconds('--delay', '1e-3')).toBe(0.001);
  });

  it('refuses negative numbers, words and infinities', () => {
    for (const text of ['-1', 'soon', 'Infinity', '1e400', '']) expect(() => readSeconds('--delay', text)).toThrow(UsageError);
  });

  it('refuses a duration longer than a timer can wait, instead of letting Node turn it into 1 ms', () => {
    expect(maxTimerSeconds).toBeCloseTo(2147483.647, 3);
    expect(readSeconds('--timeout', '2147483')).toBe(2147483);
    expect(() => readSeconds('--timeout', '2147484')).toThrow(
      "--timeout is at most 2147483 seconds (about 24 days, the longest a timer can wait), not '2147484'",
    );
  });

  it('takes no zero where zero makes no sense', () => {
    expect(() => readPositiveSeconds('--timeout', '0')).toThrow('--timeout must be more than zero seconds');
    expect(readPositiveSeconds('--timeout', '0.2')).toBe(0.2);
  });
});

describe('readFactor', () => {
  it('reads a number above zero and says what it wants otherwise', () => {
    expect(readFactor('--speed', '10')).toBe(10);
    expect(readFactor('--speed', '0.5')).toBe(0.5);
    for (const text of ['0', '-2', 'fast']) {
      expect(() => readFactor('--speed', text)).toThrow(`--speed takes a number above zero, such as 10 or 0.5, not '${text}'`);
    }
  });
});
