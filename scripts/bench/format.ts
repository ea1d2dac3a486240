// How the benchmark shows its figures, in the summary, the targets and the chart.

export const MB = 1024 * 1024;
export const GB = 1024 * MB;

export function secs(v: number): string {
  return `${(v / 1000).toFixed(1)} s`;
}

export function ms(v: number): string {
  return `${Math.round(v)} ms`;
}

export function mb(v: number): string {
  return `${(v / MB).toFixed(v < 10 * MB ? 1 : 0)} MB`;
}
