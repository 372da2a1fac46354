import type { ExpressionLanguage } from '../expressions';
import { FeelEvaluator } from './feel-evaluator';

describe('FeelEvaluator', () => {
  const feel = new FeelEvaluator({ clock: { now: () => Date.UTC(2024, 1, 29, 12, 0, 0) } });

  it('should implement the expression language port of the engine', () => {
    const language: ExpressionLanguage = feel;

    expect(language.evaluate('1 + 1', {})).toEqual({ ok: true, value: 2 });
  });

  describe('evaluate', () => {
    it('should evaluate an expression against variables', () => {
      expect(feel.evaluate('a.b > 5 and c = "x"', { a: { b: 7 }, c: 'x' })).toEqual({ ok: true, value: true });
    });

    it('should evaluate a missing variable to null', () => {
      expect(feel.evaluate('x', {})).toEqual({ ok: true, value: null });
    });

    it('should evaluate a path into a missing variable to null', () => {
      expect(feel.evaluate('x.y.z', {})).toEqual({ ok: true, value: null });
    });

    it('should return lists and contexts as plain JSON', () => {
      const result = feel.evaluate('{total: sum(items.price), names: items.name}', {
        items: [{ name: 'a', price: 2 }, { name: 'b', price: 3.5 }],
      });

      expect(result).toEqual({ ok: true, value: { total: 5.5, names: ['a', 'b'] } });
    });

    it('should return a function as null', () => {
      expect(feel.evaluate('{f: function(x) x + 1, n: 1}', {})).toEqual({ ok: true, value: { f: null, n: 1 } });
    });

    it('should reach a variable whose name has spaces through backticks', () => {
      expect(feel.evaluate('`order total` * 2', { 'order total': 21 })).toEqual({ ok: true, value: 42 });
    });

    it('should parse a dash as subtraction even when a variable has that name', () => {
      expect(feel.evaluate('a-b', { a: 5, b: 2, 'a-b': 99 })).toEqual({ ok: true, value: 3 });
    });

    it('should let a variable shadow a function of the same name', () => {
      expect(feel.evaluate('trim', { trim: 'a variable' })).toEqual({ ok: true, value: 'a variable' });
    });

    it('should treat a missing context like an empty one', () => {
      expect(feel.evaluate('x', undefined as unknown as Record<string, unknown>)).toEqual({ ok: true, value: null });
    });

    it('should report a syntax error in the words of Zeebe', () => {
      expect(feel.evaluate('foo(', {})).toEqual({
        ok: false,
        message: "failed to parse expression 'foo(': unexpected end of expression",
      });
    });

    it('should report a failed assertion as a failed evaluation', () => {
      expect(feel.evaluate('assert(x, x > 0, "x must be positive")', { x: -1 })).toEqual({
        ok: false,
        message: 'failed to evaluate expression \'assert(x, x > 0, "x must be positive")\': x must be positive',
      });
    });

    it('should fail instead of throwing when a function recurses without end', () => {
      const result = feel.evaluate('{f: function(n) f(n + 1)}.f(0)', {});

      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^failed to evaluate expression/) });
    });

    it('should fail instead of throwing when a variable cannot become JSON', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;

      expect(feel.evaluate('x', { x: cyclic })).toMatchObject({ ok: false });
    });
  });

  describe('comparisons with null', () => {
    it.each(['x > 5', 'x >= 5', 'x < 5', 'x <= 5', '5 < x', 'x between 1 and 5', 'x in [1..5]', 'x in (1, 2)', 'x.y > 1'])(
      'should evaluate %s to false when x is missing',
      (source) => {
        expect(feel.evaluate(source, {})).toEqual({ ok: true, value: false });
      },
    );

    it('should evaluate the negation of a comparison with null to true', () => {
      expect(feel.evaluate('not(x > 5)', {})).toEqual({ ok: true, value: true });
    });

    it('should compare with an equality that treats null as a value', () => {
      expect(feel.evaluate('[x = null, x != 5, x = 5, (x > 5) = false]', {})).toEqual({ ok: true, value: [true, true, false, true] });
    });

    it('should still compare values that exist', () => {
      expect(feel.evaluate('[x > 5, x between 1 and 9, x in [1..5], 5 < x]', { x: 7 })).toEqual({
        ok: true,
        value: [true, true, false, true],
      });
    });

    it('should still filter the items of a list with a comparison', () => {
      const orders = [{ amount: 5 }, { amount: 50 }, {}];

      expect(feel.evaluate('orders[amount > 10]', { orders })).toEqual({ ok: true, value: [{ amount: 50 }] });
      expect(feel.evaluate('[1, 5, 10][item >= 5]', {})).toEqual({ ok: true, value: [5, 10] });
    });
  });

  describe('caching', () => {
    it('should give each evaluation of the same source its own variables', () => {
      const source = 'a.b > 5 and c = "x"';

      const results = [
        feel.evaluate(source, { a: { b: 7 }, c: 'x' }),
        feel.evaluate(source, { a: { b: 1 }, c: 'x' }),
        feel.evaluate(source, { a: { b: 9 }, c: 'x' }),
        feel.evaluate(source, { a: { b: 9 }, c: 'y' }),
      ];

      expect(results.map((result) => result.ok && result.value)).toEqual([true, false, true, false]);
    });

    it('should not let the variables of one evaluation leak into the next', () => {
      feel.evaluate('x + y', { x: 1, y: 2 });

      expect(feel.evaluate('x + y', { x: 1 })).toEqual({ ok: true, value: null });
    });

    it('should evaluate the same source with variables of different names', () => {
      const source = 'if `first name` != null then `first name` else nickname';

      expect(feel.evaluate(source, { 'first name': 'Ada' })).toEqual({ ok: true, value: 'Ada' });
      expect(feel.evaluate(source, { nickname: 'Countess' })).toEqual({ ok: true, value: 'Countess' });
      expect(feel.evaluate(source, { 'first name': 'Grace', nickname: 'Amazing' })).toEqual({ ok: true, value: 'Grace' });
    });

    it('should resolve a multi-word name the same way whatever the variables are', () => {
      const source = 'order total > 5';

      expect(feel.evaluate(source, {})).toEqual({ ok: true, value: false });
      expect(feel.evaluate(source, { 'order total': 10 })).toEqual({ ok: true, value: true });
      expect(feel.evaluate(source, { order: 10, total: 10 })).toEqual({ ok: true, value: false });
      expect(feel.evaluate(source, { 'order total': 1 })).toEqual({ ok: true, value: false });
    });

    it('should find a variable however its name is spelled in the source', () => {
      const variables = { 'order total': 10, 'tracking-id': 'T1', 'a.b': 'dotted', nested: { 'x y': 1 } };

      expect(feel.evaluate('[order   total, `tracking-id`, `a.b`, nested.`x y`]', variables)).toEqual({
        ok: true,
        value: [10, 'T1', 'dotted', 1],
      });
    });

    it('should parse a multi-word function whose name has a keyword before any variable exists', () => {
      expect(feel.check('get or else(x, 1)')).toBeNull();
      expect(feel.evaluate('get or else(x, 1)', {})).toEqual({ ok: true, value: 1 });
      expect(feel.evaluate('get or else(x, 1)', { x: 2 })).toEqual({ ok: true, value: 2 });
    });

    it('should restore a function after a variable of the same name shadowed it', () => {
      const source = 'if is defined(trim) then trim else trim(" a ")';

      expect(feel.evaluate(source, { trim: 'shadowed' })).toEqual({ ok: true, value: 'shadowed' });
      expect(feel.evaluate('trim(" a ")', {})).toEqual({ ok: true, value: 'a' });
    });

    it('should report only the warnings of the evaluation at hand', () => {
      feel.evaluateString('missing', {});
      feel.evaluateString('missing', {});

      const result = feel.evaluateString('missing', {});

      expect(result).toEqual({
        ok: false,
        message:
          "Expected result of the expression 'missing' to be 'STRING', but was 'NULL'. " +
          "The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND] Variable 'missing' not found",
      });
    });

    it('should stay correct when the cache is smaller than the expressions in use', () => {
      const tiny = new FeelEvaluator({ cacheSize: 1 });

      const results = [1, 2, 3].flatMap((x) => [tiny.evaluate('x * 2', { x }), tiny.evaluate('x + 1', { x })]);

      expect(results.map((result) => result.ok && result.value)).toEqual([2, 2, 4, 3, 6, 4]);
    });
  });

  describe('evaluateCondition', () => {
    it('should evaluate a boolean', () => {
      expect(feel.evaluateCondition('amount >= 100', { amount: 100 })).toEqual({ ok: true, value: true });
    });

    it('should fail on a null result, as Zeebe does (comparisons with null are false instead)', () => {
      expect(feel.evaluateCondition('null', {})).toEqual({
        ok: false,
        message: "Expected result of the expression 'null' to be 'BOOLEAN', but was 'NULL'.",
      });
      expect(feel.evaluateCondition('vip', {})).toMatchObject({ ok: false });
      expect(feel.evaluateCondition('vip > 3', {})).toEqual({ ok: true, value: false });
    });

    it('should evaluate a comparison with a missing variable to false', () => {
      expect(feel.evaluateCondition('x > 5', {})).toEqual({ ok: true, value: false });
    });

    it.each([
      ['"yes"', 'STRING'],
      ['1', 'NUMBER'],
      ['[true]', 'ARRAY'],
      ['{ok: true}', 'OBJECT'],
      ['date("2024-01-01")', 'DATE'],
      ['date and time("2024-01-01T10:00:00Z")', 'DATE_TIME'],
      ['duration("PT1H")', 'DURATION'],
      ['duration("P1M")', 'PERIOD'],
      ['time("10:00:00")', 'UNKNOWN'],
    ])('should reject a result like %s as %s', (source, type) => {
      expect(feel.evaluateCondition(source, {})).toEqual({
        ok: false,
        message: `Expected result of the expression '${source}' to be 'BOOLEAN', but was '${type}'.`,
      });
    });

    it('should pass a syntax error on', () => {
      expect(feel.evaluateCondition('x >', {})).toEqual({ ok: false, message: "failed to parse expression 'x >': unexpected end of expression" });
    });
  });

  describe('evaluateString', () => {
    it('should evaluate a string', () => {
      expect(feel.evaluateString('"touchpoint." + channel', { channel: 'email' })).toEqual({ ok: true, value: 'touchpoint.email' });
    });

    it('should stringify a number as an integer like Zeebe does for correlation keys', () => {
      expect(feel.evaluateString('customerId', { customerId: 12345 })).toEqual({ ok: true, value: '12345' });
      expect(feel.evaluateString('12.7', {})).toEqual({ ok: true, value: '12' });
    });

    it('should stringify a boolean', () => {
      expect(feel.evaluateString('1 < 2', {})).toEqual({ ok: true, value: 'true' });
    });

    it('should reject a list', () => {
      expect(feel.evaluateString('["a"]', {})).toEqual({
        ok: false,
        message: "Expected result of the expression '[\"a\"]' to be 'STRING', but was 'ARRAY'.",
      });
    });
    it('should accept only a string when strict, as Zeebe does for job types', () => {
      expect(feel.evaluateString('"notify-" + kind', { kind: 'sms' }, { strict: true })).toEqual({ ok: true, value: 'notify-sms' });
      expect(feel.evaluateString('kind', { kind: 42 }, { strict: true })).toEqual({
        ok: false,
        message: "Expected result of the expression 'kind' to be 'STRING', but was 'NUMBER'.",
      });
      expect(feel.evaluateString('1 < 2', {}, { strict: true })).toEqual({
        ok: false,
        message: "Expected result of the expression '1 < 2' to be 'STRING', but was 'BOOLEAN'.",
      });
    });
  });

  describe('evaluateNumber', () => {
    it('should evaluate a number', () => {
      expect(feel.evaluateNumber('retries + 1', { retries: 2 })).toEqual({ ok: true, value: 3 });
    });

    it('should reject a string', () => {
      expect(feel.evaluateNumber('"3"', {})).toEqual({
        ok: false,
        message: "Expected result of the expression '\"3\"' to be 'NUMBER', but was 'STRING'.",
      });
    });
  });

  describe('evaluateList', () => {
    it('should evaluate a list with its items as JSON values', () => {
      expect(feel.evaluateList('[1, "a", date("2024-01-31"), {b: [true]}]', {})).toEqual({
        ok: true,
        value: [1, 'a', '2024-01-31', { b: [true] }],
      });
    });

    it('should reject a missing collection', () => {
      expect(feel.evaluateList('customers', {})).toEqual({
        ok: false,
        message:
          "Expected result of the expression 'customers' to be 'ARRAY', but was 'NULL'. " +
          "The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND] Variable 'customers' not found",
      });
    });
  });

  describe('check', () => {
    it.each(['x', 'a.b > 5 and c = "x"', 'unknownFunction(1)', 'for i in 1..3 return i * 2', '{a: 1}.a', '`a b` + 1', 'x // comment', 'x in > 5', 'items[> 5]'])(
      'should accept %s',
      (source) => {
        expect(feel.check(source)).toBeNull();
      },
    );

    it.each([
      ['foo(', 'unexpected end of expression'],
      ['1 +', 'unexpected end of expression'],
      ['', 'unexpected end of expression'],
      ['1 2', "unexpected '2' at position 3"],
      ['a.b >>> 5', "unexpected '>' at position 6"],
      ['x == 1', "unexpected '=' at position 4"],
      ['= x', "unexpected '=' at position 1"],
    ])('should reject %j', (source, reason) => {
      expect(feel.check(source)).toBe(`failed to parse expression '${source}': ${reason}`);
    });
  });

  describe('time', () => {
    it('should read now() and today() from the clock', () => {
      const clock = { now: () => Date.UTC(2024, 11, 31, 23, 59, 59, 500) };
      const timed = new FeelEvaluator({ clock });

      expect(timed.evaluate('[now(), today()]', {})).toEqual({ ok: true, value: ['2024-12-31T23:59:59.5Z', '2024-12-31'] });
    });

    it('should read the clock once per evaluation so that now() and today() agree', () => {
      let time = Date.UTC(2024, 11, 31, 23, 59, 59, 999);
      const timed = new FeelEvaluator({ clock: { now: () => time++ } });

      expect(timed.evaluate('[date(now()) = today(), now() = now()]', {})).toEqual({ ok: true, value: [true, true] });
    });

    it('should read the clock again at the next evaluation of a cached expression', () => {
      let time = Date.UTC(2024, 0, 1);
      const timed = new FeelEvaluator({ clock: { now: () => time } });
      const first = timed.evaluate('today()', {});

      time += 24 * 3600 * 1000;

      expect([first, timed.evaluate('today()', {})]).toEqual([
        { ok: true, value: '2024-01-01' },
        { ok: true, value: '2024-01-02' },
      ]);
    });

    it('should compare a deadline with now()', () => {
      expect(feel.evaluateCondition('date and time(deadline) < now()', { deadline: '2024-02-29T11:00:00Z' })).toEqual({ ok: true, value: true });
    });
  });

  describe('robustness', () => {
    const tokens = [
      'x', 'y', 'items', '1', '2.5', '"s"', '"', '(', ')', '[', ']', '{', '}', ':', ',', '.', '..', '+', '-', '*', '/',
      '**', '>', '<', '=', '!=', '>=', 'and', 'or', 'not', 'if', 'then', 'else', 'for', 'in', 'return', 'some', 'every',
      'satisfies', 'between', 'instance of', 'function', 'null', 'true', 'item', '?', '@"2020-01-01"', 'date(',
      'get or else(', 'is defined(', 'string join(', '`a b`', '`', '\\', ' ', '\n', '//', '/*', '*/', '€', '\u0000',
    ];
    const variables = { x: 3, y: 'text', items: [1, { a: 2 }], 'a b': true };

    it('should never throw, and never fail to parse what check accepted, for random input', () => {
      const random = seededRandom(20240229);
      const sources = Array.from({ length: 400 }, () =>
        Array.from({ length: 1 + Math.floor(random() * 8) }, () => tokens[Math.floor(random() * tokens.length)]).join(
          random() < 0.5 ? ' ' : '',
        ),
      );

      for (const source of sources) {
        const accepted = feel.check(source) === null;
        const results = [
          feel.evaluate(source, variables),
          feel.evaluateCondition(source, variables),
          feel.evaluateString(source, variables),
          feel.evaluateNumber(source, variables),
          feel.evaluateList(source, variables),
        ];
        for (const result of results) {
          expect(result.ok || typeof result.message === 'string').toBe(true);
          if (accepted && !result.ok) expect(result.message).not.toMatch(/^failed to parse/);
        }
      }
    });
  });
});

/** A small deterministic PRNG (mulberry32), so that a failing input can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
