/**
 * How every entry point loads a config: the schema, the cross-field rules, and each plug-in
 * registry's check of its part (modules, classifiers, model selector, endpoint policy). `serve`,
 * hot reload, `validate-config` and `classify` all come through here, so they accept and refuse
 * exactly the same files, with the same YAML paths and lines. A router's file must also define
 * something to route (checkSomethingSet): an empty or mis-indented file is refused.
 */
import { checkSomethingSet } from '../config/checks.js'
import { loadConfigFile, parseConfigText, type LoadedConfig } from '../config/load.js'
import { BUILTIN_PLUGINS, pluginChecks, type RouterPlugins } from './plugins.js'

export function loadRouterConfig(
  path: string,
  plugins: RouterPlugins = BUILTIN_PLUGINS,
): Promise<LoadedConfig> {
  return loadConfigFile(path, { checks: [checkSomethingSet, pluginChecks(plugins)] })
}

export function parseRouterConfig(
  text: string,
  options: { source?: string; plugins?: RouterPlugins } = {},
): LoadedConfig {
  return parseConfigText(text, {
    ...(options.source === undefined ? {} : { source: options.source }),
    checks: [checkSomethingSet, pluginChecks(options.plugins)],
  })
}
