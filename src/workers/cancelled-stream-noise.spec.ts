import { muteCancelledStreamErrors } from './cancelled-stream-noise';

describe('muteCancelledStreamErrors', () => {
  it('should drop only the CANCELLED error of a stream the client closed and its log line, and print every other error', () => {
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
      console.error(logLine('Grpc Stream Error: 1 CANCELLED: Cancelled on client'));
      console.error(logLine('Grpc Stream Error: 14 UNAVAILABLE: No connection established'));

      // then
      expect(printed.map((args) => (args[0] instanceof Error ? args[0].message : args[0]))).toEqual([
        '14 UNAVAILABLE: No connection established',
        'a plain message',
        logLine('Grpc Stream Error: 14 UNAVAILABLE: No connection established'),
      ]);
    } finally {
      console.error = original;
    }
  });
});

/** A line as the client's ZBLogger prints it (its stream worker's error log). */
function logLine(message: string): string {
  return JSON.stringify({ timestamp: '2026-12-02T15:52:19.528Z', context: '[]', level: 50, message, time: '2026 Dec-02 15:52:19PM', component: 'GRPCMIDDLEWARE', namespace: 'ZBStreamWorker' });
}
