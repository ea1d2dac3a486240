// The kit's command-line parser (src/kit/args.ts), which every tool uses:
// its rules, its one-line errors, and a --help made from the same table.

import { CommandLine, helpText, parseCommandLine, UsageError } from '../../src/kit/args';

const TOOL = {
  usage: 'tool [quiet] [options] FILE...',
  about: 'A tool for these tests.',
  options: {
    out: { value: 'DIR', help: 'where the output goes' },
    count: { value: 'N', help: 'how many\nof them (a second line)', short: 'n' },
    tag: { value: 'T', help: 'a tag; may be given more than once', multiple: true },
    quiet: { help: 'say less' },
    keep: { help: 'keep everything' },
  },
  bareWords: { quiet: 'quiet' },
  positionals: { name: 'FILE...', help: 'the files', min: 1, max: 3 },
  epilogue: 'examples:\n  tool --out /tmp a.txt',
} satisfies CommandLine;

const parse = (argv: string[]) => parseCommandLine(TOOL, argv);

/** The message of the UsageError that parsing argv throws. */
function usageError(argv: string[], cli: CommandLine = TOOL): string {
  try {
    parseCommandLine(cli, argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted`);
}

describe('values', () => {
  test('--name V and --name=V, options before, between and after the arguments', () => {
    expect(parse(['a', '--out', '/o', 'b', '--count=3', '-n', '4', 'c', '--keep'])).toEqual({
      values: { out: '/o', count: '4', keep: true },
      positionals: ['a', 'b', 'c'],
      help: false,
    });
  });

  test('a value may start with one dash, so that its own check can say what is wrong with it', () => {
    expect(parse(['--count', '-1', 'a']).values.count).toBe('-1');
    expect(parse(['-n', '-2', 'a']).values.count).toBe('-2');
    expect(parse(['--count=-3', 'a']).values.count).toBe('-3');
  });

  test('an option given more than once keeps every value, in order, when its table says so', () => {
    expect(parse(['--tag', 'x', 'a', '--tag=y']).values.tag).toEqual(['x', 'y']);
    expect(parse(['--out', '1', '--out', '2', 'a']).values.out).toBe('2');
  });

  test('after "--" nothing is an option, and no bare word a flag', () => {
    expect(parse(['a', '--', '--keep', 'quiet'])).toEqual({
      values: {},
      positionals: ['a', '--keep', 'quiet'],
      help: false,
    });
  });
});

describe('bare words', () => {
  test('the course\'s bare "quiet" is --quiet, anywhere among the options', () => {
    expect(parse(['quiet', 'a']).values.quiet).toBe(true);
    expect(parse(['a', 'quiet', '--keep']).values).toEqual({ quiet: true, keep: true });
    expect(parse(['a', 'quiet']).positionals).toEqual(['a']);
  });

  test('in a table without bare words, "quiet" is an argument like any other', () => {
    const plain = { ...TOOL, bareWords: undefined };
    expect(parseCommandLine(plain, ['quiet']).positionals).toEqual(['quiet']);
  });
});

describe('errors: one line, naming the option', () => {
  test('an unknown option', () => {
    expect(usageError(['a', '--bogus'])).toBe('unknown option "--bogus" (see --help)');
    expect(usageError(['--bogus=1', 'a'])).toBe('unknown option "--bogus" (see --help)');
    expect(usageError(['-x', 'a'])).toBe('unknown option "-x" (see --help)');
    expect(usageError(['--Out', '/o', 'a'])).toBe('unknown option "--Out" (see --help)');
  });

  test('a missing value: at the end, before another option, or empty', () => {
    expect(usageError(['a', '--out'])).toBe('--out needs a value (DIR)');
    expect(usageError(['--out', '--keep', 'a'])).toBe('--out needs a value (DIR)');
    expect(usageError(['--out=', 'a'])).toBe('--out needs a value (DIR)');
    expect(usageError(['a', '-n'])).toBe('-n needs a value (N)');
  });

  test('a flag given a value', () => {
    expect(usageError(['--keep=yes', 'a'])).toBe('--keep takes no value');
    expect(usageError(['--help=1'])).toBe('--help takes no value');
  });

  test('too few or too many arguments', () => {
    expect(usageError([])).toBe('usage: tool [quiet] [options] FILE...');
    expect(usageError(['--keep', 'quiet'])).toBe('usage: tool [quiet] [options] FILE...');
    expect(usageError(['a', 'b', 'c', 'd', 'e'])).toBe(
      'unexpected argument "d" (usage: tool [quiet] [options] FILE...)',
    );
  });

  test('any argument, for a tool that takes none', () => {
    const none = { usage: 'none [options]', about: 'Takes no arguments.', options: {} } satisfies CommandLine;
    expect(parseCommandLine(none, [])).toEqual({ values: {}, positionals: [], help: false });
    expect(usageError(['stray'], none)).toBe('unexpected argument "stray" (see --help)');
  });

  test('every message is a single line', () => {
    for (const argv of [['--bogus'], ['--out'], ['--keep=1'], [], ['a', 'b', 'c', 'd'], ['--out', '-']]) {
      let message = '';
      try {
        parse(argv);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).not.toContain('\n');
    }
  });
});

describe('--help', () => {
  test("-h and --help are every tool's, and need none of its arguments", () => {
    expect(parse(['--help']).help).toBe(true);
    expect(parse(['-h']).help).toBe(true);
    expect(parse(['--out', '/o', '--help']).values).toEqual({ out: '/o' });
    expect(parse(['a']).help).toBe(false);
  });

  test('a table cannot declare its own help', () => {
    const clash = { ...TOOL, options: { help: { help: 'mine' } } };
    expect(() => parseCommandLine(clash, [])).toThrow(/do not declare them/);
    expect(() => helpText(clash)).toThrow(/do not declare them/);
  });

  test('lists every option of the table, with its value and its help, and -h, --help', () => {
    const text = helpText(TOOL);
    const lines = text.split('\n');
    for (const [name, spec] of Object.entries(TOOL.options) as [string, { value?: string; help: string }][]) {
      const row = lines.find((line) => line.includes(`--${name}`));
      expect(row).toBeDefined();
      if (spec.value) expect(row).toContain(`--${name} ${spec.value}`);
      expect(row).toContain(spec.help.split('\n')[0]);
    }
    expect(text).toMatch(/^ {2}-h, --help +show this help$/m);
    expect(text).toMatch(/^ {2}-n, --count N +how many$/m);
    expect(text).toMatch(/^ {2}quiet, --quiet +say less$/m);
  });

  test('reads as usage, about, arguments, options and epilogue, each help in one column', () => {
    const text = helpText(TOOL);
    expect(text.split('\n').slice(0, 6)).toEqual([
      'usage: tool [quiet] [options] FILE...',
      '',
      'A tool for these tests.',
      '',
      'arguments:',
      expect.stringMatching(/^ {2}FILE\.\.\. +the files$/),
    ]);
    expect(text).toContain('\noptions:\n');
    expect(text.endsWith('\n\nexamples:\n  tool --out /tmp a.txt')).toBe(true);
    const column = text
      .split('\n')
      .find((l) => l.includes('how many'))!
      .indexOf('how many');
    expect(
      text
        .split('\n')
        .find((l) => l.includes('a second line'))!
        .indexOf('of them'),
    ).toBe(column);
    expect(
      text
        .split('\n')
        .find((l) => l.includes('where the output'))!
        .indexOf('where'),
    ).toBe(column);
  });

  test('long lines are wrapped at 100 columns', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const long = { ...TOOL, options: { out: { value: 'DIR', help: words } }, epilogue: `  ids: ${words}` };
    const lines = helpText(long).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(lines.join(' ').replace(/ +/g, ' ')).toContain(words);
    expect(lines.filter((l) => l.startsWith('    word'))).not.toHaveLength(0); // the epilogue's hanging indent
  });
});
