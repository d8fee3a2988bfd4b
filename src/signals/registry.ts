/**
 * Every signal type, by rule-leaf type. Adding one: a file exporting a SignalPlugin, one line here
 * (and its family in src/config/schema/v03/signals.ts). The classic category classifiers
 * (src/classify) are the `domain` signal's classifier.
 */
import { PluginRegistry } from '../config/plugin.js'
import { authzSignal } from './authz.js'
import { complexitySignal } from './complexity.js'
import { contextSignal } from './context.js'
import { domainSignal } from './domain.js'
import { embeddingSignal } from './embedding.js'
import { jailbreakSignal, piiSignal } from './guards.js'
import { headerSignal } from './header.js'
import { keywordSignal } from './keyword.js'
import { languageSignal } from './language.js'
import { metadataSignal } from './metadata.js'
import { conversationSignal, structureSignal } from './shape.js'
import { splitSignal } from './split.js'
import type { SignalPlugin } from './types.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySignalPlugin = SignalPlugin<any>

export const BUILTIN_SIGNALS = new PluginRegistry<AnySignalPlugin>('signal', [
  keywordSignal,
  contextSignal,
  metadataSignal,
  headerSignal,
  splitSignal,
  authzSignal,
  structureSignal,
  conversationSignal,
  languageSignal,
  domainSignal,
  embeddingSignal,
  complexitySignal,
  jailbreakSignal,
  piiSignal,
])
