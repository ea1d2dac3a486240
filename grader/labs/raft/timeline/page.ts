// The Raft timeline page (timeline.html in a kept test folder), in the frame
// every lab's timeline shares (grader/reports/timeline-frame.ts): a summary
// of the run's peers, candidacies, crashes and commits, its legend, its
// drawing. Pure: the same record, the same bytes.

import { timelineFrame } from '../../../reports/timeline-frame';
import type { Recorder } from '../aids/record';
import { COLOURS, drawTimeline } from './drawing';
import { layoutTimeline } from './layout';

export function timelinePage(record: Recorder, title: string, passed: boolean, notes: string[]): string {
  const layout = layoutTimeline(record);
  const stood = record.marks.filter((m) => m.kind === 'stand').length;
  const crashes = record.marks.filter((m) => m.kind === 'crash').length;
  return timelineFrame({
    title,
    passed,
    summary:
      `${record.n} peers, ${(record.endUs / 1e6).toFixed(1)} s of virtual time, ${stood} candidacies, ` +
      `${crashes} crashes, ${record.commits.length} indexes committed`,
    reading: "roles as the peers' messages show them; time in virtual seconds",
    notes,
    legend: LEGEND,
    drawing: drawTimeline(layout),
    plot: layout.plot,
    prompt: '(click a mark)',
  });
}

const LEGEND = `<span><i class="sw" style="background:${COLOURS.follower}"></i> follower</span>
<span><i class="sw" style="background:${COLOURS.candidate}"></i> candidate</span>
<span><i class="sw" style="background:${COLOURS.leader}"></i> leader (its term)</span>
<span><i class="sw" style="height:3px;background:${COLOURS.cutOff}"></i> cut off by the tester</span>
<span><b style="color:${COLOURS.stand}">▲</b> stood for election</span>
<span><b style="color:${COLOURS.crash}">✕</b> crashed</span>
<span><b style="color:${COLOURS.cut}">✕</b> crashed inside a step (right after a save, a send or an answer)</span>
<span><b style="color:${COLOURS.boot}">↻</b> restarted</span>
<span><i class="sw" style="width:2px;background:${COLOURS.commit}"></i> an index first applied</span>`;
