// @slow-poetry/cli-kit: the bottom of the package graph. Every program in the
// project — the slow server, the clients, the tools — stands on it, and it
// stands on nothing but Node.
export { checkTimerSeconds, maxTimerSeconds, readFactor, readInteger, readPositiveSeconds, readSeconds } from './options.js';
export { cleanUp, ownChild, ownGroup, removeFolder, temporaryFolder } from './leftovers.js';
export { runMain } from './run-main.js';
export { closeOnSignal, onStopSignal, statusFor, stopSignals, type StopSignal } from './signals.js';
export { exitStatus, UsageError } from './usage-error.js';
