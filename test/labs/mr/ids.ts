// The MapReduce lab's test ids, tier by tier, as its manifest declares them.

import { Catalog } from '../../../grader/core/catalog';
import { lab } from '../../../grader/labs/mr/manifest';

const catalog = new Catalog(lab);
const tier = (id: string): string[] => catalog.entries.filter((e) => e.tier.id === id).map((e) => e.spec.id);

export const MR = lab;
export const COURSE_IDS = tier('course');
export const EXTENDED_IDS = tier('extended');
export const CHALLENGE_IDS = tier('challenge');
export const TEST_IDS = catalog.ids;
/** The name each test prints, by id. */
export const DISPLAY_NAMES: Record<string, string> = Object.fromEntries(
  catalog.entries.map((e) => [e.spec.id, e.spec.name]),
);
/** A test's declaration. */
export const spec = (id: string) => catalog.entry(id).spec as import('../../../grader/labs/mr/harness/spec').MrTestSpec;
/** Whether a test is of a strict tier. */
export const isStrict = (id: string): boolean => catalog.entry(id).tier.strict === true;
