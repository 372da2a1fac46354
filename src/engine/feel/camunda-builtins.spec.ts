import { FeelEvaluator } from './feel-evaluator';

describe('Camunda FEEL built-ins', () => {
  const feel = new FeelEvaluator({
    clock: { now: () => Date.UTC(2022, 9, 16, 12, 0, 0) },
    uuid: () => '7793aab1-d761-4d38-916b-b7270e309894',
  });

  function expectValue(source: string, value: unknown, variables: Record<string, unknown> = {}): void {
    expect(feel.evaluate(source, variables)).toEqual({ ok: true, value });
  }

  describe('is defined', () => {
    it('should tell a value from null', () => {
      expectValue('[is defined(1), is defined(null), is defined(x), is defined(x.y), is defined(false)]', [true, false, false, false, true]);
    });

    it('should accept its parameter by name', () => {
      expectValue('is defined(value: x)', true, { x: 0 });
    });
  });

  describe('get or else', () => {
    it('should return the value unless it is null', () => {
      expectValue('[get or else("this", "default"), get or else(null, "default"), get or else(null, null)]', ['this', 'default', null]);
    });

    it('should fall back for a missing variable', () => {
      expectValue('get or else(segment, "new")', 'new');
      expectValue('get or else(value: segment, default: "new")', 'vip', { segment: 'vip' });
    });
  });

  describe('assert', () => {
    it('should return the value when the condition holds', () => {
      expectValue('assert(x, x >= 0)', 4, { x: 4 });
    });

    it('should fail the evaluation when the condition does not hold', () => {
      expect(feel.evaluate('assert(x, x != null)', {})).toEqual({
        ok: false,
        message: "failed to evaluate expression 'assert(x, x != null)': The condition is not fulfilled",
      });
    });
  });

  describe('is empty', () => {
    it('should tell an empty list', () => {
      expectValue('[is empty([]), is empty([1,2,3]), is empty("not a list")]', [true, false, null]);
    });
  });

  describe('partition', () => {
    it('should split a list into sublists of a size', () => {
      expectValue('partition([1,2,3,4,5], 2)', [[1, 2], [3, 4], [5]]);
      expectValue('partition([], 2)', []);
    });

    it('should return null for a size below one', () => {
      expectValue('[partition([1,2], 0), partition([1,2], -1), partition(null, 2)]', [null, null, null]);
    });
  });

  describe('distinct values', () => {
    it('should remove duplicates, comparing lists and contexts by content', () => {
      expectValue('distinct values([1,2,3,2,1])', [1, 2, 3]);
      expectValue('distinct values([1, [1], "1", {a: 1}, {a: 1}, [1], null, null])', [1, [1], '1', { a: 1 }, null]);
    });

    it('should compare dates by value', () => {
      expectValue('distinct values([date("2024-01-01"), @"2024-01-01", date("2024-01-02")])', ['2024-01-01', '2024-01-02']);
    });
  });

  describe('duplicate values', () => {
    it('should return each value that occurs more than once, in order of first occurrence', () => {
      expectValue('duplicate values([1,2,3,2,1])', [1, 2]);
      expectValue('duplicate values([{a: 1}, 2, {a: 1}])', [{ a: 1 }]);
      expectValue('duplicate values([1,2,3])', []);
    });
  });

  describe('string join', () => {
    it('should join strings with an optional delimiter, prefix and suffix', () => {
      expectValue('string join(["a","b","c"])', 'abc');
      expectValue('string join(["a"], "X")', 'a');
      expectValue('string join(["a","b","c"], ", ")', 'a, b, c');
      expectValue('string join(["a","b","c"], ", ", "[", "]")', '[a, b, c]');
      expectValue('string join([])', '');
    });

    it('should skip null items and refuse other non-strings', () => {
      expectValue('string join(["a",null,"c"])', 'ac');
      expectValue('string join(["a", 1])', null);
    });
  });

  describe('trim', () => {
    it('should remove leading and trailing spaces only', () => {
      expectValue('[trim("  hello world  "), trim("hello   world "), trim(1)]', ['hello world', 'hello   world', null]);
    });
  });

  describe('is blank', () => {
    it('should tell an empty or whitespace-only string', () => {
      expectValue('[is blank(""), is blank(" "), is blank("hello world")]', [true, true, false]);
    });
  });

  describe('extract', () => {
    it('should return all matches of a pattern', () => {
      expectValue('extract("references are 1234, 1256, 1378", "12[0-9]*")', ['1234', '1256']);
      expectValue('extract("none", "[0-9]+")', []);
    });

    it('should return null for an invalid pattern', () => {
      expectValue('extract("abc", "(")', null);
    });
  });

  describe('uuid', () => {
    it('should return the UUID of the configured source', () => {
      expectValue('uuid()', '7793aab1-d761-4d38-916b-b7270e309894');
    });

    it('should return a random UUID by default', () => {
      const result = new FeelEvaluator().evaluate('[uuid(), uuid()]', {});

      expect(result).toMatchObject({ ok: true, value: [expect.stringMatching(/^[0-9a-f-]{36}$/), expect.any(String)] });
      expect(result.ok && (result.value as string[])[0] !== (result.value as string[])[1]).toBe(true);
    });
  });

  describe('to base64 and from base64', () => {
    it('should encode and decode UTF-8 text', () => {
      expectValue('to base64("FEEL")', 'RkVFTA==');
      expectValue('from base64("RkVFTA==")', 'FEEL');
      expectValue('from base64(to base64("añø €"))', 'añø €');
    });

    it('should return null for what is not base64 or not text', () => {
      expectValue('[from base64("not base64!"), from base64("/w=="), to base64(1)]', [null, null, null]);
    });
  });

  describe('get value', () => {
    it('should read an entry by key', () => {
      expectValue('[get value({foo: 123}, "foo"), get value({a: 1}, "b")]', [123, null]);
    });

    it('should read a nested entry by a list of keys', () => {
      expectValue('get value({x:1, y: {z:0}}, ["y", "z"])', 0);
      expectValue('get value({x: {y: {z:0}}}, ["x", "y"])', { z: 0 });
      expectValue('get value({a: {b: 3}}, ["b"])', null);
      expectValue('get value({a: 1}, [])', null);
      expectValue('get value(context: {a: {b: 3}}, keys: ["a", "b"])', 3);
    });
  });

  describe('context put', () => {
    it('should add or replace an entry by key', () => {
      expectValue('context put({x:1}, "y", 2)', { x: 1, y: 2 });
      expectValue('context put({x:1}, "x", 2)', { x: 2 });
    });

    it('should add a nested entry by a list of keys, creating the contexts on the way', () => {
      expectValue('context put({x:1}, ["y"], 2)', { x: 1, y: 2 });
      expectValue('context put({x:1, y: {z:0}}, ["y", "z"], 2)', { x: 1, y: { z: 2 } });
      expectValue('context put({x:1}, ["y", "z"], 2)', { x: 1, y: { z: 2 } });
      expectValue('context put(context: {x:1}, keys: ["y", "z"], value: 2)', { x: 1, y: { z: 2 } });
    });

    it('should leave the given context unchanged', () => {
      expectValue('context put(profile, ["address", "city"], "Lyon")', { address: { city: 'Lyon', zip: '69001' } }, {
        profile: { address: { city: 'Paris', zip: '69001' } },
      });
      const profile = { address: { city: 'Paris' } };

      feel.evaluate('context put(profile, ["address", "city"], "Lyon")', { profile });

      expect(profile).toEqual({ address: { city: 'Paris' } });
    });

    it('should return null for empty keys', () => {
      expectValue('context put({x:1}, [], 2)', null);
    });
  });

  describe('context merge (feelin)', () => {
    it('should merge contexts in order, replacing entries', () => {
      expectValue('context merge([{x:1, y: 0}, {y:2}])', { x: 1, y: 2 });
    });
  });

  describe('last day of month', () => {
    it('should return the last day of the month of a date or date-time', () => {
      expectValue('last day of month(date("2022-10-01"))', '2022-10-31');
      expectValue('last day of month(date and time("2022-10-16T12:00:00"))', '2022-10-31');
      expectValue('last day of month(date("2024-02-10"))', '2024-02-29');
      expectValue('last day of month("2024-02-10")', null);
    });
  });

  describe('now and today', () => {
    it('should read the clock of the evaluator', () => {
      expectValue('[now(), today(), day of week(today())]', ['2022-10-16T12:00:00Z', '2022-10-16', 'Sunday']);
    });
  });
});
