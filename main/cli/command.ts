/**
 * The shape of one CLI command. Each command lives in its own file under commands/ and is listed
 * once in commands/index.ts; the entry (cli/index.ts) does parsing, --help and error reporting.
 */

export type OptionType = 'string' | 'int' | 'number' | 'boolean';

export interface OptionSpec {
  /** Long name without dashes: `port` for `--port`. */
  name: string;
  type: OptionType;
  description: string;
  /** Shown in --help as the value placeholder (`N`, `FILE`). */
  placeholder?: string;
  /** Booleans only: also accept `--no-<name>` (sets false). */
  negatable?: boolean;
  /** May be given more than once (values collected in a list, strings only). */
  repeatable?: boolean;
  /** One-letter alias without the dash. */
  short?: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  optional?: boolean;
  /** Last positional only: collects the remaining arguments. */
  variadic?: boolean;
}

export type OptionValue = string | number | boolean | string[];

export interface ParsedArgs {
  /** Options by long name; absent when not given. */
  options: Readonly<Record<string, OptionValue>>;
  positionals: readonly string[];
}

/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the user asks to stop (Ctrl+C); long-running commands await it. */
  interrupted: Promise<void>;
}

export interface Command {
  /** The word after `convlab`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Extra paragraphs for `convlab <name> --help`. */
  details?: string;
  options: readonly OptionSpec[];
  positionals?: readonly PositionalSpec[];
  /** Returns the process exit code. Throw UsageError for bad arguments (exit 2, one line). */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** Bad arguments: the CLI prints `convlab <cmd>: <message>` on one line and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Typed readers for ParsedArgs (the parser already checked types; these narrow them). */
export function optString(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  return typeof v === 'string' ? v : undefined;
}

export function optNumber(args: ParsedArgs, name: string): number | undefined {
  const v = args.options[name];
  return typeof v === 'number' ? v : undefined;
}

export function optBool(args: ParsedArgs, name: string, fallback: boolean): boolean {
  const v = args.options[name];
  return typeof v === 'boolean' ? v : fallback;
}

export function optList(args: ParsedArgs, name: string): string[] {
  const v = args.options[name];
  if (Array.isArray(v)) return v;
  return typeof v === 'string' ? [v] : [];
}
