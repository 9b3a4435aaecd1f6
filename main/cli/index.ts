/** `convlab` CLI entry (built to out/main/cli.js; bin/convlab.js runs it). */
import { commands } from './commands/index';
import { runCli } from './run-cli';

const interrupted = new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});

const code = await runCli(process.argv.slice(2), commands, {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  interrupted,
});
process.exitCode = code;
// Commands that hold servers or pools close them before returning; exit explicitly so a stray handle cannot hang the CLI.
process.exit(code);
