// The generated input texts: reproducible from the generator, English-like,
// with some non-ASCII text; and the generator's big-corpus and error modes.

import * as fs from 'fs';
import * as path from 'path';
import { helpText } from '../../src/kit/args';
import { words } from '../../src/mrapps/lib/text';
import { COMMAND_LINE } from '../../scripts/gen-inputs';
import { dist, oneLine, ROOT, runNode } from '../helpers/proc';
import { useTempDir } from '../helpers/tmpdir';

const INPUTS = path.join(ROOT, 'inputs');
const SIZES: Record<string, number> = {
  'gen-being_ernest.txt': 138885,
  'gen-dorian_gray.txt': 453168,
  'gen-frankenstein.txt': 441033,
  'gen-grimm.txt': 540174,
  'gen-huckleberry_finn.txt': 594262,
  'gen-metamorphosis.txt': 139054,
  'gen-sherlock_holmes.txt': 581863,
  'gen-tom_sawyer.txt': 412665,
};
const NAMES = Object.keys(SIZES);

function textFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort();
}

/** Decodes strictly: throws on any byte sequence that is not UTF-8. */
function decodeStrict(bytes: Buffer): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

describe('the committed inputs', () => {
  const texts = NAMES.map((name) => decodeStrict(fs.readFileSync(path.join(INPUTS, name))));

  test("are the 8 texts, with the course texts' sizes, 3,301,104 bytes in all", () => {
    expect(textFiles(INPUTS)).toEqual(NAMES);
    let total = 0;
    for (const name of NAMES) {
      const size = fs.statSync(path.join(INPUTS, name)).size;
      expect([name, size]).toEqual([name, SIZES[name]]);
      total += size;
    }
    expect(total).toBe(3301104);
  });

  test('hold non-ASCII letters, letters outside the BMP and a combining accent', () => {
    const all = texts.join('\n');
    expect(all).toMatch(/[\u00c0-\u024f]/); // Latin letters with accents
    expect(all).toMatch(/\p{Script=Greek}/u);
    expect(all).toMatch(/\p{Script=Cyrillic}/u);
    expect(all).toMatch(/\u0301/);
    expect(all).toMatch(/\u{10400}/u); // DESERET CAPITAL LETTER LONG I
    expect(all).toMatch(/\u{1D49C}/u); // MATHEMATICAL SCRIPT CAPITAL A
    expect(all).toMatch(/\u{10330}/u); // GOTHIC LETTER AHSA
    // Still mostly ASCII, like the course's texts.
    const nonAscii = all.match(/[^\x00-\x7f]/gu)!.length;
    expect(nonAscii).toBeGreaterThan(100);
    expect(nonAscii / all.length).toBeLessThan(0.01);
  });

  test('look like English prose: LF lines near 70 columns, paragraphs, Zipf-like words', () => {
    for (const text of texts) {
      expect(text).not.toMatch(/\r/);
      expect(text.endsWith('\n')).toBe(true);
      expect(text).toMatch(/\n\n/);
      const lines = text.split('\n');
      const long = lines.filter((line) => [...line].length > 80).length;
      expect(long / lines.length).toBeLessThan(0.01);
      expect(text).toMatch(/[,;:!?"'-]/);
      expect(text).toMatch(/\b[A-Z]{3,}\b/); // ALL CAPS
      expect(text).toMatch(/\d/);
      expect(text).toMatch(/\bdon't\b/);
    }
    const counts = new Map<string, number>();
    for (const text of texts) for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
    expect(counts.size).toBeGreaterThanOrEqual(15000);
    expect(counts.size).toBeLessThanOrEqual(25000);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
    expect(ranked[0][0]).toBe('the');
    // Zipf-like: the 10th word is several times rarer than the 1st, and most words are rare.
    expect(ranked[0][1] / ranked[9][1]).toBeGreaterThan(3);
    expect(ranked.filter(([, n]) => n === 1).length).toBeGreaterThan(counts.size / 5);
  });

  test('each text has words of its own, so the indexer sees varied document counts', () => {
    const sets = texts.map((text) => new Set(words(text)));
    sets.forEach((set, i) => {
      const own = [...set].filter((w) => sets.every((other, j) => j === i || !other.has(w)));
      expect(own.length).toBeGreaterThan(50);
    });
  });
});

describe('gen-inputs', () => {
  const tmp = useTempDir('mr-inputs-');
  const script = () => dist('scripts/gen-inputs.js');

  test('regenerates the committed inputs byte for byte', async () => {
    const result = await runNode(script(), ['--out', tmp.path]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(textFiles(tmp.path)).toEqual(NAMES);
    for (const name of NAMES) {
      const fresh = fs.readFileSync(path.join(tmp.path, name));
      const committed = fs.readFileSync(path.join(INPUTS, name));
      expect([name, fresh.equals(committed)]).toEqual([name, true]);
    }
  });

  test('--size splits one corpus of that size into --files valid UTF-8 files; --seed changes it', async () => {
    const a = path.join(tmp.path, 'a');
    const b = path.join(tmp.path, 'b');
    expect((await runNode(script(), ['--size', '2MB', '--files', '3', '--out', a])).exitCode).toBe(0);
    expect((await runNode(script(), ['--size=2MB', '--files=3', '--out', b, '--seed', 'other'])).exitCode).toBe(0);
    const names = textFiles(a);
    expect(names).toEqual(['gen-big-01.txt', 'gen-big-02.txt', 'gen-big-03.txt']);
    const files = names.map((name) => fs.readFileSync(path.join(a, name)));
    expect(files.reduce((sum, f) => sum + f.length, 0)).toBe(2 * 1024 * 1024);
    for (const file of files) {
      const text = decodeStrict(file);
      expect(words(text).length).toBeGreaterThan(50_000);
    }
    expect(textFiles(b)).toEqual(names);
    expect(fs.readFileSync(path.join(b, names[0])).equals(files[0])).toBe(false);
  });

  test.each([
    [['--size'], /--size needs a value/],
    [['--size', 'lots'], /bad --size "lots"/],
    [['--size', '-5MB'], /--size/],
    [['--size', '2MB', '--files', '0'], /bad --files "0"/],
    [['--size', '2MB', '--files', 'x'], /bad --files "x"/],
    [['--files', '3'], /--files needs --size/],
    [['--out'], /--out needs a value \(DIR\)/],
    [['--colour'], /^gen-inputs: unknown option "--colour" \(see --help\)$/],
    [['stray'], /^gen-inputs: unexpected argument "stray" \(see --help\)$/],
  ])('rejects %j with one line and exit 2', async (args, message) => {
    // --out first, so that a run that wrongly went ahead would not touch inputs/.
    const result = await runNode(script(), ['--out', path.join(tmp.path, 'never'), ...args], { cwd: tmp.path });
    expect(result.exitCode).toBe(2);
    expect(oneLine(result.stderr)).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(fs.readdirSync(tmp.path)).toEqual([]);
  });

  test('--help prints the help of its option table, lists every option, writes nothing and exits 0', async () => {
    const result = await runNode(script(), ['--help'], { cwd: tmp.path });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${helpText(COMMAND_LINE)}\n`);
    for (const [name, spec] of Object.entries(COMMAND_LINE.options)) {
      expect(result.stdout).toContain(`--${name} ${spec.value}`);
    }
    expect(fs.readdirSync(tmp.path)).toEqual([]);
  });
});
