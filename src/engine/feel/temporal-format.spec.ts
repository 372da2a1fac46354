import { FeelEvaluator } from './feel-evaluator';

describe('temporal values in results', () => {
  const feel = new FeelEvaluator({ clock: { now: () => Date.UTC(2024, 0, 15, 8, 30, 0, 250) } });

  it.each([
    ['date("2024-03-31")', '2024-03-31'],
    ['time("10:30:00")', '10:30'],
    ['time("10:30:15")', '10:30:15'],
    ['time("10:30:15.25")', '10:30:15.250'],
    ['time("10:30:00+01:00")', '10:30:00+01:00'],
    ['time("10:30:00Z")', '10:30:00Z'],
    ['time("10:30:00@Europe/Berlin")', '10:30:00@Europe/Berlin'],
    ['date and time("2024-03-31T10:30:00")', '2024-03-31T10:30:00'],
    ['date and time("2024-03-31T10:30:00.5")', '2024-03-31T10:30:00.5'],
    ['date and time("2024-03-31T10:30:00Z")', '2024-03-31T10:30:00Z'],
    ['date and time("2024-03-31T10:30:00+05:30")', '2024-03-31T10:30:00+05:30'],
    ['date and time("2024-01-31T10:30:00@Europe/Berlin")', '2024-01-31T10:30:00+01:00'],
    ['date and time("2024-03-31T10:30:00@Europe/Berlin")', '2024-03-31T10:30:00+02:00'],
    ['date and time("2024-01-31T10:30:00@Europe/London")', '2024-01-31T10:30:00Z'],
    ['now()', '2024-01-15T08:30:00.25Z'],
    ['date("2024-01-31") + duration("P1D")', '2024-02-01'],
    ['duration("P1DT2H30M")', 'P1DT2H30M'],
    ['duration("PT36H")', 'P1DT12H'],
    ['duration("PT0S")', 'P0D'],
    ['duration("-PT5S")', '-PT5S'],
    ['duration("PT1.5S")', 'PT1S'],
    ['duration("P3D")', 'P3D'],
    ['date("2024-03-02") - date("2024-03-01")', 'P1D'],
    ['duration("P14M")', 'P1Y2M'],
    ['duration("P2Y")', 'P2Y'],
    ['duration("P0M")', 'P0Y'],
    ['duration("-P2M")', '-P2M'],
  ])('should store %s as %j', (source, stored) => {
    expect(feel.evaluate(source, {})).toEqual({ ok: true, value: stored });
  });

  it('should convert temporal values inside lists and contexts', () => {
    expect(feel.evaluate('{due: date("2024-02-01"), reminders: [duration("P1D"), duration("P1M")]}', {})).toEqual({
      ok: true,
      value: { due: '2024-02-01', reminders: ['P1D', 'P1M'] },
    });
  });

  it('should store a range as null, as Zeebe does', () => {
    expect(feel.evaluate('[1..5]', {})).toEqual({ ok: true, value: null });
  });
});
