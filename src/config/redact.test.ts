import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse, stringify } from 'yaml'
import { isSecretKey, redactConfig, redactConfigText, redactString, REDACTED } from './redact.js'

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'upstream-configs')

/** A config with a secret in every shape we know of (upstream classic + v0.3 + ours). */
const SECRETS_YAML = `
vllm_endpoints:
  - name: a
    address: 10.0.0.1
    port: 8000
    api_key_env: A_KEY # names a variable: kept
providers:
  models:
    - name: gpt
      backend_refs:
        - base_url: https://api.example.com/v1
          auth_header: Authorization
          auth_prefix: Bearer
          api_key: static-demo-key
          extra_headers:
            Authorization: Bearer sk-header-secret
            X-Api-Key: header-key-secret
            X-Tenant: reference-config
semantic_cache:
  backend:
    postgres:
      connection_string: postgres://router:dsn-secret@db:5432/vsr?sslmode=disable
      connection_string_env: PG_DSN
session:
  redis: { address: 'redis:6379', password: redis-secret, key_prefix: 'vsr:' }
  milvus:
    username: root
    password: milvus-secret
    auth: { enabled: true, username: u, password: '' }
    tls: { key_file: /etc/tls/key.pem, cert_file: /etc/tls/cert.pem }
tools:
  search:
    endpoint: https://search.example.com/query?api_key=query-secret&top_k=3
    clientSecret: camel-secret
    authToken: token-secret
    credentials: { user: x, pass: cred-secret }
    private_key: |
      -----BEGIN KEY-----
      pem-secret
signals:
  metadata:
    - { name: canary, key: cohort, predicate: { equals: canary } }
dsn_string: "host=db user=router password=kv-secret dbname=vsr"
max_tokens: 512
target_tokens: 1000
token_filter: tool_call_args
keywords: [password, token]
# api_key: commented-secret
`

const LEAKS = [
  'static-demo-key',
  'sk-header-secret',
  'header-key-secret',
  'dsn-secret',
  'redis-secret',
  'milvus-secret',
  'query-secret',
  'camel-secret',
  'token-secret',
  'cred-secret',
  'pem-secret',
  'kv-secret',
  'commented-secret',
]

describe('isSecretKey', () => {
  it('knows secret names in every casing', () => {
    for (const key of [
      'password',
      'db_password',
      'api_key',
      'apiKey',
      'X-API-Key',
      'x-apikey',
      'access_key',
      'secret_key',
      'private_key',
      'client_secret',
      'clientSecret',
      'auth_token',
      'authToken',
      'token',
      'secret',
      'Authorization',
      'credentials',
      'cookie',
      'admin_key',
    ])
      assert.equal(isSecretKey(key), true, key)
  })

  it('keeps locations, counts and header names', () => {
    for (const key of [
      'api_key_env',
      'connection_string_env',
      'key_file',
      'password_file',
      'tls_key_path',
      'key_prefix',
      'auth_header',
      'auth_prefix',
      'key',
      'keywords',
      'max_tokens',
      'target_tokens',
      'token_filter',
      'tokenizer_path',
      'traditional_token_classification_threshold',
      'username',
    ])
      assert.equal(isSecretKey(key), false, key)
  })
})

describe('redactString', () => {
  it('drops URL and DSN passwords, keeps the rest', () => {
    assert.equal(
      redactString('postgres://router:pw@db:5432/vsr'),
      `postgres://router:${REDACTED}@db:5432/vsr`,
    )
    assert.equal(redactString('redis://:pw@cache:6379/0'), `redis://:${REDACTED}@cache:6379/0`)
    assert.equal(
      redactString('https://x.example/q?token=abc&top_k=3'),
      `https://x.example/q?token=${REDACTED}&top_k=3`,
    )
    assert.equal(
      redactString("host=db password='a b' dbname=x"),
      `host=db password=${REDACTED} dbname=x`,
    )
    assert.equal(redactString('https://user@host/path'), 'https://user@host/path')
    assert.equal(redactString('10.0.0.1:8000'), '10.0.0.1:8000')
  })
})

describe('redactConfig', () => {
  const raw = parse(SECRETS_YAML) as Record<string, unknown>

  it('leaves no secret in the copy and does not touch the input', () => {
    const before = JSON.stringify(raw)
    const text = JSON.stringify(redactConfig(raw))
    for (const leak of LEAKS.filter((l) => l !== 'commented-secret'))
      assert.equal(text.includes(leak), false, leak)
    assert.equal(JSON.stringify(raw), before)
  })

  it('keeps what is not secret', () => {
    const out = redactConfig(raw)
    const text = JSON.stringify(out)
    for (const kept of [
      '"api_key_env":"A_KEY"',
      '"connection_string_env":"PG_DSN"',
      '"key":"cohort"',
      '"max_tokens":512',
      '"auth_header":"Authorization"',
      '"X-Tenant":"reference-config"',
      '"key_file":"/etc/tls/key.pem"',
      '"keywords":["password","token"]',
      '"password":""', // an empty secret stays visibly empty
      `postgres://router:${REDACTED}@db:5432/vsr?sslmode=disable`,
    ])
      assert.ok(text.includes(kept), kept)
  })

  it('redacts every upstream fixture, with each of its secret fields filled in', () => {
    let checked = 0
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'))) {
      const filled: string[] = []
      const doc = fillSecrets(parse(readFileSync(join(FIXTURES, file), 'utf8')), filled)
      const json = JSON.stringify(redactConfig(doc))
      const yaml = redactConfigText(stringify(doc))
      for (const s of filled) {
        assert.equal(json.includes(s), false, `${file}: ${s}`)
        assert.equal(yaml.includes(s), false, `${file}: ${s}`)
      }
      checked += filled.length
    }
    assert.ok(checked > 0)
  })
})

describe('redactConfigText', () => {
  it('keeps comments and layout, drops every secret including commented-out ones', () => {
    const out = redactConfigText(SECRETS_YAML)
    for (const leak of LEAKS) assert.equal(out.includes(leak), false, leak)
    assert.ok(out.includes('api_key_env: A_KEY # names a variable: kept'))
    assert.ok(out.includes(`# api_key: ${REDACTED}`))
    assert.ok(out.includes('key: cohort'))
    assert.deepEqual(Object.keys(parse(out) as object), Object.keys(parse(SECRETS_YAML) as object))
  })

  it('drops commented-out secrets in upstream files', () => {
    const text = readFileSync(join(FIXTURES, 'semantic-cache_milvus.yaml'), 'utf8')
    assert.ok(text.includes('your-password'))
    assert.equal(redactConfigText(text).includes('your-password'), false)
  })

  it('shows nothing of a file that does not parse', () => {
    assert.equal(redactConfigText('a: [1,\npassword: x').includes('x'), false)
  })
})

/** The document with a unique value in every secret-named field (recorded in `filled`). */
function fillSecrets(value: unknown, filled: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => fillSecrets(v, filled))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (isSecretKey(k) && (v === null || typeof v !== 'object')) {
      out[k] = `filled-secret-${filled.length}`
      filled.push(out[k] as string)
    } else out[k] = fillSecrets(v, filled)
  }
  return out
}
