import { fileURLToPath } from 'node:url';

import { describeClientCli, describeTaskGroupCli } from '@slow-poetry/test-kit';

// Every behaviour this CLI shares with the other event-loop stages (the tutorial's
// lines, a failed task, timeouts, --out, --trace, bad input, Ctrl-C, | head) is one
// suite; --fail-fast and --concurrency, the same in every stage that offers them, another.
const client = {
  program: 'get-poetry-promises',
  cliPath: fileURLToPath(new URL('../dist/cli.js', import.meta.url)),
};
describeClientCli(client);
describeTaskGroupCli(client);
