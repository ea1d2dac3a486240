// One job's budgets, watched: the job's cell measured every half second
// (and once more when the test ends); the first budget its processes break
// ends them all at once, and is the test's failure (or, broken by the
// machine rather than the test, the grader's error).

import type { Breach } from '../../../sandbox/budgets';
import type { Cell } from '../../../sandbox/cell';

const BUDGET_CHECK_MS = 500; // how often the disk and memory budgets are measured

export class BudgetWatch {
  /** The budget the job's processes broke, if they did: the test fails with it. */
  broken?: Breach;
  private readonly monitor: NodeJS.Timeout;

  /** `dirs`: the folders the disk budget measures. */
  constructor(
    private readonly cell: Cell,
    private readonly dirs: string[],
  ) {
    this.monitor = setInterval(() => this.measure(), BUDGET_CHECK_MS);
  }

  /** Measures the budgets once more now. */
  measure(): void {
    const breach = this.cell.overBudget(this.dirs);
    if (breach) this.break(breach);
  }

  /** Ends every process of the job at once; the test fails with the breach. */
  break(breach: Breach): void {
    if (this.broken) return;
    this.broken = breach;
    this.cell.kill();
  }

  /** No more measures on the clock. */
  stop(): void {
    clearInterval(this.monitor);
  }
}
