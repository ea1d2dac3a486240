// Command lines, the same way for every tool of the kit: one table of
// options per tool, parsed by node:util's parseArgs, with the --help text
// made from the same table, so that the help cannot drift from what is
// parsed. The rules, everywhere: "--name V" or "--name=V"; -h and --help;
// options may come before, between or after the other arguments, and
// nothing after "--" is an option. Bad input is a UsageError: one line for
// the user, never a stack trace.

import { parseArgs } from 'util';

/** A problem with what the user typed (or gave us): shown as one line, then a non-zero exit. */
export class UsageError extends Error {}

/** One option of a tool. A `value` (such as "DIR") makes it take one; without it, it is a flag. */
export interface OptionSpec {
  value?: string;
  /** One line, or several separated by "\n" (each is indented under the first). */
  help: string;
  short?: string;
  /** May be given more than once (each value is kept, in order). */
  multiple?: boolean;
}

export type OptionTable = Record<string, OptionSpec>;

/** What a table parses into: strings for options with a value, booleans for flags. */
export type Parsed<T extends OptionTable> = {
  [K in keyof T]?: T[K] extends { value: string } ? (T[K] extends { multiple: true } ? string[] : string) : boolean;
};

export interface CommandLine {
  /** "test-mr [quiet] [options]": the first line of the help. */
  usage: string;
  /** What the tool does, in a sentence or two. */
  about: string;
  /** Every tool also has -h and --help; the table must not declare them. */
  options: OptionTable;
  /** Bare words that stand for a flag, as the course's `quiet`: word -> option name. */
  bareWords?: Record<string, string>;
  /** Arguments that are not options ("OUTDIR", "inputfiles..."); none are allowed without it. */
  positionals?: { name: string; help: string; min?: number; max?: number };
  /** Lines after the options (examples, notes). */
  epilogue?: string;
}

/** The option every tool has, listed last in its help. */
const HELP: OptionTable = { help: { short: 'h', help: 'show this help' } };

/**
 * Parses argv (without node and the script) against a command line's table.
 * `help` is true when -h or --help was given: the caller prints helpText(cli)
 * and stops, and the positionals are not checked (`tool --help` is enough).
 */
export function parseCommandLine<T extends OptionTable>(
  cli: CommandLine & { options: T },
  argv: string[],
): { values: Parsed<T>; positionals: string[]; help: boolean } {
  const options = allOptions(cli);
  const parsed = parseStrictly(joinDashedValues(argv, options), options);
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const help = values.help === true;
  delete values.help;

  // A bare word stands for its flag only among the options: after "--" it is an argument like any other.
  const positionals: string[] = [];
  let afterTerminator = false;
  for (const token of parsed.tokens) {
    if (token.kind === 'option-terminator') afterTerminator = true;
    if (token.kind !== 'positional') continue;
    const flag = afterTerminator ? undefined : cli.bareWords?.[token.value];
    if (flag) values[flag] = true;
    else positionals.push(token.value);
  }

  for (const [name, spec] of Object.entries(cli.options)) {
    const given = values[name];
    for (const v of Array.isArray(given) ? given : [given]) {
      if (spec.value && v === '') throw new UsageError(`--${name} needs a value (${spec.value})`);
    }
  }
  if (!help) checkPositionals(cli, positionals);
  return { values: values as Parsed<T>, positionals, help };
}

