// The slow poetry server as a library: for tests, the comparison tool and the benchmarks.
export { chunksFrom, chunksOf, preparePoem, type Chunks, type ChunkOptions, type PreparedPoem } from './chunks.js';
export { logServer, type LogOptions } from './log.js';
export { defaultMaxConnections, fileDescriptorMargin, maxConnectionsFor, openFileLimit } from './open-file-limit.js';
export { poetryDir, tutorialBasePort, tutorialDelay, tutorialScene, type SceneServer } from './poetry.js';
export { startScene, type RunningScene, type SceneOptions } from './scene.js';
export { readPoem } from './serve-args.js';
export {
  defaults,
  idealDuration,
  maxNumBytes,
  startServer,
  type ClientInfo,
  type Fault,
  type Outcome,
  type ServerEvents,
  type ServerOptions,
  type SlowServer,
} from './server.js';
export { sceneCliPath, serverCliPath, spawnServer, type ServerProcess } from './spawn.js';
