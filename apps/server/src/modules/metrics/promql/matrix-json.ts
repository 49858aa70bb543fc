/*
 * A range query's matrix written straight into Prometheus' JSON (`{"resultType":"matrix","result":[…]}`), a series at
 * a time. A day of 1,000 series at a 5-minute step is some 300,000 points: as `[seconds, "value"]` tuples they were
 * as many arrays and strings, then a serialiser walked them and one string of megabytes was measured and copied
 * again. Here each step time is printed once for every series (a range query's steps repeat across series) and each
 * series is copied into bytes as soon as it is printed.
 */
import { formatFloat, type Labels } from './values';

/** One series of a range query's answer: its labels, step times (epoch ms) and values, in time order. */
export interface MatrixRow {
  metric: Labels;
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

/**
 * The matrix as the `data` of Prometheus' query_range answer, UTF-8 bytes in pieces to be sent one after another;
 * exactly what JSON.stringify would write.
 */
export function matrixJson(rows: readonly MatrixRow[]): Buffer[] {
  const parts: Buffer[] = [Buffer.from('{"resultType":"matrix","result":[')];
  // `,[seconds,"` per step time, shared by every series on the same grid.
  const opening = new Map<number, string>();
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as MatrixRow;
    const pieces: string[] = [r === 0 ? '{"metric":' : ',{"metric":', JSON.stringify(row.metric), ',"values":['];
    for (let i = 0; i < row.times.length; i++) {
      const t = row.times[i] as number;
      let open = opening.get(t);
      if (open === undefined) {
        open = `,[${JSON.stringify(t / 1000)},"`;
        opening.set(t, open);
      }
      pieces.push(i === 0 ? open.slice(1) : open, formatFloat(row.values[i] as number), '"]');
    }
    pieces.push(']}');
    parts.push(Buffer.from(pieces.join('')));
  }
  parts.push(Buffer.from(']}'));
  return parts;
}
