import { Rejection } from '../../engine';
import { unary } from './handler';

/** RPCs of the protocol the embedded engine does not offer yet: UNIMPLEMENTED, saying which. */
export function unimplemented(rpc: string, what: string) {
  return unary<unknown, unknown>(rpc, async () => {
    throw new Rejection('UNIMPLEMENTED', `Expected the gateway to support ${rpc}, but the embedded engine does not support ${what} yet`);
  });
}
