// The fault matrix as suites: every client against every fault and every bad
// input, and the tools running it. A stage runs its own row from its tests
// (describeFaultMatrix); this package's tests run the reference client and the
// programs that are not clients.
export { clientCases, clientProgram, describeBadInput, type Program } from './bad-input.js';
export { clientsOf, type ClientUnderTest } from './clients.js';
export { describeFaults, faults } from './faults.js';
export { describeInTheTools } from './in-the-tools.js';
export { describeOwnOutput, ownOutputCases } from './own-output.js';
export { runBin, stackTraceLine, startBin, type Finished, type Running, type RunOptions } from './run-bin.js';
export { describeFaultMatrix } from './stage-matrix.js';
export { expectNoHangNoStack, failedLine, Fixture, summary, type TimedServer } from './support.js';
