// Tokenization shared by wc and indexer: maximal runs of Unicode letters
// (general category L), as Go's strings.FieldsFunc with unicode.IsLetter.

import * as fs from 'fs';
import * as path from 'path';
import { words } from '../../../src/mrapps/lib/text';
import { useTempDir } from '../../helpers/tmpdir';

test('splits ASCII text at everything but letters', () => {
  expect(words('The quick brown fox, "jumped"; over\tthe\nLAZY dog!')).toEqual([
    'The',
    'quick',
    'brown',
    'fox',
    'jumped',
    'over',
    'the',
    'LAZY',
    'dog',
  ]);
});

test('splits at digits, apostrophes, hyphens and underscores', () => {
  expect(words("don't")).toEqual(['don', 't']);
  expect(words('abc123def 42 7th')).toEqual(['abc', 'def', 'th']);
  expect(words('well-known snake_case')).toEqual(['well', 'known', 'snake', 'case']);
});

test('keeps non-ASCII letters inside words', () => {
  expect(words('café naïve straße Größe señor')).toEqual(['café', 'naïve', 'straße', 'Größe', 'señor']);
  expect(words('λόγος, слово; Москва')).toEqual(['λόγος', 'слово', 'Москва']);
  expect(words('ＡＢＣ ǅemal ʰa')).toEqual(['ＡＢＣ', 'ǅemal', 'ʰa']); // fullwidth, Lt, Lm
});

test('keeps letters outside the BMP whole (no split surrogate halves)', () => {
  const found = words('x \u{10400}\u{1042F}\u{10445}, \u{1D49C}\u{1D4B7}c k\u{10330}t.');
  expect(found).toEqual(['x', '\u{10400}\u{1042F}\u{10445}', '\u{1D49C}\u{1D4B7}c', 'k\u{10330}t']);
  expect([...found[1]].length).toBe(3);
});

test('splits at marks, as Go does (a combining accent is not a letter)', () => {
  expect(words('cafe\u0301s')).toEqual(['cafe', 's']); // U+0301 is Mn
  expect(words('a\u0903b')).toEqual(['a', 'b']); // Mc
  expect(words('x\u20DDy')).toEqual(['x', 'y']); // Me
  expect(words('a\u2165b\u0663c')).toEqual(['a', 'b', 'c']); // Nl (Roman six) and Nd (Arabic-Indic three)
});

test('gives no words for empty text or text without letters', () => {
  expect(words('')).toEqual([]);
  expect(words('  123, 456! -- \n\n')).toEqual([]);
});

describe('invalid UTF-8 read from a file', () => {
  const tmp = useTempDir('mr-text-');

  test('decodes bad bytes to U+FFFD, which splits words', () => {
    const file = path.join(tmp.path, 'bad.txt');
    // "ab" 0xff "cd" 0xc3 (truncated sequence) "ef" 0xed 0xa0 0x80 (a surrogate, invalid in UTF-8) "gh"
    fs.writeFileSync(file, Buffer.from([0x61, 0x62, 0xff, 0x63, 0x64, 0xc3, 0x65, 0x66, 0xed, 0xa0, 0x80, 0x67, 0x68]));
    const contents = fs.readFileSync(file, 'utf8');
    expect(contents).toContain('\ufffd');
    expect(words(contents)).toEqual(['ab', 'cd', 'ef', 'gh']);
  });
});
