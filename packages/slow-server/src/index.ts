// The slow poetry server as a library: for tests, the comparison tool and the benchmarks.
export { chunksOf, type Chunks, type ChunkOptions } from './chunks.js';
export { logServer, type LogOptions } from './log.js';
export { poetryDir, tutorialBasePort, tutorialDelay, tutorialScene, type SceneServer } from './poetry.js';
export { startScene, type RunningScene, type SceneOptions } from './scene.js';
export { readPoem } from './serve-args.js';
export {
  defaults,
  idealDuration,
  startServer,
  type ClientInfo,
  type Fault,
  type Outcome,
  type ServerEvents,
  type ServerOptions,
  type SlowServer,
} from './server.js';
export { sceneCliPath, serverCliPath, spawnServer, type ServerProcess } from './spawn.js';
