import { fileURLToPath } from 'node:url';

import { describeClientCli, describeTaskGroupCli } from '@slow-poetry/test-kit';

const client = {
  program: 'get-poetry-coroutines',
  cliPath: fileURLToPath(new URL('../dist/cli.js', import.meta.url)),
};

// Every behaviour this CLI shares with stages 3, 5 and 6 (the tutorial's lines, a
// failed task, timeouts, --out, --trace, bad input, Ctrl-C, | head) is one suite;
// --fail-fast and --concurrency are another.
describeClientCli(client);
describeTaskGroupCli(client);
