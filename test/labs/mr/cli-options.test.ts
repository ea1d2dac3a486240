// The drivers' command lines (src/main/cli.ts over src/kit/args.ts): options
// anywhere before "--", in both spellings, and a missing or unknown option
// as a one-line usage error; --help prints the help and exits 0.

import { CommandLine, helpText, parseCommandLine, UsageError } from '../../../src/kit/args';
import { ENDPOINT_OPTION, parseDriverArgs } from '../../../src/main/cli';

/** The coordinator's table, as mrcoordinator.ts declares it. */
const COORDINATOR = {
  usage: 'mrcoordinator [--endpoint E] [--n-reduce N] inputfiles...',
  about: 'Starts the coordinator of a job.',
  options: { ...ENDPOINT_OPTION, 'n-reduce': { value: 'N', help: 'the number of reduce tasks' } },
  positionals: { name: 'inputfiles...', help: "the job's input files", min: 1 },
} satisfies CommandLine;

const WORKER = {
  usage: 'mrworker [--endpoint E] APP',
  about: 'Starts a worker.',
  options: { ...ENDPOINT_OPTION },
  positionals: { name: 'APP', help: 'the app', min: 1, max: 1 },
} satisfies CommandLine;

test('takes --name V and --name=V anywhere; the rest keeps its order', () => {
  expect(parseCommandLine(COORDINATOR, ['a.txt', '--n-reduce', '7', 'b.txt', '--endpoint=/s'])).toEqual({
    values: { 'n-reduce': '7', endpoint: '/s' },
    positionals: ['a.txt', 'b.txt'],
    help: false,
  });
  expect(parseCommandLine(COORDINATOR, ['a.txt']).values).toEqual({});
});

test('after "--" nothing is an option', () => {
  expect(parseCommandLine(COORDINATOR, ['--endpoint', '/s', '--', '--n-reduce', '3'])).toEqual({
    values: { endpoint: '/s' },
    positionals: ['--n-reduce', '3'],
    help: false,
  });
});

test('an option the driver does not take is refused by name', () => {
  expect(() => parseCommandLine(WORKER, ['--n-reduce', '3', 'wc'])).toThrow(
    new UsageError('unknown option "--n-reduce" (see --help)'),
  );
  expect(() => parseCommandLine(WORKER, ['--endpointy', 'x'])).toThrow('unknown option "--endpointy"');
});

test('a missing value is a usage error naming what is needed', () => {
  expect(() => parseCommandLine(COORDINATOR, ['x', '--n-reduce'])).toThrow(
    new UsageError('--n-reduce needs a value (N)'),
  );
  expect(() => parseCommandLine(WORKER, ['--endpoint'])).toThrow('--endpoint needs a value (E)');
});

test('missing or extra arguments show the usage line', () => {
  expect(() => parseCommandLine(WORKER, [])).toThrow(new UsageError('usage: mrworker [--endpoint E] APP'));
  expect(() => parseCommandLine(WORKER, ['wc', 'indexer'])).toThrow(
    'unexpected argument "indexer" (usage: mrworker [--endpoint E] APP)',
  );
});

describe('parseDriverArgs', () => {
  afterEach(() => jest.restoreAllMocks());

  test('returns the values and the arguments', () => {
    expect(parseDriverArgs(WORKER, ['--endpoint', ':9000', 'wc'])).toEqual({
      values: { endpoint: ':9000' },
      positionals: ['wc'],
    });
  });

  test('--help prints the help made from the table and exits 0', () => {
    const printed: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((text: string) => printed.push(text));
    jest.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    expect(() => parseDriverArgs(COORDINATOR, ['--help'])).toThrow('exit 0');
    expect(printed).toEqual([helpText(COORDINATOR)]);
    expect(printed[0]).toContain('--endpoint E');
    expect(printed[0]).toContain('$MR_ENDPOINT');
  });
});
