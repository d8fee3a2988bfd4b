// Number and time formatting shared by the views.

/** @param {number | null | undefined} v */
export function ms(v) {
  if (v === null || v === undefined) return '–'
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`
  if (v >= 100) return `${Math.round(v)} ms`
  return `${v.toFixed(1)} ms`
}

/** @param {number | null | undefined} v */
export function pct(v) {
  if (v === null || v === undefined) return '–'
  return `${(v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0)}%`
}

/** @param {number | null | undefined} v */
export function int(v) {
  if (v === null || v === undefined) return '–'
  return Math.round(v).toLocaleString('en-US')
}

/**
 * @param {number | null | undefined} v
 * @param {string} [currency]
 */
export function money(v, currency = 'USD') {
  if (v === null || v === undefined) return '–'
  if (v === 0) return currency === 'USD' ? '$0' : `0 ${currency}`
  const digits = v < 0.01 ? 6 : v < 1 ? 4 : 2
  return currency === 'USD' ? `$${v.toFixed(digits)}` : `${v.toFixed(digits)} ${currency}`
}

/** @param {number | null | undefined} v */
export function num(v) {
  if (v === null || v === undefined) return '–'
  return Number.isInteger(v) ? String(v) : v.toFixed(2)
}

/** @param {number} at */
export function time(at) {
  const d = new Date(at)
  return (
    d.toLocaleTimeString('en-GB', { hour12: false }) +
    `.${String(d.getMilliseconds()).padStart(3, '0')}`
  )
}

/** @param {number} at */
export function ago(at) {
  const s = Math.max(0, Math.round((Date.now() - at) / 1000))
  if (s < 60) return `${s} s ago`
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  return `${(s / 3600).toFixed(1)} h ago`
}

/**
 * A status-table cell as text.
 * @param {import('../../src/console/frames.js').ColumnFormat} format
 * @param {string | number | null} value
 */
export function cell(format, value) {
  if (value === null) return '–'
  if (typeof value === 'string') return value
  switch (format) {
    case 'int':
      return int(value)
    case 'ms':
      return ms(value)
    case 'pct':
      return pct(value)
    case 'money':
      return money(value)
    case 'rate':
      return value === 0 ? '0' : value.toFixed(2)
    case 'number':
      return num(value)
    default:
      return String(value)
  }
}