/** node:util's parseArgs over the table, its errors turned into UsageErrors in our words. */
function parseStrictly(argv: string[], options: OptionTable) {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(options)) {
    config[name] = { type: spec.value ? 'string' : 'boolean' };
    if (spec.short) config[name].short = spec.short;
    if (spec.multiple) config[name].multiple = true;
  }
  try {
    return parseArgs({ args: argv, options: config, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    throw new UsageError(describeParseError(err, argv, options));
  }
}

/** The table with -h/--help added; a table that declares them itself is the kit's own mistake. */
function allOptions(cli: CommandLine): OptionTable {
  if ('help' in cli.options || Object.values(cli.options).some((spec) => spec.short === 'h')) {
    throw new Error(`${cli.usage}: -h and --help are every tool's; do not declare them`);
  }
  return { ...cli.options, ...HELP };
}

/**
 * "--name V" as "--name=V" when V starts with one dash, as "-1" or "-5MB":
 * parseArgs refuses such a value as ambiguous, but it is a value, and the
 * tool's own check can then say what is wrong with it. A word starting with
 * "--" stays an option, so "--seed --keep" says that --seed needs a value.
 */
function joinDashedValues(argv: string[], options: OptionTable): string[] {
  const takesValue = (arg: string): boolean => {
    const long = /^--([^=]+)$/.exec(arg)?.[1];
    if (long !== undefined) return Boolean(options[long]?.value);
    const short = /^-([^-])$/.exec(arg)?.[1];
    return short !== undefined && Object.values(options).some((spec) => spec.short === short && spec.value);
  };
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      joined.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (takesValue(arg) && next !== undefined && /^-(?!-)./.test(next)) {
      joined.push(`${arg}=${next}`.replace(/^-([^-])=/, '-$1')); // a short option takes it glued: -n-1
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

/** The positional arguments' count: too few shows the usage, as most tools do; too many names the first extra. */
function checkPositionals(cli: CommandLine, positionals: string[]): void {
  const pos = cli.positionals;
  if (!pos) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (see --help)`);
    return;
  }
  if (positionals.length < (pos.min ?? 0)) throw new UsageError(`usage: ${cli.usage}`);
  if (pos.max !== undefined && positionals.length > pos.max) {
    throw new UsageError(`unexpected argument "${positionals[pos.max]}" (usage: ${cli.usage})`);
  }
}

/**
 * parseArgs's errors name the option in its own words ("Option '-n, --count
 * <value>' argument missing"); ours name it as the user typed it, and say
 * what to do.
 */
function describeParseError(err: unknown, argv: string[], options: OptionTable): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  const named = (/'([^']*)'/.exec(message)?.[1] ?? '').split(/[ ,]+/).filter((word) => word.startsWith('-'));
  const typed = named.find((option) => argv.some((arg) => arg === option || arg.startsWith(`${option}=`)));
  const option = typed ?? named[named.length - 1] ?? '';
  const name = option.replace(/^-+/, '');
  const spec = option.startsWith('--') ? options[name] : Object.values(options).find((s) => s.short === name);
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option "${option}" (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (spec && !spec.value) return `${option} takes no value`;
      return `${option} needs a value${spec?.value ? ` (${spec.value})` : ''}`;
    default:
      return message.split('\n')[0];
  }
}

/** The --help text, made from the table. */
export function helpText(cli: CommandLine): string {
  const args: [string, string][] = cli.positionals ? [[cli.positionals.name, cli.positionals.help]] : [];
  const options: [string, string][] = Object.entries(allOptions(cli)).map(([name, spec]) => {
    const words = Object.entries(cli.bareWords ?? {}).filter(([, flag]) => flag === name);
    const aliases = [...words.map(([word]) => word), ...(spec.short ? [`-${spec.short}`] : [])];
    const left = [...aliases, `--${name}${spec.value ? ` ${spec.value}` : ''}`].join(', ');
    return [left, spec.help];
  });
  // Each option's help starts in one column; a name too long for it puts its help on the next line.
  const width = Math.min(28, Math.max(...[...args, ...options].map(([left]) => left.length)) + 2);
  const indent = ' '.repeat(width + 2);
  const rows = (table: [string, string][]) =>
    table.map(([left, right]) => {
      const head = left.length >= width ? `  ${left}\n${indent}` : `  ${left.padEnd(width)}`;
      const lines = right.split('\n').flatMap((line) => wrap(line, HELP_WIDTH - indent.length));
      return head + lines.join(`\n${indent}`);
    });
  return [
    `usage: ${cli.usage}`,
    '',
    ...wrap(cli.about, HELP_WIDTH),
    ...(args.length ? ['', 'arguments:', ...rows(args)] : []),
    '',
    'options:',
    ...rows(options),
    ...(cli.epilogue ? ['', ...cli.epilogue.split('\n').flatMap((line) => wrap(line, HELP_WIDTH, '  '))] : []),
  ].join('\n');
}

/** The help's width in columns: what a terminal shows whole, next to an editor. */
const HELP_WIDTH = 100;

/** A line broken at spaces into lines of at most `width`; each further line gets the first's indent and `hanging`. */
function wrap(line: string, width: number, hanging = ''): string[] {
  const indent = /^ */.exec(line)![0];
  const lines: string[] = [];
  let current = '';
  for (const word of line.trim().split(/ +/)) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = indent + hanging + word;
    } else {
      current = current === '' ? indent + word : `${current} ${word}`;
    }
  }
  return [...lines, current];
}
