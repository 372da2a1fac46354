import * as syntax from './feel-syntax';
import { FeelEvaluator } from './feel-evaluator';

jest.mock('./feel-syntax', () => {
  const actual = jest.requireActual<typeof syntax>('./feel-syntax');
  return { ...actual, parseFeel: jest.fn(actual.parseFeel) };
});

describe('the expression cache of FeelEvaluator', () => {
  const parseFeel = syntax.parseFeel as jest.MockedFunction<typeof syntax.parseFeel>;

  beforeEach(() => parseFeel.mockClear());

  it('should parse a source once however often and with whatever variables it is evaluated', () => {
    const feel = new FeelEvaluator();

    feel.check('amount > limit');
    for (let i = 0; i < 10; i++) feel.evaluateCondition('amount > limit', { amount: i, limit: 5, [`extra ${i}`]: i });

    expect(parseFeel).toHaveBeenCalledTimes(1);
  });

  it('should parse an invalid source once as well', () => {
    const feel = new FeelEvaluator();

    feel.check('amount >');
    feel.evaluate('amount >', {});

    expect(parseFeel).toHaveBeenCalledTimes(1);
  });

  it('should parse again a source that was evicted', () => {
    const feel = new FeelEvaluator({ cacheSize: 1 });

    feel.evaluate('a', {});
    feel.evaluate('b', {});
    feel.evaluate('a', {});

    expect(parseFeel).toHaveBeenCalledTimes(3);
  });
});
