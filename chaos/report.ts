/** One scenario's outcome. */
export interface Row {
  scenario: string;
  attempted: number;
  created: number;
  queued: number;
  /** Sends never answered 201/202 within the run (refused, or still failing at the end). */
  unanswered: number;
  /** Every answer that was not 201/202, across attempts and retries, by status and code. */
  errors: Record<string, number>;
  lost: number;
  duplicateRows: number;
  seqGaps: number;
  missingLive: number;
  duplicateFrames: number;
  stale: number;
  exits: number;
  recoveryS: number | null;
  notes: string[];
}

const columns: [string, (r: Row) => string][] = [
  ['scenario', (r) => r.scenario],
  ['attempted', (r) => String(r.attempted)],
  ['201/202', (r) => `${r.created}/${r.queued}`],
  ['unanswered', (r) => String(r.unanswered)],
  ['client errors', (r) => Object.entries(r.errors).map(([k, v]) => `${k}×${v}`).join(' ') || '-'],
  ['lost', (r) => String(r.lost)],
  ['dup rows', (r) => String(r.duplicateRows)],
  ['seq gaps', (r) => String(r.seqGaps)],
  ['missing live', (r) => String(r.missingLive)],
  ['dup frames', (r) => String(r.duplicateFrames)],
  ['stale', (r) => String(r.stale)],
  ['exits', (r) => String(r.exits)],
  ['recovery s', (r) => (r.recoveryS === null ? '-' : r.recoveryS.toFixed(1))],
];

/** A Markdown table (so it pastes into docs as is), with each scenario's notes after it. */
export function printTable(rows: Row[], withHeader: boolean): void {
  const lines: string[] = [];
  if (withHeader) {
    lines.push(`| ${columns.map(([name]) => name).join(' | ')} |`, `|${columns.map(() => ' --- ').join('|')}|`);
  }
  for (const r of rows) lines.push(`| ${columns.map(([, get]) => get(r)).join(' | ')} |`);
  if (withHeader) for (const r of rows) for (const note of r.notes) lines.push(`- ${r.scenario}: ${note}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
