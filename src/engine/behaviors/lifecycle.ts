import { EngineInvariantError } from '../errors';
import type { ElementState } from '../state/entities';

/** The legal element instance transitions, as in Zeebe. Anything else is a bug. */
const TRANSITIONS: Readonly<Record<ElementState, readonly ElementState[]>> = {
  ACTIVATING: ['ACTIVATED', 'TERMINATING'],
  ACTIVATED: ['COMPLETING', 'TERMINATING'],
  COMPLETING: ['COMPLETED', 'TERMINATING'],
  COMPLETED: [],
  TERMINATING: ['TERMINATED'],
  TERMINATED: [],
};

export function checkTransition(from: ElementState, to: ElementState, elementId: string): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new EngineInvariantError(`Illegal transition of element '${elementId}' from ${from} to ${to}`);
  }
}

export function intentOf(state: ElementState): string {
  return `ELEMENT_${state}`;
}

export function isActive(state: ElementState): boolean {
  return state === 'ACTIVATING' || state === 'ACTIVATED' || state === 'COMPLETING';
}
