import { stripVTControlCharacters } from 'node:util';

/** Columns padded to their widest cell; `right` lists the columns aligned right (numbers). Cells are one line. */
export function formatTable(header: string[], rows: string[][], right: number[] = []): string {
  const oneLine = (s: string): string => s.replace(/\s*[\r\n]+\s*/g, ' ⏎ ');
  const cells = [header, ...rows].map((row) => row.map(oneLine));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => stripVTControlCharacters(row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i] - stripVTControlCharacters(cell).length);
          return right.includes(i) ? pad + cell : i === row.length - 1 ? cell : cell + pad;
        })
        .join('  '),
    )
    .join('\n');
}
