/** Lines of a table whose columns line up; `right[i]` right-aligns column i (numbers). */
export function alignedTable(rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length)
    })
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const width = widths[i] ?? 0
        return right[i] === true ? cell.padStart(width) : i === row.length - 1 ? cell : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd(),
  )
}
