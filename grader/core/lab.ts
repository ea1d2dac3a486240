// What a lab is, to the grader's core: a plugin declared once, in its own
// folder (grader/labs/<id>/manifest.ts exports `lab`). The core reads these
// fields and calls these hooks; it knows nothing else of any lab. A lab's
// tests are plain data (TestSpec) whose body drives the lab's own harness;
// what a test needs from the run loop it declares in its spec or its tier.

import type { OptionTable } from '../../src/kit/args';
import type { Outcome } from './outcome';
import type { Build } from './build';
import type { Registry } from './processes';
import type { ScratchFolders } from '../sandbox/scratch';
import type { Wall } from '../sandbox/wall';
import type { TestResult } from './summary';

/** One test: what the core needs to run it. A lab's own specs add what its harness reads. */
export interface TestSpec<H = unknown> {
  /** Unique within the lab ("wc"); the qualified id is "<lab>/<id>" ("mr/wc"). */
  readonly id: string;
  /** As printed: `*** Starting <name> test.` */
  readonly name: string;
  /** The test's body: drives the lab's harness, throws TestFailure (fail) or TestSkipped. */
  run(harness: H): Promise<void>;
  /**
   * The test draws what its seed decides (which processes fail, and when): a failure prints the seed and
   * the one command that replays it, under this name ("<what it draws> seed").
   */
  readonly replay?: string;
}

/** A group of tests chosen together: the course's, a stricter tier, a challenge track. */
export interface Tier<H = unknown> {
  readonly id: string;
  /** For --help: "the course's", "extended", ... */
  readonly title: string;
  readonly tests: readonly TestSpec<H>[];
  /** Run when no tier is chosen. */
  readonly default?: boolean;
  /** A flag of its own (--<flag>) that adds this tier to the default ones, and its help. */
  readonly flag?: { readonly name: string; readonly help: string };
  /** Chosen by its flag alone, it replaces the default tiers instead of adding to them. */
  readonly alone?: boolean;
  /** Stricter than the course's grading: the lab's finish hook fails what the course would only note. */
  readonly strict?: boolean;
}

/** The student's folder of a lab and what is in it. */
export interface StudentFolder {
  /** Kit-relative: "src/<lab>". */
  readonly dir: string;
  /** What the student writes and hands in. */
  readonly files: readonly string[];
  /** The files that identify the folder in a submission (the first of `files` the drivers need). */
  readonly required: readonly string[];
  /** Files of the folder that the kit provides: always graded from the kit's copies. */
  readonly provided: readonly string[];
  /** Folders and files outside it that a submission may carry but that are always the kit's (reported when changed). */
  readonly kitOwned: readonly string[];
}

/** What the build stages and compiles besides the student's folder. */
export interface BuildPlan {
  /** Kit-relative folders staged from the kit beside the student's folder: "src/kit", "src/main". */
  readonly stage: readonly string[];
  /** Files of the student's folder copied beside its compiled code (".proto" files the transport loads). */
  readonly assets?: (name: string) => boolean;
}

/** What the student release takes of this lab. */
export interface ReleasePlan {
  /** Kit-relative folders (with a trailing /) and files. */
  readonly include: readonly string[];
  /** Never released (the reference solutions): kit-relative folders. */
  readonly solutions: readonly string[];
  /** The handout, kit-relative ("labs/mr/README.md"). */
  readonly handout: string;
  /** The release README's part about this lab, kit-relative (a page of its own: the whole README of a one-lab release). */
  readonly readme: string;
  /** The kit's npm scripts that belong to this lab (its command, its benchmark): a release without the lab drops them. */
  readonly scripts: readonly string[];
}

/** What the core hands a lab before the first test. */
export interface RunSetup<O = unknown> {
  readonly kit: string;
  /** A folder of this run, readable by the student's processes: the lab prepares what they read here. */
  readonly base: string;
  readonly build: Build;
  readonly registry: Registry;
  readonly wall: Wall;
  readonly scratch: ScratchFolders;
  /** The lab's own parsed options. */
  readonly options: O;
  readonly timeoutScale: number;
  /** The tests of this run (qualified ids are the core's; these are the lab's specs). */
  readonly tests: readonly TestSpec[];
  /** Some of them are of a strict tier. */
  readonly strict: boolean;
  /** Says one line on the console before the tests (a limit of this machine), prefixed with the lab's command. */
  readonly notice: (line: string) => void;
}

/** One test of one run, as the lab's harness sees it. */
export interface TestRun<P = unknown, O = unknown> {
  readonly setup: RunSetup<O>;
  readonly prepared: P;
  readonly spec: TestSpec;
  /** The test's own folder (its processes' working folder; kept when it fails). */
  readonly dir: string;
  /** This run's seed. */
  readonly seed: string;
  /** Which run of the suite this is (1-based), of how many (--many). */
  readonly run: number;
  readonly runs: number;
  /** Which lane of --parallel runs it (each lane has its own sandbox user id). */
  readonly lane: number;
  readonly strict: boolean;
  /** Hide the student's processes' output (it is still in their logs). */
  readonly quiet: boolean;
  /** Shows a line of the test's live output (held back while an earlier test of the run still runs). */
  print(line: string): void;
  /** The implementation's folder, to name its files in diagnoses. */
  readonly impl: string;
}

export interface Lab<H = unknown, P = unknown, O = unknown> {
  /** "mr": names the lab on the command line (`grade mr`) and namespaces its test ids ("mr/wc"). */
  readonly id: string;
  /** "MapReduce". */
  readonly title: string;
  /** Its place in the course's sequence. */
  readonly order: number;
  /** Its npm script ("test-mr"): what its usage line and messages start with, and what a replay line runs. */
  readonly command: string;
  /** One sentence for --help. */
  readonly about: string;
  readonly student: StudentFolder;
  readonly build: BuildPlan;
  readonly tiers: readonly Tier<H>[];
  /** Kit-relative path of its points file ({"wc": 15, ...}): the instructor's to edit. */
  readonly points: string;
  readonly release: ReleasePlan;
  /** Folders of the run's base folder that a kept test's folder refers to (MapReduce's inputs): kept with it. */
  readonly keptWith?: readonly string[];
  /**
   * How many of one run's tests may run at once by default (one per CPU at
   * most; --parallel sets it): only for a lab whose verdicts do not depend on
   * the machine's speed (virtual time). Without it, tests run one at a time.
   */
  readonly testsAtOnce?: number;
  /** Its own command-line options, shown in its --help after the core's. */
  readonly options?: OptionTable;
  /** Checks and turns its own options' values into what prepare and the harness read; throws UsageError. */
  parseOptions(values: Record<string, string | boolean | undefined>, kit: string): O;
  /** Its options that change what a test does, as a failure's replay command must repeat them. */
  replayFlags?(options: O): string[];
  /** Before the first test: what every test of the run shares (an oracle's expected answers). */
  prepare(setup: RunSetup<O>): Promise<P>;
  /** One test's harness, which its body drives. */
  harness(test: TestRun<P, O>): H;
  /**
   * After the body, whatever happened: ends what the test started, and may turn a pass into a failure (a
   * broken budget, a strict check) or add notes and hints.
   */
  finish(harness: H, outcome: Outcome, test: TestRun<P, O>): Promise<Outcome>;
  /** Debugging aids written into a kept test folder (expected output, timeline, logs); never fails a test. */
  keep?(harness: H, test: TestRun<P, O>, result: TestResult): void;
}
