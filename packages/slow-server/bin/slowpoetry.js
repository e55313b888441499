#!/usr/bin/env node
// pnpm links this launcher when the workspace is installed, before `dist/` is built,
// so it must exist in the source tree. It only hands over to the compiled CLI.
import { launch } from '@slow-poetry/cli-kit/launch';

await launch('slowpoetry', new URL('../dist/cli.js', import.meta.url));
