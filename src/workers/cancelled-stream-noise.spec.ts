import { muteCancelledStreamErrors } from './cancelled-stream-noise';

describe('muteCancelledStreamErrors', () => {
  it('should drop only the CANCELLED error of a stream the client closed, and print every other error', () => {
    // given
    const printed: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void printed.push(args);
    try {
      muteCancelledStreamErrors();

      // when
      console.error(Object.assign(new Error('1 CANCELLED: Cancelled on client'), { code: 1, details: 'Cancelled on client' }));
      console.error(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established' }));
      console.error('a plain message');

      // then
      expect(printed.map((args) => (args[0] instanceof Error ? args[0].message : args[0]))).toEqual(['14 UNAVAILABLE: No connection established', 'a plain message']);
    } finally {
      console.error = original;
    }
  });
});
