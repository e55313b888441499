#!/usr/bin/env node
// Launcher for the tutorial's three-server scene (see bin/slowpoetry.js for why it exists).
import { launch } from '@slow-poetry/cli-kit/launch';

await launch('slowpoetry-scene', new URL('../dist/scene-cli.js', import.meta.url));
