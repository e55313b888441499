import { fileURLToPath } from 'node:url';

import { describeClientCli } from '../src/cli-suite.js';
import { describeTaskGroupCli } from '../src/task-group-suite.js';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

describeClientCli({ program: 'get-poetry-reference', cliPath: here('reference-cli.mjs') });

// The suite must be able to fail: a client that ends with the wrong exit status is caught.
describeClientCli({ program: 'get-poetry-reference', cliPath: here('broken-cli.mjs') }, { expectFailure: true });

describeTaskGroupCli({ program: 'get-poetry-reference', cliPath: here('reference-cli.mjs') });
describeTaskGroupCli({ program: 'get-poetry-reference', cliPath: here('broken-cli.mjs') }, { expectFailure: true });
