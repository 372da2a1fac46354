import { parseFeel } from './feel-syntax';
import { nullSafeComparisons } from './null-safe-comparisons';

describe('nullSafeComparisons', () => {
  function rewrite(source: string): string {
    return nullSafeComparisons(parseFeel(source, {}), source);
  }

  it.each([
    ['x > 5', '((x > 5) = true)'],
    ['x<=5', '((x<=5) = true)'],
    ['x between 1 and 5', '((x between 1 and 5) = true)'],
    ['x in [1..5]', '((x in [1..5]) = true)'],
    ['a > 1 and b < 2', '((a > 1) = true) and ((b < 2) = true)'],
    ['(a > b) = (c < d)', '(((a > b) = true)) = (((c < d) = true))'],
    ['items[price > 10]', 'items[((price > 10) = true)]'],
  ])('should rewrite %j', (source, rewritten) => {
    expect(rewrite(source)).toBe(rewritten);
  });

  it.each(['x = 5', 'x != null', 'items[> 10]', 'f(x) + 1', '"a > b"'])('should leave %j alone', (source) => {
    expect(rewrite(source)).toBe(source);
  });

  it('should nest a comparison inside another one', () => {
    expect(rewrite('(a > b) in [true]')).toBe('(((((a > b) = true)) in [true]) = true)');
  });
});
