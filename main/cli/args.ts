/** Parses argv for one command against its OptionSpec list. Throws UsageError with one line. */
import { UsageError, type Command, type OptionSpec, type OptionValue, type ParsedArgs } from './command';

function convert(spec: OptionSpec, raw: string): OptionValue {
  if (spec.type === 'int') {
    if (!/^-?\d+$/.test(raw)) throw new UsageError(`--${spec.name} expects an integer, got "${raw}"`);
    return Number(raw);
  }
  if (spec.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${spec.name} expects a number, got "${raw}"`);
    return n;
  }
  return raw;
}

export function parseArgs(command: Command, argv: readonly string[]): ParsedArgs {
  const byName = new Map(command.options.map((o) => [o.name, o]));
  const byShort = new Map(command.options.filter((o) => o.short).map((o) => [o.short, o]));
  const options: Record<string, OptionValue> = {};
  const positionals: string[] = [];
  let onlyPositionals = false;

  const put = (spec: OptionSpec, value: OptionValue): void => {
    if (spec.repeatable && typeof value === 'string') {
      const prev = options[spec.name];
      options[spec.name] = Array.isArray(prev) ? [...prev, value] : [value];
      return;
    }
    if (spec.name in options) throw new UsageError(`--${spec.name} given more than once`);
    options[spec.name] = value;
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byName.get(name);
      if (!spec && name.startsWith('no-')) {
        const neg = byName.get(name.slice(3));
        if (neg && neg.type === 'boolean' && neg.negatable) {
          if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
          put(neg, false);
          continue;
        }
      }
      if (!spec) throw new UsageError(`unknown option --${name} (see convlab ${command.name} --help)`);
    } else {
      spec = byShort.get(arg.slice(1));
      if (!spec) throw new UsageError(`unknown option ${arg} (see convlab ${command.name} --help)`);
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
      put(spec, true);
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`--${spec.name} needs a value`);
    put(spec, convert(spec, raw));
  }

  const specs = command.positionals ?? [];
  const variadic = specs.length > 0 && specs[specs.length - 1].variadic === true;
  const required = specs.filter((p) => !p.optional).length;
  if (positionals.length < required) {
    const missing = specs[positionals.length];
    throw new UsageError(`missing argument <${missing.name}> (see convlab ${command.name} --help)`);
  }
  if (!variadic && positionals.length > specs.length) {
    throw new UsageError(`unexpected argument "${positionals[specs.length]}" (see convlab ${command.name} --help)`);
  }
  return { options, positionals };
}

/** The text of `convlab <name> --help`. */
export function commandHelp(command: Command): string {
  const pos = (command.positionals ?? []).map((p) => {
    const word = `<${p.name}>${p.variadic ? '...' : ''}`;
    return p.optional ? `[${word}]` : word;
  });
  const lines = [`Usage: convlab ${command.name}${command.options.length ? ' [options]' : ''}${pos.length ? ' ' + pos.join(' ') : ''}`, '', command.summary];
  if (command.details) lines.push('', command.details);
  if (command.positionals?.length) {
    lines.push('', 'Arguments:');
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(22)} ${p.description}`);
  }
  lines.push('', 'Options:');
  for (const o of command.options) {
    const flag = o.type === 'boolean' ? `--${o.negatable ? '[no-]' : ''}${o.name}` : `--${o.name} ${o.placeholder ?? o.type.toUpperCase()}`;
    const short = o.short ? `-${o.short}, ` : '';
    lines.push(`  ${(short + flag).padEnd(22)} ${o.description}`);
  }
  lines.push(`  ${'--help'.padEnd(22)} show this help`);
  return lines.join('\n');
}
