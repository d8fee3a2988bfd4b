/**
 * Folder names for benchmark targets. Target ids keep upstream's `kind::model` form
 * (`router::auto`, `vllm::org/model`) in CSVs, JSON and the report, but a folder name must be valid
 * on every system a user opens results on — Windows refuses `:` and `< > " / \ | ? *`, control
 * characters, names ending in a dot or space, and device names (CON, NUL, COM1, ...) even with an
 * extension. So `router::auto` is written to `router--auto`, `vllm::org/model` to `vllm--org_model`.
 */

const UNSAFE = /[<>:"/\\|?*\s\p{Cc}]+/gu
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i

/** A portable folder name for a target id (see the module comment). */
export function targetDir(id: string): string {
  let name = id
    .replace(/::/g, '--')
    .replace(UNSAFE, '_')
    .replace(/[. ]+$/, '')
  if (name === '' || name === '.' || name === '..') name = '_'
  return DEVICE.test(name) ? `_${name}` : name
}
