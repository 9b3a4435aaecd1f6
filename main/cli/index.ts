/** `convlab` CLI entry (built to out/main/cli.js; bin/convlab.js runs it). */
import { commands } from './commands/index';
import { runCli } from './run-cli';

const interrupted = new Promise<void>((resolve) => {
  const stop = (): void => {
    resolve();
    // Commands get a few seconds to close cleanly; a second signal or the timer ends the process.
    setTimeout(() => process.exit(130), 5_000).unref();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
});

const code = await runCli(process.argv.slice(2), commands, {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  interrupted,
});
process.exitCode = code;
// Commands that hold servers or pools close them before returning; exit explicitly so a stray handle cannot hang the CLI.
process.exit(code);
