// The fault matrix's harness (the tests are in test/): which clients exist, and
// how to run one as a process.
export { clientsUnderTest, discoverStages, packagesDir, type ClientUnderTest, type Stage } from './stages.js';
export { runBin, stackTraceLine, startBin, type Finished, type Running, type RunOptions } from './run-bin.js';
