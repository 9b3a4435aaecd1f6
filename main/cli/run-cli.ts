/** `convlab <command> [options]`: dispatch, --help, one-line errors with exit code 2. */
import { UsageError, type CliIo, type Command } from './command';
import { commandHelp, parseArgs } from './args';

export function globalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: convlab <command> [options]',
    '',
    'ConvLab: a desktop lab for convolutional neural networks.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    'Run `convlab <command> --help` for its options.',
  ].join('\n');
}

export async function runCli(argv: readonly string[], commands: readonly Command[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(globalHelp(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`convlab: unknown command "${name}" (known: ${commands.map((c) => c.name).join(', ')})`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(command));
    return 0;
  }
  try {
    return await command.run(parseArgs(command, rest), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`convlab ${command.name}: ${e.message}`);
      return 2;
    }
    io.err(`convlab ${command.name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
