// Headless Chromium for the kit's browser tests (a timeline page rendered
// for real). CI installs it; where it is missing, the tests that need it are
// skipped with a word, and `npm run test:unit` (MR_UNIT=1) never looks.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startGroup } from './proc';

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return name;
  }
  return undefined;
}

let found: string | undefined | null = null;

/** The browser's command, or undefined (and a warning naming `suite`) where there is none. */
export function chromiumFor(suite: string): string | undefined {
  if (process.env.MR_UNIT) return undefined; // the unit tests keep to pure functions
  if (found === null) found = findChromium();
  if (!found) console.warn(`${suite}: no chromium found (apt-get install -y chromium); the browser test is skipped`);
  return found;
}

/** Runs headless chromium in its own process group; kills the whole group afterwards. */
export async function chromium(
  bin: string,
  args: string[],
  limitMs = 90_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chr-'));
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];
  flags.push('--disable-background-networking', '--disable-component-update', '--disable-sync');
  try {
    return await startGroup(bin, [...flags, `--user-data-dir=${profile}`, ...args], { limitMs }).done;
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

/** A page as the browser rendered it: its body tag's attributes, and the whole DOM. */
export async function renderedPage(bin: string, file: string): Promise<{ body: string; dom: string; stderr: string }> {
  const run = await chromium(bin, ['--dump-dom', `file://${file}`]);
  return { body: /<body[^>]*>/.exec(run.stdout)?.[0] ?? '', dom: run.stdout, stderr: run.stderr };
}
