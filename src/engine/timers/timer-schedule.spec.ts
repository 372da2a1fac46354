import { nextRepetition, planTimer, type TimerPlan } from './timer-schedule';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T08:00:00Z');

function cycle(text: string, now = T0): TimerPlan {
  const planned = planTimer('cycle', text, now, text);
  if (!planned.ok) throw new Error(planned.message);
  return planned.plan;
}

describe('nextRepetition', () => {
  it('should schedule the next occurrence one interval after the fired due date when the timer fired a little late', () => {
    // given: due at T0 + 1 h, fired 40 ms late
    const plan = cycle('R3/PT1H');

    // when
    const next = nextRepetition(plan, plan.dueDate, plan.dueDate + 40);

    // then: no drift
    expect(next).toEqual({ ...plan, dueDate: T0 + 2 * HOUR, repetitions: 2 });
  });

  it('should schedule the next occurrence one interval after now when the scheduled one is already past', () => {
    // given: due at T0 + 1 h, fired at T0 + 3.5 h (the engine was down)
    const plan = cycle('R/PT1H');

    // when
    const next = nextRepetition(plan, plan.dueDate, T0 + 3.5 * HOUR);

    // then: once, then one interval from the trigger time, as Zeebe does
    expect(next).toEqual({ ...plan, dueDate: T0 + 4.5 * HOUR, repetitions: -1 });
  });

  it('should not schedule the next occurrence at now when the timer fired exactly one interval late', () => {
    // given
    const plan = cycle('R/PT1H');

    // when
    const next = nextRepetition(plan, plan.dueDate, plan.dueDate + HOUR);

    // then
    expect(next?.dueDate).toBe(plan.dueDate + 2 * HOUR);
  });

  it('should stop after the last repetition', () => {
    // given
    const plan = cycle('R1/PT1H');

    // when
    const next = nextRepetition(plan, plan.dueDate, plan.dueDate);

    // then
    expect(next).toBeUndefined();
  });

  it('should take the next cron time after now, skipping the times missed while down', () => {
    // given: every full hour, first at T0 + 1 h
    const plan = cycle('0 0 * * * *');
    expect(plan.dueDate).toBe(T0 + HOUR);

    // when: fired at T0 + 3.5 h
    const next = nextRepetition(plan, plan.dueDate, T0 + 3.5 * HOUR);

    // then
    expect(next?.dueDate).toBe(T0 + 4 * HOUR);
  });
});

describe('planTimer', () => {
  it("should count the occurrences left, this one included, as Zeebe's TIMER record does", () => {
    // given
    const texts: [kind: 'duration' | 'date' | 'cycle', text: string][] = [
      ['duration', 'PT1H'],
      ['date', '2026-03-03T08:00:00Z'],
      ['cycle', 'R3/PT1H'],
      ['cycle', 'R/PT1H'],
      ['cycle', '0 0 * * * *'],
    ];

    // when
    const repetitions = texts.map(([kind, text]) => {
      const planned = planTimer(kind, text, T0, text);
      return planned.ok ? planned.plan.repetitions : planned.message;
    });

    // then
    expect(repetitions).toEqual([1, 1, 3, -1, -1]);
  });
});
