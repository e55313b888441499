// The benchmarks as a library (the CLI is cli.ts): the client table, the runner
// and the cases, for anyone who wants the figures without the Markdown.
export { fidelity, sceneIdeals, type FidelityRow } from './cases/fidelity.js';
export { countHeap, heapCensus, heapClients, type HeapKind, type HeapResult, type HeapRow } from './cases/heap.js';
export { scale, scaleIdealMs, type ScaleResult, type ScaleRow } from './cases/scale.js';
export { throughput, type ThroughputRow } from './cases/throughput.js';
export { clientCommand, describeReasons, measureClient, type RunOptions, type RunResult } from './run.js';
export type { ServerStats } from './server-child.js';
export { startSceneProcess, startStatsServer } from './servers.js';
export { renderReport, targets, writeReport, type BenchReport } from './report.js';
export { benchClients, floorClient, keeperClient, peerClients, type BenchClient } from './stages.js';
