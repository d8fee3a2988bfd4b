import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Question } from './datasets/types.js'
import { extractChoice, extractNumber, grade, parseNumber, stripThinking } from './extract.js'

const TEN = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((n) => `option ${n}`)
const FOUR = ['Mitochondria', 'Ribosome', 'Golgi apparatus', 'Nucleus']

describe('extractChoice on realistic model output', () => {
  const cases: [string, string | undefined][] = [
    ['C', 'C'],
    ['(C)', 'C'],
    ['C.', 'C'],
    ['C) option 2', 'C'],
    ['[D]', 'D'],
    ['**B**', 'B'],
    ['The answer is (C).', 'C'],
    ['The answer is C', 'C'],
    ['the answer is (c)', 'C'],
    ['Answer: D', 'D'],
    ['Answer: **D**', 'D'],
    ['**Answer:** (J)', 'J'],
    ['ANSWER: b.', 'B'],
    ['Final answer: E', 'E'],
    ['The correct answer is option H because the others fail.', 'H'],
    ['The correct option is (A).', 'A'],
    ['$\\boxed{G}$', 'G'],
    ['So we get \\boxed{\\text{F}}.', 'F'],
    ['Therefore: \\boxed{(B)}', 'B'],
    ['Option A is wrong because ... Option B fails too. Thus the answer is (D).', 'D'],
    ['A) looks tempting, but B) is right.\nThe answer is B.', 'B'],
    ['Let me think. A: no. B: no. C: yes.\n\nAnswer: C', 'C'],
    ['<think>Maybe A? Actually the answer is A... no wait</think>\nThe answer is (E)', 'E'],
    ['<think>long reasoning that says the answer is (B)</think>\n\n**Final Answer: I**', 'I'],
    ['reasoning left over</think>Answer: F', 'F'],
    ['<think>never finished, the answer is (A)', undefined],
    ['I choose option C.', 'C'],
    ['Option D is correct.', 'D'],
    ['The answer is a bit tricky; I would go with (H)', 'H'],
    ['I think it is hard to say.', undefined],
    ['The answer would be J', 'J'],
    ['Step 1: compute.\nStep 2: compare.\n\nB', 'B'],
    ['The answer is (K)', undefined], // only ten options: A-J
    ['', undefined],
    ['No idea.', undefined],
    ['Based on (C), the answer is (C)', 'C'],
  ]
  for (const [output, expected] of cases) {
    it(`${JSON.stringify(output).slice(0, 70)} → ${expected ?? 'none'}`, () => {
      assert.equal(extractChoice(output, TEN), expected)
    })
  }
  it('matches the option text when the model restates it', () => {
    assert.equal(extractChoice('Ribosome', FOUR), 'B')
    assert.equal(extractChoice('golgi apparatus.', FOUR), 'C')
    assert.equal(extractChoice('The answer is E', FOUR), undefined)
  })
})

describe('extractNumber on GSM8K-style output', () => {
  const cases: [string, number | undefined][] = [
    ['#### 72', 72],
    ['She sold 48 + 24 = 72 clips.\n#### 72', 72],
    ['The answer is 1,234.', 1234],
    ['The answer is $18.50', 18.5],
    ['Final answer: -7', -7],
    ['So x = 3/4', 0.75],
    ['\\boxed{42}', 42],
    ['We get $\\boxed{5{,}000}$? no: \\boxed{5000}', 5000],
    ['<think>maybe 10</think> The answer is 12.', 12],
    ['First 3 apples, then 4 more: 7 apples in total', 7],
    ['**Answer:** 45%', 45],
    ['no numbers here', undefined],
  ]
  for (const [output, expected] of cases) {
    it(`${JSON.stringify(output).slice(0, 60)} → ${expected ?? 'none'}`, () => {
      assert.equal(extractNumber(output), expected)
    })
  }
  it('parses numbers in the forms people write them', () => {
    assert.equal(parseNumber('1,000,000'), 1_000_000)
    assert.equal(parseNumber('$3.'), 3)
    assert.equal(parseNumber('.5'), 0.5)
    assert.equal(parseNumber('abc'), undefined)
  })
})

describe('grade', () => {
  const q = (kind: Question['kind'], answer: string, options: string[] = []): Question => ({
    id: '1',
    dataset: 't',
    category: 'c',
    question: 'q',
    options,
    answer,
    kind,
  })
  it('grades choices, numbers (with tolerance) and text', () => {
    assert.deepEqual(grade(q('choice', 'B', FOUR), 'The answer is (B)'), {
      predicted: 'B',
      correct: true,
    })
    assert.deepEqual(grade(q('choice', 'B', FOUR), 'nothing'), { predicted: '', correct: false })
    assert.equal(grade(q('numeric', '0.1'), 'The answer is 0.1000000001').correct, true)
    assert.equal(grade(q('numeric', '72'), '#### 73').correct, false)
    assert.equal(grade(q('text', 'Paris'), 'The capital is Paris.').correct, true)
    assert.equal(grade(q('text', 'Paris'), 'Lyon').correct, false)
  })
  it('strips thinking blocks', () => {
    assert.equal(stripThinking('<think>x</think>y'), 'y')
    assert.equal(stripThinking('a<THINK>b</THINK>c'), 'a c')
  })
})
