// `@slow-poetry/shared/testing`: the helpers and the CLI suite the stages' tests
// share. Like `./contract`, it imports vitest (a peer dependency), so only test
// code should import it.
export {
  cliAt,
  closedPort,
  closeServers,
  durationPattern,
  nextEnd,
  openDescriptors,
  openSockets,
  poem,
  poemPath,
  runCli,
  runScript,
  scratchDir,
  serve,
  serveProcess,
  sleep,
  startCli,
  type CliRun,
  type StartedCli,
} from './test-helpers.js';
export { describeClientCli, type ClientCliUnderTest } from './cli-suite.js';
