/**
 * The PII detector kinds this build ships (registered in src/guards/registry.ts):
 *   validators  the embedded recognizers with checksums and strict grammars (no model);
 *   model       the token classifier named by `classifier.pii_model.model_id` (nothing when empty).
 */
import { isSupportedCountry } from 'libphonenumber-js/max'
import { z } from 'zod'
import { loadRoleModel } from '../../ml/roles.js'
import type { PiiDetectorPlugin } from '../types.js'
import { OnnxPiiDetector } from './onnx-detector.js'
import { defaultRecognizers, ValidatorPiiDetector } from './validator-detector.js'

const knownTypes = (): Set<string> => new Set(defaultRecognizers().flatMap((r) => r.types))

const validatorOptions = z.strictObject({
  /** Report only these types (default: every type the recognizers know). */
  types: z
    .array(z.string())
    .optional()
    .superRefine((types, ctx) => {
      const known = knownTypes()
      for (const t of types ?? [])
        if (!known.has(t))
          ctx.addIssue({
            code: 'custom',
            message: `unknown PII type "${t}" (known: ${[...known].sort().join(', ')})`,
          })
    }),
  /** Region (ISO 3166 alpha-2) for phone numbers written without a country code. */
  default_region: z
    .string()
    .refine((r) => isSupportedCountry(r), 'not a supported ISO 3166 alpha-2 region')
    .default('US'),
})

export const validatorPiiDetector: PiiDetectorPlugin<z.infer<typeof validatorOptions>> = {
  kind: 'validators',
  description:
    'embedded recognizers: e-mail, phone, cards, SSN, IBAN, IP, address, names, dates (no model)',
  optionsSchema: validatorOptions,
  create: (_ctx, options) =>
    Promise.resolve(
      new ValidatorPiiDetector({
        ...(options.types ? { types: options.types } : {}),
        defaultRegion: options.default_region,
      }),
    ),
}

export const modelPiiDetector: PiiDetectorPlugin<Record<string, never>> = {
  kind: 'model',
  description: 'the token classifier of classifier.pii_model.model_id (ONNX, Hugging Face layout)',
  optionsSchema: z.strictObject({}),
  async create(ctx) {
    if (ctx.config.classifier.pii_model.model_id === '') return null
    const loaded = await loadRoleModel('pii', ctx)
    return loaded ? new OnnxPiiDetector(loaded.lease) : null
  },
}
