// The drivers' option parsing (src/main/cli.ts): options anywhere before
// "--", in both spellings, and a missing value as a one-line usage error.

import { takeEndpoint, takeOptions, UsageError } from '../src/main/cli';

const WANTED = { endpoint: 'a socket path or host:port', 'n-reduce': 'the number of reduce tasks' };

test('takes --name V and --name=V anywhere; the rest keeps its order', () => {
  expect(takeOptions(['a.txt', '--n-reduce', '7', 'b.txt', '--endpoint=/s'], WANTED)).toEqual({
    values: { 'n-reduce': '7', endpoint: '/s' },
    rest: ['a.txt', 'b.txt'],
  });
  expect(takeOptions(['a.txt'], WANTED)).toEqual({ values: {}, rest: ['a.txt'] });
});

test('after "--" nothing is an option', () => {
  expect(takeOptions(['--endpoint', '/s', '--', '--n-reduce', '3'], WANTED)).toEqual({
    values: { endpoint: '/s' },
    rest: ['--n-reduce', '3'],
  });
});

test('options it was not asked for stay in the rest (the caller rejects them)', () => {
  expect(takeOptions(['--n-reduce', '3', 'x'], { endpoint: 'E' })).toEqual({
    values: {},
    rest: ['--n-reduce', '3', 'x'],
  });
  expect(takeOptions(['--endpointy', 'x'], WANTED).rest).toEqual(['--endpointy', 'x']);
});

test('a missing value is a usage error naming what is needed', () => {
  expect(() => takeOptions(['x', '--n-reduce'], WANTED)).toThrow(
    new UsageError('--n-reduce needs a value (the number of reduce tasks)'),
  );
  expect(() => takeEndpoint(['--endpoint'])).toThrow('--endpoint needs a value (a socket path or host:port)');
});

test('takeEndpoint keeps its shape', () => {
  expect(takeEndpoint(['--endpoint', ':9000', 'wc'])).toEqual({ endpoint: ':9000', rest: ['wc'] });
});
