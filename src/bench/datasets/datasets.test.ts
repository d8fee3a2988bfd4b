// Dataset loaders on files in the layouts the datasets are really published in.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parquetWriteBuffer } from 'hyparquet-writer'
import {
  DatasetError,
  MMLU_PRO_CATEGORIES,
  loadDataset,
  parseCsv,
  sampleQuestions,
} from './index.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SAMPLE = join(ROOT, 'bench', 'datasets', 'sample-mmlu-pro.jsonl')

function tmp(name: string, content: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ds-'))
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

const MMLU_ROWS = [
  {
    question_id: 70,
    question:
      'Typical advertising regulatory bodies suggest, for example that adverts must not: ...',
    options: ['Safe practices, Fear', 'Unsafe practices, Distress', 'N/A'],
    answer: 'B',
    answer_index: 1,
    cot_content: '',
    category: 'business',
    src: 'ori_mmlu-business_ethics',
  },
  {
    question_id: 71,
    question: 'What is the derivative of x^2?',
    options: ['x', '2x', 'x^2', '2'],
    answer: 'B',
    answer_index: 1,
    cot_content: 'A: Let us think step by step...',
    category: 'math',
    src: 'stemez-Calculus',
  },
]

/** A Parquet file like the Hub's data/test-*.parquet: options as a 3-level LIST, INT64 ids. */
function mmluParquet(listName: 'list' | 'item' = 'list'): Uint8Array {
  const schema = [
    { name: 'schema', num_children: 8 },
    { name: 'question_id', type: 'INT64', repetition_type: 'OPTIONAL' },
    { name: 'question', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
    { name: 'options', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
    { name: listName, repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
    { name: 'answer', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
    { name: 'answer_index', type: 'INT64', repetition_type: 'OPTIONAL' },
    {
      name: 'cot_content',
      type: 'BYTE_ARRAY',
      repetition_type: 'OPTIONAL',
      converted_type: 'UTF8',
    },
    { name: 'category', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
    { name: 'src', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' },
  ] as const
  const col = <K extends keyof (typeof MMLU_ROWS)[0]>(k: K) => MMLU_ROWS.map((r) => r[k])
  return new Uint8Array(
    parquetWriteBuffer({
      schema: schema as never,
      columnData: [
        { name: 'question_id', data: col('question_id').map(BigInt) },
        { name: 'question', data: col('question') },
        { name: 'options', data: col('options') },
        { name: 'answer', data: col('answer') },
        { name: 'answer_index', data: col('answer_index').map(BigInt) },
        { name: 'cot_content', data: col('cot_content') },
        { name: 'category', data: col('category') },
        { name: 'src', data: col('src') },
      ],
    }),
  )
}

describe('MMLU-Pro loader', () => {
  const check = async (path: string) => {
    const ds = await loadDataset('mmlu-pro', path)
    assert.equal(ds.questions.length, 2)
    const [a, b] = ds.questions
    assert.deepEqual(a!.options, ['Safe practices, Fear', 'Unsafe practices, Distress'])
    assert.equal(a!.answer, 'B')
    assert.equal(a!.id, '70')
    assert.equal(a!.category, 'business')
    assert.equal(b!.cot, 'A: Let us think step by step...')
    assert.equal(b!.kind, 'choice')
  }
  it('reads JSON Lines', () =>
    check(tmp('t.jsonl', MMLU_ROWS.map((r) => JSON.stringify(r)).join('\n'))))
  it('reads a JSON array and a {"data": [...]} object', async () => {
    await check(tmp('t.json', JSON.stringify(MMLU_ROWS)))
    await check(tmp('t.json', JSON.stringify({ data: MMLU_ROWS })))
  })
  it('reads Parquet (list/element and list/item encodings)', async () => {
    await check(tmp('test-00000-of-00001.parquet', mmluParquet('list')))
    await check(tmp('test.parquet', mmluParquet('item')))
  })
  it('reads a Hugging Face snapshot folder, picking the test split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-hf-'))
    mkdirSync(join(dir, 'data'))
    writeFileSync(join(dir, 'data', 'test-00000-of-00001.parquet'), mmluParquet())
    writeFileSync(join(dir, 'data', 'validation-00000-of-00001.parquet'), mmluParquet())
    writeFileSync(join(dir, 'README.md'), '# card')
    const ds = await loadDataset('mmlu', dir)
    assert.equal(ds.questions.length, 2) // the validation file was not read
  })
  it('skips unusable records, saying why, and keeps the rest', async () => {
    const rows = [
      ...MMLU_ROWS,
      { question_id: 1, question: 'no options', options: [], answer: 'A', category: 'law' },
      { question_id: 2, question: 'bad answer', options: ['x', 'y'], answer: 'F', category: 'law' },
      { question_id: 3, question: 'no category', options: ['x', 'y'], answer: 'A' },
      { ...MMLU_ROWS[0], question: 'duplicate id' },
    ]
    const ds = await loadDataset(
      'mmlu-pro',
      tmp('t.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')),
    )
    assert.equal(ds.questions.length, 2)
    assert.equal(ds.skipped.length, 4)
    assert.match(ds.skipped.join('\n'), /1: needs at least two options/)
    assert.match(ds.skipped.join('\n'), /2: answer "F" is not one of the options/)
    assert.match(ds.skipped.join('\n'), /3: no category/)
    assert.match(ds.skipped.join('\n'), /70: duplicate id/)
  })
})

describe('loader errors', () => {
  it('reports a missing file, a bad extension, malformed JSON with its line, a broken Parquet', async () => {
    await assert.rejects(loadDataset('mmlu-pro', '/nonexistent/x.jsonl'), /dataset file not found/)
    await assert.rejects(loadDataset('mmlu-pro', tmp('x.txt', 'hi')), /unsupported file type/)
    await assert.rejects(
      loadDataset(
        'mmlu-pro',
        tmp('x.jsonl', `${JSON.stringify(MMLU_ROWS[0])}\n{"question": oops\n`),
      ),
      (err: Error) => err instanceof DatasetError && /x\.jsonl:2: not valid JSON/.test(err.message),
    )
    await assert.rejects(
      loadDataset('mmlu-pro', tmp('x.json', '{"rows": 3}')),
      /expected a JSON array/,
    )
    await assert.rejects(
      loadDataset('mmlu-pro', tmp('x.parquet', 'PAR1 not really')),
      /not a readable Parquet/,
    )
    await assert.rejects(
      loadDataset('mmlu-pro', tmp('x.jsonl', '{"foo": 1}\n')),
      /no usable mmlu-pro records in 1/,
    )
    await assert.rejects(
      loadDataset('squad', tmp('x.jsonl', '{}')),
      /unknown dataset "squad" \(known: mmlu-pro, arc/,
    )
    await assert.rejects(
      loadDataset('mmlu-pro', mkdtempSync(join(tmpdir(), 'empty-'))),
      /no \.json, \.jsonl/,
    )
  })
})

describe('other layouts', () => {
  it('ARC from the Hub layout and the original JSONL, labels letters or digits', async () => {
    const hub = {
      id: 'Mercury_7175875',
      question:
        'An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect of this increase in rotation?',
      choices: {
        text: [
          'Planetary density will decrease.',
          'Planetary years will become longer.',
          'Planetary days will become shorter.',
          'Planetary gravity will become stronger.',
        ],
        label: ['A', 'B', 'C', 'D'],
      },
      answerKey: 'C',
    }
    const original = {
      id: 'NYSEDREGENTS_2015_4_8',
      question: {
        stem: 'Which is a renewable resource?',
        choices: [
          { text: 'coal', label: '1' },
          { text: 'wind', label: '2' },
          { text: 'oil', label: '3' },
        ],
      },
      answerKey: '2',
    }
    const path = tmp(
      'ARC-Challenge-Test.jsonl',
      [hub, original].map((r) => JSON.stringify(r)).join('\n'),
    )
    const ds = await loadDataset('arc-challenge', path)
    assert.deepEqual(
      ds.questions.map((q) => [q.answer, q.category]),
      [
        ['C', 'ARC-Challenge'],
        ['B', 'ARC-Challenge'],
      ],
    )
    assert.equal(ds.questions[1]!.question, 'Which is a renewable resource?')
  })

  it('GPQA CSV with quoted multi-line fields, options shuffled by seed', async () => {
    const csv = [
      'Record ID,Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3,High-level domain,Subdomain',
      'rec1,"A particle, moving ""fast"",\nhas energy E. What is p?",E/c,E*c,c/E,0,Physics,Relativity',
      'rec2,Which base pairs with adenine in DNA?,Thymine,Cytosine,Guanine,Uracil,Biology,Molecular',
    ].join('\r\n')
    const a = await loadDataset('gpqa-diamond', tmp('gpqa_diamond.csv', csv), { seed: 1 })
    const b = await loadDataset('gpqa', tmp('gpqa_diamond.csv', csv), { seed: 1 })
    const [q1] = a.questions
    assert.equal(q1!.question, 'A particle, moving "fast",\nhas energy E. What is p?')
    assert.equal(q1!.options[q1!.answer.charCodeAt(0) - 65], 'E/c')
    assert.equal(q1!.category, 'physics')
    assert.deepEqual(a.questions, b.questions)
    // Over many seeds the correct answer is not always in the same slot.
    const slots = new Set<string>()
    for (let seed = 0; seed < 20; seed++) {
      slots.add((await loadDataset('gpqa', tmp('g.csv', csv), { seed })).questions[0]!.answer)
    }
    assert.ok(slots.size > 1)
  })

  it('GSM8K numeric answers', async () => {
    const rows = [
      {
        question: 'Natalia sold 48 clips in April and half as many in May. How many altogether?',
        answer: 'In May she sold 48/2 = 24.\n48 + 24 = 72\n#### 72',
      },
      { question: 'A big number?', answer: 'It is #### 1,250' },
      { question: 'broken', answer: 'no marker' },
    ]
    const ds = await loadDataset(
      'gsm8k',
      tmp('test.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')),
    )
    assert.deepEqual(
      ds.questions.map((q) => [q.answer, q.kind, q.category]),
      [
        ['72', 'numeric', 'math'],
        ['1250', 'numeric', 'math'],
      ],
    )
    assert.match(ds.skipped[0]!, /no "#### <number>" line/)
  })

  it('generic JSONL: letters, indexes, option text, {A: ...} maps, numbers and text', async () => {
    const rows = [
      { id: 'a', question: 'q', options: ['x', 'y', 'z'], answer: 'C', category: 'Law' },
      { id: 'b', question: 'q', choices: ['x', 'y'], answer: 1 },
      { id: 'c', prompt: 'q', options: { A: 'red', B: 'blue' }, answer: 'blue' },
      { id: 'd', question: 'q', answer: '$1,000' },
      { id: 'e', question: 'Capital of France?', answer: 'Paris' },
    ]
    const ds = await loadDataset(
      'jsonl',
      tmp('g.jsonl', rows.map((r) => JSON.stringify(r)).join('\n')),
    )
    assert.deepEqual(
      ds.questions.map((q) => [q.id, q.kind, q.answer, q.category]),
      [
        ['a', 'choice', 'C', 'law'],
        ['b', 'choice', 'B', 'other'],
        ['c', 'choice', 'B', 'other'],
        ['d', 'numeric', '1000', 'other'],
        ['e', 'text', 'Paris', 'other'],
      ],
    )
  })

  it('CSV parser handles BOM, CRLF and a last line without newline', () => {
    assert.deepEqual(parseCsv('\ufeffa,b\r\n1,"2,3"\r\n4,5', 't'), [
      { a: '1', b: '2,3' },
      { a: '4', b: '5' },
    ])
    assert.throws(() => parseCsv('a\n"open', 't'), /unterminated/)
  })
})

describe('the shipped sample set and sampling', () => {
  it('has 6 questions in each of the 14 MMLU-Pro categories, all valid', async () => {
    const ds = await loadDataset('mmlu-pro', SAMPLE)
    assert.equal(ds.skipped.length, 0)
    assert.equal(ds.questions.length, 84)
    for (const category of MMLU_PRO_CATEGORIES) {
      assert.equal(ds.questions.filter((q) => q.category === category).length, 6, category)
    }
  })

  it('samples per category with a seed, and rejects unknown categories', async () => {
    const { questions } = await loadDataset('mmlu-pro', SAMPLE)
    const a = sampleQuestions(questions, { perCategory: 2, seed: 7 })
    assert.equal(a.length, 28)
    assert.deepEqual(a, sampleQuestions(questions, { perCategory: 2, seed: 7 }))
    assert.notDeepEqual(
      a.map((q) => q.id),
      sampleQuestions(questions, { perCategory: 2, seed: 8 }).map((q) => q.id),
    )
    const some = sampleQuestions(questions, { categories: ['Math', 'law'], perCategory: 10 })
    assert.deepEqual([...new Set(some.map((q) => q.category))], ['law', 'math'])
    assert.equal(some.length, 12)
    assert.throws(
      () => sampleQuestions(questions, { categories: ['astrology'] }),
      /unknown category astrology \(dataset has: biology, business/,
    )
  })
})
