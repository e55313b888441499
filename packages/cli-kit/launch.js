// Shared by the launchers: import the compiled entry point, or explain in one line
// that the workspace has not been built yet (instead of a module-not-found stack trace).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function launch(name, entry) {
  if (!existsSync(fileURLToPath(entry))) {
    process.stderr.write(`${name}: not built yet; run 'pnpm build' at the repository root\n`);
    process.exit(2);
  }
  await import(entry.href);
}
