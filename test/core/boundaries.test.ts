// The kit's boundaries, checked on its source as it stands: modules stay
// short; the grader's core and its reports know no lab; a lab's tier modules
// import its harness, never each other; labs do not import each other; the
// students' side (src/) imports nothing of the grader's; and test/ mirrors
// the source. Imports are read from the text (import ... from, require,
// import()), resolved as Node resolves relative paths.

import * as fs from 'fs';
import * as path from 'path';

const KIT = path.resolve(__dirname, '..', '..');
const LIMIT = 300;

/**
 * Source modules allowed past LIMIT lines, each with why. Test files are not held to the limit: a suite of one
 * subject's cases reads best whole, and its length says nothing of the code's shape.
 */
const LONG_MODULES: Record<string, string> = {
  'src/mr/transport.ts':
    "the students' provided gRPC plumbing: one file in their room that the handout tells them to leave alone, " +
    'so it stays whole rather than a folder of small files they would have to skip',
};

/** Names of labs that must not appear in the core or the reports (the MapReduce lab's, the first to be extracted). */
const LAB_NAMES = [/\bcrash\b/, /mrsequential/, /src\/mr\b/, /mrworker/, /mrcoordinator/];

function walk(dir: string, keep: (rel: string) => boolean = () => true): string[] {
  const found: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(KIT, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) visit(child);
      else if (keep(child)) found.push(child);
    }
  };
  visit(dir);
  return found.sort();
}

const isCode = (rel: string): boolean => /\.(ts|js)$/.test(rel) && !rel.endsWith('.d.ts');
const source = ['grader', 'src', 'scripts', 'labs'].flatMap((dir) => walk(dir, isCode));

/** The kit-relative files a module imports by relative path (others: packages and Node's modules). */
function imports(rel: string): string[] {
  const text = fs.readFileSync(path.join(KIT, rel), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g)].map(
    (m) => m[2],
  );
  return specifiers.map((s) => {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), s));
    for (const ext of ['', '.ts', '.js', '/index.ts']) {
      if (fs.existsSync(path.join(KIT, target + ext)) && fs.statSync(path.join(KIT, target + ext)).isFile())
        return target + ext;
    }
    return target;
  });
}

const labs = fs
  .readdirSync(path.join(KIT, 'grader', 'labs'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

test('no source module is over 300 lines, but those the table excuses', () => {
  const long = source
    .map((rel) => ({ rel, lines: fs.readFileSync(path.join(KIT, rel), 'utf8').split('\n').length - 1 }))
    .filter((m) => m.lines > LIMIT && !LONG_MODULES[m.rel])
    .map((m) => `${m.rel}: ${m.lines} lines`);
  expect(long).toEqual([]);
  for (const excused of Object.keys(LONG_MODULES)) expect(source).toContain(excused); // no stale excuse
});

test('the core and the reports import no lab, and name none', () => {
  const neutral = walk('grader/core', isCode).concat(walk('grader/reports', isCode), walk('grader/sandbox', isCode));
  expect(neutral.length).toBeGreaterThan(10);
  const intoLabs = neutral.flatMap((rel) =>
    imports(rel)
      .filter((t) => t.startsWith('grader/labs/'))
      .map((t) => `${rel} -> ${t}`),
  );
  expect(intoLabs).toEqual([]);
  const named = neutral.flatMap((rel) => {
    const text = fs.readFileSync(path.join(KIT, rel), 'utf8');
    return LAB_NAMES.filter((re) => re.test(text)).map((re) => `${rel}: ${re.source}`);
  });
  expect(named).toEqual([]);
});

test("a lab's tier modules import its harness, not each other; and no lab imports another", () => {
  const crossings: string[] = [];
  for (const lab of labs) {
    for (const rel of walk(`grader/labs/${lab}`, isCode)) {
      for (const target of imports(rel)) {
        const otherLab = labs.find((l) => l !== lab && target.startsWith(`grader/labs/${l}/`));
        if (otherLab) crossings.push(`${rel} -> ${target} (another lab)`);
        const tiers = `grader/labs/${lab}/tiers/`;
        if (rel.startsWith(tiers) && target.startsWith(tiers)) crossings.push(`${rel} -> ${target} (a sibling tier)`);
      }
    }
  }
  expect(crossings).toEqual([]);
});

test("the students' side (src/) imports nothing of the grader's", () => {
  const src = source.filter((rel) => rel.startsWith('src/'));
  expect(src.length).toBeGreaterThan(10);
  const intoGrader = src.flatMap((rel) =>
    imports(rel)
      .filter((t) => t.startsWith('grader/'))
      .map((t) => `${rel} -> ${t}`),
  );
  expect(intoGrader).toEqual([]);
});

test('the import reader finds what it must (so the checks above are not vacuous)', () => {
  expect(imports('grader/labs/mr/manifest.ts')).toContain('grader/labs/mr/tiers/course.ts');
  expect(imports('grader/core/runner.ts')).toContain('grader/core/build.ts');
  expect(imports('src/main/mrworker.ts')).toContain('src/mr/worker.ts'); // a late require(...) too
});

test('test/ mirrors the source: the core, the sandbox, the reports, the kit, each lab', () => {
  const mirrored = ['core', 'sandbox', 'reports', 'sim', 'kit', 'scripts', ...labs.map((l) => `labs/${l}`)];
  const missing = mirrored.filter(
    (dir) =>
      !fs.existsSync(path.join(KIT, 'test', dir)) || walk(`test/${dir}`, (r) => r.endsWith('.test.ts')).length === 0,
  );
  expect(missing).toEqual([]);
  const stray = walk('test', (r) => r.endsWith('.test.ts')).filter(
    (r) => !mirrored.some((dir) => r.startsWith(`test/${dir}/`)),
  );
  expect(stray).toEqual([]);
});
