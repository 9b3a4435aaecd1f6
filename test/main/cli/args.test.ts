import { describe, expect, it } from 'vitest';
import { commandHelp, parseArgs } from '../../../main/cli/args';
import { UsageError, type CliIo, type Command } from '../../../main/cli/command';
import { commands } from '../../../main/cli/commands/index';
import { globalHelp, runCli } from '../../../main/cli/run-cli';

const cmd: Command = {
  name: 'demo',
  summary: 'A demo command.',
  options: [
    { name: 'port', type: 'int', description: 'port', placeholder: 'N' },
    { name: 'rate', type: 'number', description: 'rate' },
    { name: 'open', type: 'boolean', negatable: true, description: 'open' },
    { name: 'tag', type: 'string', repeatable: true, description: 'tags', short: 't' },
  ],
  positionals: [{ name: 'file', description: 'input' }, { name: 'more', description: 'rest', optional: true, variadic: true }],
  async run(args, io) {
    io.out(JSON.stringify(args));
    return 0;
  },
};

function capture(): CliIo & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, out: (l) => outLines.push(l), err: (l) => errLines.push(l), interrupted: Promise.resolve() };
}

describe('parseArgs', () => {
  it('parses typed options, negations, repeats, short aliases and positionals', () => {
    const a = parseArgs(cmd, ['a.onnx', '--port', '8080', '--rate=0.5', '--no-open', '-t', 'x', '--tag', 'y', 'b', '--', '--literal']);
    expect(a.options).toEqual({ port: 8080, rate: 0.5, open: false, tag: ['x', 'y'] });
    expect(a.positionals).toEqual(['a.onnx', 'b', '--literal']);
  });

  it.each([
    [['f', '--port', 'abc'], /--port expects an integer, got "abc"/],
    [['f', '--port', '1.5'], /--port expects an integer/],
    [['f', '--rate', 'fast'], /--rate expects a number/],
    [['f', '--port'], /--port needs a value/],
    [['f', '--bogus'], /unknown option --bogus/],
    [['f', '-z'], /unknown option -z/],
    [['f', '--open=yes'], /--open takes no value/],
    [['f', '--port', '1', '--port', '2'], /given more than once/],
    [[], /missing argument <file>/],
  ])('%j -> one-line UsageError', (argv, msg) => {
    expect(() => parseArgs(cmd, argv)).toThrow(UsageError);
    expect(() => parseArgs(cmd, argv)).toThrow(msg);
  });

  it('rejects extra positionals when the last one is not variadic', () => {
    const strict: Command = { ...cmd, positionals: [{ name: 'file', description: 'x' }] };
    expect(() => parseArgs(strict, ['a', 'b'])).toThrow(/unexpected argument "b"/);
  });

  it('writes help naming every option', () => {
    const help = commandHelp(cmd);
    for (const flag of ['--port N', '--rate NUMBER', '--[no-]open', '-t, --tag', '--help', '<file>', '[<more>...]']) expect(help).toContain(flag);
  });
});

describe('runCli', () => {
  it('runs a command and returns its code', async () => {
    const io = capture();
    expect(await runCli(['demo', 'f'], [cmd], io)).toBe(0);
    expect(JSON.parse(io.outLines[0])).toEqual({ options: {}, positionals: ['f'] });
  });

  it('exits 2 with one line on bad arguments and unknown commands', async () => {
    const io = capture();
    expect(await runCli(['demo', 'f', '--port', 'x'], [cmd], io)).toBe(2);
    expect(await runCli(['nope'], [cmd], io)).toBe(2);
    expect(io.errLines).toEqual(['convlab demo: --port expects an integer, got "x"', 'convlab: unknown command "nope" (known: demo)']);
  });

  it('exits 1 with the message when a command fails', async () => {
    const failing: Command = { ...cmd, name: 'boom', positionals: [], run: async () => { throw new Error('disk full'); } };
    const io = capture();
    expect(await runCli(['boom'], [failing], io)).toBe(1);
    expect(io.errLines).toEqual(['convlab boom: disk full']);
  });

  it('answers --help for every command in the table, and lists them all', async () => {
    for (const c of commands) {
      const io = capture();
      expect(await runCli([c.name, '--help'], commands, io)).toBe(0);
      expect(io.outLines.join('\n')).toContain(`Usage: convlab ${c.name}`);
    }
    const help = globalHelp(commands);
    for (const c of commands) expect(help).toContain(c.name);
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['serve', 'doctor']));
    expect(new Set(commands.map((c) => c.name)).size).toBe(commands.length);
  });
});
