/**
 * Reads dataset records from local files in the layouts datasets are published in: JSON (an array,
 * or an object holding one), JSON Lines, Parquet (Hugging Face's `data/<split>-*.parquet`, read
 * with hyparquet: pure JavaScript, snappy built in, no network) and CSV. A directory is searched for
 * such files (a Hugging Face snapshot folder works as is).
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { parquetReadObjects } from 'hyparquet'
import { parseCsv } from './csv.js'
import { DatasetError } from './types.js'

export type RawRecord = Record<string, unknown>

const EXTENSIONS = new Set(['.json', '.jsonl', '.ndjson', '.parquet', '.csv'])
const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024

export interface ReadOptions {
  /** With a directory: keep files whose name contains this split (e.g. `test`), if any do. */
  split?: string
  /** Refuse files larger than this (default 1 GiB). */
  maxBytes?: number
}

/** BigInt (Parquet INT64) → number, recursively, so records look like their JSON form. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (Array.isArray(value)) return value.map(plain)
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8')
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  }
  return value
}

function jsonRecords(text: string, file: string): RawRecord[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new DatasetError(`${file}: not valid JSON (${(err as Error).message})`)
  }
  if (Array.isArray(parsed)) return parsed as RawRecord[]
  if (parsed !== null && typeof parsed === 'object') {
    for (const key of ['data', 'rows', 'questions', 'test', 'examples']) {
      const inner = (parsed as Record<string, unknown>)[key]
      if (Array.isArray(inner)) return inner as RawRecord[]
    }
  }
  throw new DatasetError(`${file}: expected a JSON array of records (or {"data": [...]})`)
}

function jsonlRecords(text: string, file: string): RawRecord[] {
  const out: RawRecord[] = []
  const lines = text.split('\n')
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    try {
      out.push(JSON.parse(line) as RawRecord)
    } catch (err) {
      throw new DatasetError(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`)
    }
  })
  return out
}

async function readOne(file: string, maxBytes: number): Promise<RawRecord[]> {
  const info = await stat(file)
  if (info.size > maxBytes)
    throw new DatasetError(`${file}: ${info.size} bytes exceeds ${maxBytes}`)
  const bytes = await readFile(file)
  const ext = extname(file).toLowerCase()
  if (ext === '.parquet') {
    try {
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
      const rows = await parquetReadObjects({ file: buffer })
      return rows.map((r) => plain(r) as RawRecord)
    } catch (err) {
      throw new DatasetError(`${file}: not a readable Parquet file (${(err as Error).message})`)
    }
  }
  const text = bytes.toString('utf8')
  if (ext === '.jsonl' || ext === '.ndjson') return jsonlRecords(text, file)
  if (ext === '.csv') return parseCsv(text, file)
  // .json: some publishers put JSON Lines in .json files; accept both.
  const trimmed = text.trimStart()
  if (trimmed.startsWith('{') && trimmed.includes('\n{')) return jsonlRecords(text, file)
  return jsonRecords(text, file)
}

async function findFiles(dir: string, depth: number): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory() && depth > 0) out.push(...(await findFiles(path, depth - 1)))
    else if (entry.isFile() && EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(path)
  }
  return out.sort()
}

export async function readRecords(
  path: string,
  options: ReadOptions = {},
): Promise<{ records: RawRecord[]; files: string[] }> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
  let info
  try {
    info = await stat(path)
  } catch {
    throw new DatasetError(`dataset file not found: ${path}`)
  }
  let files = [path]
  if (info.isDirectory()) {
    files = await findFiles(path, 3)
    const split = options.split
    if (split !== undefined) {
      const matching = files.filter((f) => f.slice(path.length).includes(split))
      if (matching.length > 0) files = matching
    }
    if (files.length === 0) {
      throw new DatasetError(`${path}: no .json, .jsonl, .parquet or .csv files inside`)
    }
  } else if (!EXTENSIONS.has(extname(path).toLowerCase())) {
    throw new DatasetError(`${path}: unsupported file type (use .json, .jsonl, .parquet or .csv)`)
  }
  const records: RawRecord[] = []
  for (const file of files) records.push(...(await readOne(file, maxBytes)))
  return { records, files }
}
