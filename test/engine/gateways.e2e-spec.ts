import { startEngineHarness, type EngineHarness } from '../helpers/engine-harness';
import { processBuilder } from '../helpers/bpmn';
import { activate, activateNow, activateOne, deploy, unique, type Vars } from '../helpers/jobs';
import { elementsWith, instanceRecords, lifecycle, waitForInstanceEnd, type RecordRow } from '../helpers/records';

const NO_FLOW = 'Expected at least one condition to evaluate to true, or to have a default flow';

describe('gateways through the Zeebe client', () => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await startEngineHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function start(bpmnProcessId: string, variables: Vars = {}): Promise<string> {
    const instance = await h.zeebe.createProcessInstance({ bpmnProcessId, variables });
    return instance.processInstanceKey;
  }

  const taken = (rows: RecordRow[]) => elementsWith(rows, 'SEQUENCE_FLOW_TAKEN');
  const incidents = (rows: RecordRow[]) => rows.filter((r) => r.valueType === 'INCIDENT');

  describe('exclusive gateway', () => {
    /** start → g → endA | endB | endC, conditions in this order; no default flow. */
    function threeWay(id: string, conditions: [string, string, string], defaultFlow?: string): string {
      return processBuilder(id)
        .start()
        .gateway('exclusive', 'g', defaultFlow)
        .end('endA')
        .end('endB')
        .end('endC')
        .flow('start', 'g', undefined, 'toG')
        .flow('g', 'endA', conditions[0], 'toA')
        .flow('g', 'endB', conditions[1], 'toB')
        .flow('g', 'endC', conditions[2], 'toC')
        .xml();
    }

    it('should take the first flow whose condition is true and evaluate no condition after it', async () => {
      // given: the third condition would raise an incident if it were evaluated
      const id = unique('xor-first');
      await deploy(h, threeWay(id, ['=x > 5', '=x > 1', '=x']));
      // when
      const pik = await start(id, { x: 10 });
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(taken(rows)).toEqual(['toG', 'toA']);
      expect(lifecycle(rows, ['g', 'endA', 'endB', 'endC'])).toEqual([
        'g:ACTIVATING',
        'g:ACTIVATED',
        'g:COMPLETING',
        'g:COMPLETED',
        'endA:ACTIVATING',
        'endA:ACTIVATED',
        'endA:COMPLETING',
        'endA:COMPLETED',
      ]);
      expect(incidents(rows)).toEqual([]);
    });

    it('should skip a false condition and take the next true one', async () => {
      // given
      const id = unique('xor-second');
      await deploy(h, threeWay(id, ['=x > 5', '=x > 1', '=x']));
      // when
      const pik = await start(id, { x: 3 });
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(taken(rows)).toEqual(['toG', 'toB']);
      expect(elementsWith(rows, 'ELEMENT_COMPLETED')).toEqual(['start', 'g', 'endB', id]);
    });

    it('should take the default flow when no condition is true', async () => {
      // given: the default flow carries a non-boolean condition that must never be evaluated
      const id = unique('xor-default');
      await deploy(h, threeWay(id, ['=x > 5', '=x > 1', '="never evaluated"'], 'toC'));
      // when
      const pik = await start(id, { x: 0 });
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(taken(rows)).toEqual(['toG', 'toC']);
      expect(elementsWith(rows, 'ELEMENT_COMPLETED')).toEqual(['start', 'g', 'endC', id]);
      expect(incidents(rows)).toEqual([]);
    });

    it('should raise a CONDITION_ERROR incident when no condition is true and there is no default flow', async () => {
      // given
      const id = unique('xor-none');
      await deploy(h, threeWay(id, ['=x > 5', '=x > 1', '=x = 100']));
      // when
      const pik = await start(id, { x: 0 });
      // then
      const rows = await instanceRecords(h.db, pik);
      const gateway = rows.find((r) => r.elementId === 'g' && r.intent === 'ELEMENT_ACTIVATING')!;
      expect(incidents(rows).map((r) => [r.intent, r.value.errorType, r.value.errorMessage, r.value.elementId, String(r.value.elementInstanceKey)])).toEqual([
        ['CREATED', 'CONDITION_ERROR', NO_FLOW, 'g', gateway.key],
      ]);
      expect(lifecycle(rows, ['g'])).toEqual(['g:ACTIVATING']);
      expect(elementsWith(rows, 'ELEMENT_COMPLETED')).toEqual(['start']);
    });

    it('should re-evaluate the conditions when the incident is resolved after the variables were fixed', async () => {
      // given
      const id = unique('xor-resolve');
      await deploy(h, threeWay(id, ['=x > 5', '=x > 1', '=x = 100']));
      const pik = await start(id, { x: 0 });
      const incident = (await instanceRecords(h.db, pik, { valueType: 'INCIDENT' }))[0];
      // when
      await h.zeebe.setVariables({ elementInstanceKey: pik, variables: { x: 3 }, local: false });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(incidents(rows).map((r) => `${r.intent} ${r.key}`)).toEqual([`CREATED ${incident.key}`, `RESOLVED ${incident.key}`]);
      expect(lifecycle(rows, ['g'])).toEqual(['g:ACTIVATING', 'g:ACTIVATED', 'g:COMPLETING', 'g:COMPLETED']);
      expect(taken(rows)).toEqual(['toG', 'toB']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });

    it('should raise a new incident when the incident is resolved without fixing the variables', async () => {
      // given
      const id = unique('xor-resolve-again');
      await deploy(h, threeWay(id, ['=x > 5', '=x > 1', '=x = 100']));
      const pik = await start(id, { x: 0 });
      const [first] = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
      // when
      await h.zeebe.resolveIncident({ incidentKey: first.key });
      // then
      const rows = incidents(await instanceRecords(h.db, pik));
      expect(rows.map((r) => r.intent)).toEqual(['CREATED', 'RESOLVED', 'CREATED']);
      expect(rows[2].key).not.toBe(first.key);
      expect(rows[2].value).toMatchObject({ errorType: 'CONDITION_ERROR', errorMessage: NO_FLOW, elementId: 'g' });
    });

    it('should evaluate the conditions in the gateway scope, seeing variables set locally on the gateway', async () => {
      // given: the gateway is stuck in an incident
      const id = unique('xor-gateway-scope');
      await deploy(h, threeWay(id, ['=x > 5', '=x > 1', '=x = 100']));
      const pik = await start(id, { x: 0 });
      const [incident] = await instanceRecords(h.db, pik, { valueType: 'INCIDENT' });
      // when: the variable is fixed locally on the gateway's element instance
      await h.zeebe.setVariables({ elementInstanceKey: String(incident.value.elementInstanceKey), variables: { x: 10 }, local: true });
      await h.zeebe.resolveIncident({ incidentKey: incident.key });
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(incidents(rows).map((r) => r.intent)).toEqual(['CREATED', 'RESOLVED']);
      expect(taken(rows)).toEqual(['toG', 'toA']);
    });

    it('should raise an EXTRACT_VALUE_ERROR incident when a condition is not boolean', async () => {
      // given
      const id = unique('xor-nonbool');
      await deploy(h, threeWay(id, ['=route', '=x > 1', '=x = 100']));
      // when
      const pik = await start(id, { route: 'fast', x: 3 });
      // then: evaluation stops at the failing condition, the gateway stays ACTIVATING
      const rows = await instanceRecords(h.db, pik);
      expect(incidents(rows).map((r) => [r.value.errorType, r.value.errorMessage, r.value.elementId])).toEqual([
        ['EXTRACT_VALUE_ERROR', "Expected result of the expression 'route' to be 'BOOLEAN', but was 'STRING'.", 'g'],
      ]);
      expect(lifecycle(rows, ['g'])).toEqual(['g:ACTIVATING']);
      expect(taken(rows)).toEqual(['toG']);
    });

    it('should raise an EXTRACT_VALUE_ERROR incident when a condition fails to evaluate', async () => {
      // given
      const id = unique('xor-fails');
      await deploy(h, threeWay(id, ['=assert(x, x > 0) > 5', '=x > 1', '=x = 100']));
      // when
      const pik = await start(id, { x: -1 });
      // then
      const rows = await instanceRecords(h.db, pik);
      const [incident] = incidents(rows);
      expect(incident.value).toMatchObject({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'g' });
      expect(incident.value.errorMessage).toContain('assert(x, x > 0) > 5');
      expect(lifecycle(rows, ['g'])).toEqual(['g:ACTIVATING']);
    });

    it('should let every arriving token pass when used to merge flows', async () => {
      // given: fork → a | b → merge (exclusive) → after
      const id = unique('xor-merge');
      const [a, b, after] = [unique('a'), unique('b'), unique('after')];
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('parallel', 'fork')
          .serviceTask('a', { type: a })
          .serviceTask('b', { type: b })
          .gateway('exclusive', 'merge')
          .serviceTask('after', { type: after })
          .end()
          .chain('start', 'fork')
          .chain('fork', 'a', 'merge')
          .chain('fork', 'b', 'merge')
          .chain('merge', 'after', 'end')
          .xml(),
      );
      const pik = await start(id);
      // when
      for (const type of [a, b]) {
        const job = await activateOne(h, type);
        await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      }
      // then
      const jobs = await activate(h, after);
      expect(jobs).toHaveLength(2);
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['merge']).filter((e) => e === 'merge:COMPLETED')).toHaveLength(2);
    });

    it('should treat a comparison with a missing variable as false, not as an error', async () => {
      // given
      const id = unique('xor-missing');
      await deploy(h, threeWay(id, ['=missing > 5', '=missing < 5', '=x = 1']));
      // when
      const pik = await start(id, { x: 1 });
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(taken(rows)).toEqual(['toG', 'toC']);
      expect(incidents(rows)).toEqual([]);
    });
  });

  describe('parallel gateway', () => {
    /** start → fork → a, b, c (service tasks) → join → end. */
    function forkJoin(id: string, types: { a: string; b: string; c: string }): string {
      return processBuilder(id)
        .start()
        .gateway('parallel', 'fork')
        .serviceTask('a', { type: types.a })
        .serviceTask('b', { type: types.b })
        .serviceTask('c', { type: types.c })
        .gateway('parallel', 'join')
        .end()
        .flow('start', 'fork', undefined, 'toFork')
        .flow('fork', 'a', undefined, 'toA')
        .flow('fork', 'b', undefined, 'toB')
        .flow('fork', 'c', undefined, 'toC')
        .flow('a', 'join', undefined, 'aToJoin')
        .flow('b', 'join', undefined, 'bToJoin')
        .flow('c', 'join', undefined, 'cToJoin')
        .flow('join', 'end', undefined, 'toEnd')
        .xml();
    }

    it('should activate every branch of a fork and create a job on each', async () => {
      // given
      const id = unique('and-fork');
      const types = { a: unique('a'), b: unique('b'), c: unique('c') };
      await deploy(h, forkJoin(id, types));
      // when
      const pik = await start(id);
      // then
      const jobs = await Promise.all([activate(h, types.a), activate(h, types.b), activate(h, types.c)]);
      expect(jobs.map((j) => j.map((job) => job.elementId))).toEqual([['a'], ['b'], ['c']]);
      const rows = await instanceRecords(h.db, pik);
      expect(taken(rows)).toEqual(['toFork', 'toA', 'toB', 'toC']);
      expect(lifecycle(rows, ['fork'])).toEqual(['fork:ACTIVATING', 'fork:ACTIVATED', 'fork:COMPLETING', 'fork:COMPLETED']);
    });

    it('should not complete the join until a token arrived on every incoming flow', async () => {
      // given
      const id = unique('and-join-wait');
      const types = { a: unique('a'), b: unique('b'), c: unique('c') };
      await deploy(h, forkJoin(id, types));
      const pik = await start(id);
      // when
      for (const type of [types.a, types.b]) {
        const job = await activateOne(h, type);
        await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      }
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(taken(rows)).toEqual(['toFork', 'toA', 'toB', 'toC', 'aToJoin', 'bToJoin']);
      expect(lifecycle(rows, ['join', 'end', id]).filter((e) => !e.startsWith(`${id}:ACTIV`))).toEqual([]);
    });

    it('should activate the join once per complete set of tokens and keep an extra token waiting', async () => {
      // given: a and b both reach the join over the same flow (through an exclusive merge), c over the other
      const id = unique('and-extra-token');
      const types = { a: unique('a'), b: unique('b'), c: unique('c') };
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('parallel', 'fork')
          .serviceTask('a', { type: types.a })
          .serviceTask('b', { type: types.b })
          .serviceTask('c', { type: types.c })
          .gateway('exclusive', 'merge')
          .gateway('parallel', 'join')
          .end()
          .chain('start', 'fork')
          .chain('fork', 'a', 'merge')
          .chain('fork', 'b', 'merge')
          .flow('merge', 'join', undefined, 'mergeToJoin')
          .chain('fork', 'c')
          .flow('c', 'join', undefined, 'cToJoin')
          .chain('join', 'end')
          .xml(),
      );
      const pik = await start(id);
      // when
      for (const type of [types.a, types.b, types.c]) {
        const job = await activateOne(h, type);
        await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      }
      // then: the join fired once; one token still waits on mergeToJoin, so the process is not complete
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['merge'])).toHaveLength(8);
      expect(lifecycle(rows, ['join'])).toEqual(['join:ACTIVATING', 'join:ACTIVATED', 'join:COMPLETING', 'join:COMPLETED']);
      expect(lifecycle(rows, ['end'])).toHaveLength(4);
      expect(lifecycle(rows, [id])).toEqual([`${id}:ACTIVATING`, `${id}:ACTIVATED`]);
    });

    it('should activate the join exactly once when the last branch completes, then complete the process', async () => {
      // given
      const id = unique('and-join');
      const types = { a: unique('a'), b: unique('b'), c: unique('c') };
      await deploy(h, forkJoin(id, types));
      const pik = await start(id);
      // when: completed in another order than forked
      for (const type of [types.c, types.a, types.b]) {
        const job = await activateOne(h, type);
        await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      }
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['join'])).toEqual(['join:ACTIVATING', 'join:ACTIVATED', 'join:COMPLETING', 'join:COMPLETED']);
      expect(taken(rows)).toEqual(['toFork', 'toA', 'toB', 'toC', 'cToJoin', 'aToJoin', 'bToJoin', 'toEnd']);
      expect(lifecycle(rows).slice(-2)).toEqual([`${id}:COMPLETING`, `${id}:COMPLETED`]);
    });
  });

  describe('inclusive gateway', () => {
    /** start → fork → a (=a), b (=b), c (=c) [, d default] → join → end. */
    function inclusive(id: string, types: Record<'a' | 'b' | 'c' | 'd', string>, withDefault = false): string {
      const b = processBuilder(id)
        .start()
        .gateway('inclusive', 'fork', withDefault ? 'toD' : undefined)
        .serviceTask('a', { type: types.a })
        .serviceTask('b', { type: types.b })
        .serviceTask('c', { type: types.c })
        .gateway('inclusive', 'join')
        .end()
        .flow('start', 'fork', undefined, 'toFork')
        .flow('fork', 'a', '=a', 'toA')
        .flow('fork', 'b', '=b', 'toB')
        .flow('fork', 'c', '=c', 'toC')
        .flow('a', 'join', undefined, 'aToJoin')
        .flow('b', 'join', undefined, 'bToJoin')
        .flow('c', 'join', undefined, 'cToJoin')
        .flow('join', 'end', undefined, 'toEnd');
      if (withDefault) b.serviceTask('d', { type: types.d }).flow('fork', 'd', undefined, 'toD').flow('d', 'join', undefined, 'dToJoin');
      return b.xml();
    }

    const typesOf = () => ({ a: unique('a'), b: unique('b'), c: unique('c'), d: unique('d') });

    it('should fork on every flow whose condition is true', async () => {
      // given
      const id = unique('or-fork');
      const types = typesOf();
      await deploy(h, inclusive(id, types));
      // when
      const pik = await start(id, { a: true, b: true, c: false });
      // then
      expect((await activate(h, types.a)).map((j) => j.elementId)).toEqual(['a']);
      expect((await activate(h, types.b)).map((j) => j.elementId)).toEqual(['b']);
      expect(await activateNow(h, types.c)).toEqual([]);
      expect(taken(await instanceRecords(h.db, pik))).toEqual(['toFork', 'toA', 'toB']);
    });

    it('should take the default flow when no condition is true', async () => {
      // given
      const id = unique('or-default');
      const types = typesOf();
      await deploy(h, inclusive(id, types, true));
      // when
      const pik = await start(id, { a: false, b: false, c: false });
      // then
      expect((await activate(h, types.d)).map((j) => j.elementId)).toEqual(['d']);
      expect(taken(await instanceRecords(h.db, pik))).toEqual(['toFork', 'toD']);
    });

    it('should raise a CONDITION_ERROR incident when no condition is true and there is no default flow', async () => {
      // given
      const id = unique('or-none');
      await deploy(h, inclusive(id, typesOf()));
      // when
      const pik = await start(id, { a: false, b: false, c: false });
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(incidents(rows).map((r) => [r.value.errorType, r.value.errorMessage, r.value.elementId])).toEqual([['CONDITION_ERROR', NO_FLOW, 'fork']]);
      expect(lifecycle(rows, ['fork'])).toEqual(['fork:ACTIVATING']);
    });

    it('should wait at the join while a taken branch is still active', async () => {
      // given: two of three branches taken
      const id = unique('or-join-wait');
      const types = typesOf();
      await deploy(h, inclusive(id, types));
      const pik = await start(id, { a: true, b: true, c: false });
      // when
      const job = await activateOne(h, types.a);
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(taken(rows)).toEqual(['toFork', 'toA', 'toB', 'aToJoin']);
      expect(lifecycle(rows, ['join'])).toEqual([]);
      expect(lifecycle(rows, [id])).toEqual([`${id}:ACTIVATING`, `${id}:ACTIVATED`]);
    });

    it('should wait for a token that can still arrive on a flow not taken at the fork', async () => {
      // given: fork → a (=true) → route (exclusive) → join | c → join;  fork → c (=false);  fork → b (=true) → join
      const id = unique('or-join-reach');
      const types = typesOf();
      await deploy(
        h,
        processBuilder(id)
          .start()
          .gateway('inclusive', 'fork')
          .serviceTask('a', { type: types.a })
          .serviceTask('b', { type: types.b })
          .serviceTask('c', { type: types.c })
          .gateway('exclusive', 'route')
          .gateway('inclusive', 'join')
          .end()
          .flow('start', 'fork', undefined, 'toFork')
          .flow('fork', 'a', '=true', 'toA')
          .flow('fork', 'b', '=true', 'toB')
          .flow('fork', 'c', '=false', 'toC')
          .flow('a', 'route', undefined, 'aToRoute')
          .flow('route', 'join', '=viaC = false', 'routeToJoin')
          .flow('route', 'c', '=viaC', 'routeToC')
          .flow('b', 'join', undefined, 'bToJoin')
          .flow('c', 'join', undefined, 'cToJoin')
          .flow('join', 'end', undefined, 'toEnd')
          .xml(),
      );
      const pik = await start(id, { viaC: true });
      // when: b arrives, then a goes on to c
      for (const type of [types.b, types.a]) {
        const job = await activateOne(h, type);
        await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      }
      // then: c is active and can still reach the join
      let rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['join'])).toEqual([]);
      expect(lifecycle(rows, ['c'])).toEqual(['c:ACTIVATING', 'c:ACTIVATED']);
      // and when c completes, the join fires once
      const job = await activateOne(h, types.c);
      await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      await waitForInstanceEnd(h.db, pik);
      rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['join'])).toEqual(['join:ACTIVATING', 'join:ACTIVATED', 'join:COMPLETING', 'join:COMPLETED']);
    });

    it('should join once the taken branches completed, without waiting for the branch not taken', async () => {
      // given
      const id = unique('or-join');
      const types = typesOf();
      await deploy(h, inclusive(id, types));
      const pik = await start(id, { a: true, b: true, c: false });
      // when
      for (const type of [types.b, types.a]) {
        const job = await activateOne(h, type);
        await h.zeebe.completeJob({ jobKey: job.key, variables: {} });
      }
      await waitForInstanceEnd(h.db, pik);
      // then
      const rows = await instanceRecords(h.db, pik);
      expect(lifecycle(rows, ['join'])).toEqual(['join:ACTIVATING', 'join:ACTIVATED', 'join:COMPLETING', 'join:COMPLETED']);
      expect(taken(rows)).toEqual(['toFork', 'toA', 'toB', 'bToJoin', 'aToJoin', 'toEnd']);
      expect(rows.at(-1)).toMatchObject({ elementId: id, intent: 'ELEMENT_COMPLETED' });
    });
  });
});
