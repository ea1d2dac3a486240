// What every measured part is given: the run's options, its session (to
// start processes and make cgroups through), the staged implementation and
// the machine's cgroup hierarchy.

import { Hierarchy } from './cgroup';
import { Options } from './options';
import { Session } from './session';
import { Stage } from './staging';

export interface BenchContext {
  kit: string;
  options: Options;
  session: Session;
  stage: Stage;
  cgroups: Hierarchy;
}
