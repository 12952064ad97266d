#!/usr/bin/env node
/** Entry point of the `stepwise` binary. */
import { processIO } from './common.js';
import { runCli } from './program.js';

// `stepwise ... | head` closes stdout early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// exitCode rather than exit() so that buffered output is flushed.
process.exitCode = await runCli(process.argv.slice(2), processIO);
