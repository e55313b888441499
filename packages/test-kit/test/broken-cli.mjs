// The reference client, broken: it does everything right, then exits with 3.
// Every scenario of the CLI suite checks the exit status, so each must fail.
process.on('exit', () => {
  process.exitCode = 3;
});
await import('./reference-cli.mjs');
