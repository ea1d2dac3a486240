// The timeline page, byte for byte: each fixed input of helpers/timeline-data
// renders to the page recorded in golden/timeline/<name>.html. A change to the
// code that draws the timeline must leave these bytes alone unless it means to
// change the page; then re-record them (UPDATE_GOLDEN=1 npx jest
// test/labs/mr/timeline-golden) and let the diff show what changed. The recorded pages
// open in a browser too.

import * as fs from 'fs';
import * as path from 'path';
import type { TimelineData } from '../../../grader/labs/mr/timeline/data';
import { timelinePage } from '../../../grader/labs/mr/timeline/page';
import { challenge, empty, oddities, synthetic } from './timeline-data';

const GOLDEN = path.join(__dirname, 'golden', 'timeline');
const INPUTS: Record<string, () => TimelineData> = { synthetic, challenge, oddities, empty };

/** The first line where two texts differ, for a failure that says where to look. */
function firstDifference(actual: string, expected: string): string {
  const [a, e] = [actual.split('\n'), expected.split('\n')];
  const i = a.findIndex((line, n) => line !== e[n]);
  const at = i < 0 ? a.length : i;
  return `line ${at + 1}:\n  page:     ${a[at] ?? '(end)'}\n  recorded: ${e[at] ?? '(end)'}`;
}

describe('the timeline page is the recorded one', () => {
  for (const [name, input] of Object.entries(INPUTS)) {
    test(`for the ${name} input`, () => {
      const file = path.join(GOLDEN, `${name}.html`);
      const page = timelinePage(input());
      if (process.env.UPDATE_GOLDEN) {
        fs.mkdirSync(GOLDEN, { recursive: true });
        fs.writeFileSync(file, page);
      }
      const recorded = fs.readFileSync(file, 'utf8');
      if (page !== recorded) throw new Error(`${name}.html differs from the page, ${firstDifference(page, recorded)}`);
    });
  }
});
