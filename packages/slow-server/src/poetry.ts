// Where the project's poems live, and the tutorial's scene of three servers.
import { fileURLToPath } from 'node:url';

/** The repository's poetry/ folder (the same path from src/ and from dist/). */
export const poetryDir = fileURLToPath(new URL('../../../poetry/', import.meta.url));

export interface SceneServer {
  /** A file in poetry/. */
  poem: string;
  /** Offset from the scene's base port (10000 in the tutorial). */
  portOffset: number;
  numBytes: number;
}

/**
 * The tutorial's three servers: Donne's long poem goes 30 bytes a chunk so that
 * all three finish at about the same time; each sends a chunk every 0.1 s.
 */
export const tutorialScene: readonly SceneServer[] = [
  { poem: 'ecstasy.txt', portOffset: 0, numBytes: 30 },
  { poem: 'fascination.txt', portOffset: 1, numBytes: 10 },
  { poem: 'science.txt', portOffset: 2, numBytes: 10 },
];

export const tutorialBasePort = 10000;
export const tutorialDelay = 0.1;
