/** CSV output: RFC 4180 quoting, one row appended (and flushed) per result so an interrupted run keeps everything done. */
import { appendFileSync, writeFileSync } from 'node:fs'

export type CsvValue = string | number | boolean | null | undefined

export function csvField(value: CsvValue): string {
  const text = value === null || value === undefined ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\n`
}

export class CsvAppender<T extends { [K in keyof T]: CsvValue }> {
  constructor(
    private readonly path: string,
    private readonly columns: readonly (keyof T)[],
  ) {
    // A new run replaces an old file in the same folder rather than mixing with it.
    writeFileSync(path, csvLine(columns.map((c) => String(c))))
  }

  append(row: T): void {
    appendFileSync(this.path, csvLine(this.columns.map((c) => row[c])))
  }
}
