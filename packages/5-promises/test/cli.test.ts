import { fileURLToPath } from 'node:url';

import { describeClientCli } from '@slow-poetry/test-kit';

// Every behaviour this CLI shares with stages 3, 4 and 6 (the tutorial's lines, a
// failed task, timeouts, --out, --trace, bad input, Ctrl-C, | head) is one suite.
describeClientCli({
  program: 'get-poetry-promises',
  cliPath: fileURLToPath(new URL('../dist/cli.js', import.meta.url)),
});
