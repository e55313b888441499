// The comparison as a library: run it, then draw the result as text or SVG.
export { parseCompareArgs, usage } from './args.js';
export {
  compare,
  totalMeasuredBy,
  type CompareOptions,
  type Comparison,
  type ProgressSink,
  type ServerResult,
  type StageResult,
} from './compare.js';
export { plainProgress, renderBars, ttyProgress } from './progress.js';
export { legend, renderText, row } from './report-text.js';
export { readTrace, runStage, type StageRun, type TaskResult } from './run-stage.js';
export { compareLauncher } from './launcher.js';
export { idealMs, planServers, type ServerPlan, type ServerSettings } from './servers.js';
export { defaultPackagesDir, stagesToCompare, parseSignatures, readSignature, type StageInfo } from './stages.js';
export { combinedSvg, escapeXml, stageFileName, stageSvg, writeSvgs } from './svg.js';
export { lanes, seconds, type Lane } from './timeline.js';
