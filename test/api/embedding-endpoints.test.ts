/** Embedding endpoints, /info/models with real model figures, and their OpenAPI description. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { postJson, readJson, useRouter, type Json } from '../helpers/router.js'

const CONFIG = `
vllm_endpoints:
  - { name: sim, address: 127.0.0.1, port: 9 }
model_config:
  general: { preferred_endpoints: [sim] }
default_model: general
semantic_cache: { enabled: true }
categories:
  - name: math
    model_scores: [{ model: general, score: 1, use_reasoning: false }]
`

const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0))

describe('embedding API', () => {
  const t = useRouter(CONFIG)

  it('POST /api/v1/embeddings returns normalised vectors in upstream shape', async () => {
    let res = await postJson(`${t.api}/api/v1/embeddings`, {
      texts: ['What is the capital of France?', 'hello'],
    })
    assert.equal(res.status, 200)
    assert.equal(res.json.total_count, 2)
    const [first] = res.json.embeddings
    assert.equal(first.dimension, 484)
    assert.equal(first.embedding.length, 484)
    assert.equal(first.model_used, 'embedded/sentence-embedding')
    assert.ok(Math.abs(norm(first.embedding) - 1) < 1e-4)
    assert.equal(typeof res.json.avg_processing_time_ms, 'number')
    res = await postJson(`${t.api}/api/v1/embeddings`, {
      texts: ['hello'],
      dimension: 128,
      model: 'auto',
    })
    assert.equal(res.json.embeddings[0].embedding.length, 128)
    assert.ok(Math.abs(norm(res.json.embeddings[0].embedding) - 1) < 1e-4)
  })

  it('rejects bad requests with stable codes', async () => {
    const url = `${t.api}/api/v1/embeddings`
    for (const body of [
      {},
      { texts: [] },
      { texts: [1] },
      { texts: ['a'], dimension: 9999 },
      { texts: ['a'], model: 'qwen3' },
    ]) {
      const res = await postJson(url, body)
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.equal(res.json.error.code, 'INVALID_REQUEST')
    }
    const res = await postJson(`${t.api}/api/v1/similarity`, { text1: 'a' })
    assert.equal(res.json.error.code, 'INVALID_REQUEST')
  })

  it('scores similarity and ranks candidates, best first', async () => {
    const para = await postJson(`${t.api}/api/v1/similarity`, {
      text1: 'How do I reverse a list in Python?',
      text2: 'How can I reverse a Python list?',
    })
    const other = await postJson(`${t.api}/api/v1/similarity`, {
      text1: 'How do I reverse a list in Python?',
      text2: 'Best pizza in Naples',
    })
    assert.equal(para.status, 200)
    assert.ok(para.json.similarity > other.json.similarity)
    assert.equal(para.json.model_used, 'embedded/sentence-embedding')
    const batch = await postJson(`${t.api}/api/v1/similarity/batch`, {
      query: 'symptoms of the flu',
      candidates: ['best pizza in Naples', 'what symptoms does the flu cause', 'flu shot prices'],
      top_k: 2,
    })
    assert.equal(batch.status, 200)
    assert.equal(batch.json.total_candidates, 3)
    assert.equal(batch.json.matches.length, 2)
    assert.equal(batch.json.matches[0].index, 1)
    assert.ok(batch.json.matches[0].similarity >= batch.json.matches[1].similarity)
  })

  it('GET /api/v1/embeddings/models and /info/models report real load time and memory', async () => {
    const models = await readJson(await fetch(`${t.api}/api/v1/embeddings/models`))
    assert.equal(models.count, 1)
    assert.equal(models.models[0].dimension, 484)
    assert.ok(models.models[0].load_time_ms > 0)
    assert.ok(models.models[0].memory_bytes > 0)
    const info = await readJson(await fetch(`${t.api}/info/models`))
    const category = info.models.find((m: Json) => m.name === 'model_classifier')
    assert.match(category.load_time, /^\d+(\.\d)?ms$/)
    assert.match(category.memory_usage, /MB$/)
    assert.equal(category.categories.length, 14)
    const embedding = info.models.find((m: Json) => m.name === 'embedding_model')
    assert.equal(embedding.metadata.dimension, 484)
  })

  it('documents the embedding endpoints in /openapi.json', async () => {
    const doc = await readJson(await fetch(`${t.api}/openapi.json`))
    for (const path of ['/api/v1/embeddings', '/api/v1/similarity', '/api/v1/similarity/batch']) {
      const op = doc.paths[path].post
      assert.ok(op.requestBody.content['application/json'].schema.required.length > 0, path)
      assert.ok(op.responses['200'].content['application/json'].schema.required.length > 0, path)
    }
    assert.ok(doc.paths['/api/v1/embeddings/models'].get)
  })
})
