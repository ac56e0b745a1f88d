import { visibleLength } from './style.ts';

export type Align = 'left' | 'right';

/**
 * A plain-text table: a header row, then one line per row, columns padded to the widest
 * cell (colour codes do not count). The last column is not padded, so long findings wrap
 * naturally in the terminal instead of pushing trailing spaces.
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: { align?: readonly Align[]; gap?: number } = {},
): string {
  const gap = ' '.repeat(options.gap ?? 2);
  const widths = headers.map((header, i) =>
    Math.max(visibleLength(header), ...rows.map((row) => visibleLength(row[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1 && options.align?.[i] !== 'right') return cell;
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(cell)));
        return options.align?.[i] === 'right' ? pad + cell : cell + pad;
      })
      .join(gap)
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** `key  value` lines, keys padded to the widest: the shape of a single record. */
export function renderPairs(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([key]) => key.length));
  return rows.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}
