/**
 * The container recipe, checked without a Docker engine: the Dockerfile's structure, that every
 * path it copies exists and survives .dockerignore, that the runtime needs only production
 * dependencies. image-serve.test.ts runs the entrypoint from a staged copy of the image.
 */
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'
import { parse as parseYaml } from 'yaml'
import { serverSchema } from '../../src/config/schema/server.js'
import { DockerIgnore } from './dockerfile.js'
import { buildStagePlan } from './image-build.js'
import { contextFiles, filesUnder, ignore, runtime, stages } from './image-stage.js'
import { DEPLOY, ROOT } from './tools.js'

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
}

test('the recipe is multi-stage with a slim, non-root runtime and a health check', () => {
  assert.ok(stages.length >= 2, 'expected a build stage and a runtime stage')
  assert.match(runtime.image, /^node:[\d.]+-\w+-slim$/)
  assert.match(runtime.user ?? '', /^[1-9]\d*:[1-9]\d*$/, 'USER must be a numeric non-root uid:gid')
  const deployment = parseYaml(
    readFileSync(join(DEPLOY, 'kubernetes', 'base', 'deployment.yaml'), 'utf8'),
  )
  const podUser = deployment.spec.template.spec.securityContext.runAsUser
  assert.equal(runtime.user, `${podUser}:${podUser}`, 'image user and Kubernetes runAsUser differ')
  assert.ok(runtime.healthcheck, 'no HEALTHCHECK')
  assert.ok(runtime.entrypoint && runtime.cmd, 'ENTRYPOINT and CMD must be exec form')
  const d = serverSchema.parse({})
  assert.deepEqual(
    [...runtime.expose].sort(),
    [d.gateway_port, d.extproc_port, d.api_port, d.metrics_port].sort(),
  )
  assert.match(runtime.env['SR_HEALTHCHECK_URL'] ?? '', new RegExp(`:${d.api_port}/health$`))
})

test('the image runs the compiled JavaScript the build stage makes', () => {
  const build = stages.find((s) => s.name === 'build')
  assert.ok(build, 'no build stage')
  const { files, commands } = buildStagePlan(build, contextFiles)
  assert.equal(commands.at(-1), 'npm run build')
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
    compilerOptions: { outDir: string; rootDir: string }
  }
  assert.equal(tsconfig.compilerOptions.rootDir, 'src')
  const dist = runtime.copies.find((c) => c.from === 'build')
  assert.deepEqual(dist?.sources, [`${build.workdir}/${tsconfig.compilerOptions.outDir}`])
  assert.deepEqual(runtime.entrypoint, ['node', `${runtime.workdir}/dist/main.js`])
  for (const needed of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'src/main.ts'])
    assert.ok(files.includes(needed), `the build stage does not copy ${needed}`)
  assert.ok(!files.some((f) => f.endsWith('.test.ts')), 'tests reach the build stage')
})

test('every path the recipe copies exists and is in the build context', () => {
  for (const stage of stages) {
    for (const copy of stage.copies) {
      if (copy.from !== undefined) {
        const source = stages.find((s) => s.name === copy.from)
        assert.ok(
          source && stages.indexOf(source) < stages.indexOf(stage),
          `unknown stage ${copy.from}`,
        )
        for (const src of copy.sources)
          assert.ok(
            src.startsWith(source.workdir),
            `${src} is outside stage ${copy.from}'s WORKDIR`,
          )
        continue
      }
      for (const src of copy.sources) {
        assert.ok(existsSync(join(ROOT, src)), `COPY ${src}: not in the repository`)
        assert.ok(contextFiles(src).length > 0, `COPY ${src}: excluded by .dockerignore`)
      }
    }
  }
})

test('.dockerignore keeps tests, dependencies and history out of the context', () => {
  for (const path of [
    'node_modules/yaml/package.json',
    '.git/HEAD',
    'test/deploy/tools.ts',
    'src/pipeline/sse-assembler.test.ts',
    'bench/x.ts',
  ])
    assert.ok(ignore.excludes(path), `${path} should be excluded`)
  for (const path of ['src/main.ts', 'tsconfig.build.json', 'package-lock.json'])
    assert.ok(!ignore.excludes(path), `${path} should be included`)
  // The matcher itself: `**`, exceptions and parent-directory matches.
  const m = new DockerIgnore('**\n!keep\nkeep/**/*.tmp\n')
  assert.deepEqual(
    ['a', 'keep/x.js', 'keep/deep/y.tmp', 'keep/z.tmp'].map((p) => m.excludes(p)),
    [true, false, true, true],
  )
})

test('the runtime needs only production dependencies (the image installs --omit=dev)', () => {
  const builtins = new Set(builtinModules)
  const missing = new Set<string>()
  for (const file of filesUnder('src').filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  )) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    const specifiers = [
      ...text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm),
      ...text.matchAll(/^import\s+['"]([^'"]+)['"]/gm),
      ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ].map((m) => m[1]!)
    for (const spec of specifiers) {
      if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0]!
      if (!(name in pkg.dependencies)) missing.add(`${name} (${file})`)
    }
  }
  assert.deepEqual([...missing], [])
})
