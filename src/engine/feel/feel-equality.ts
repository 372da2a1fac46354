import { FeelDate, FeelDateTime, FeelDuration, FeelTime } from 'feelin';
import { isContext } from './feel-value';

/**
 * Structural equality of FEEL values, for the list functions that compare items: lists and
 * contexts by content, temporal values by their canonical ISO form, the rest by identity.
 * Unlike `==` in JS, `1` and `"1"` (or `1` and `[1]`) are different values.
 */
export function feelEquals(a: unknown, b: unknown): boolean {
  if (a === null || a === undefined) return b === null || b === undefined;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, index) => feelEquals(item, b[index]));
  }
  if (isContext(a)) {
    if (!isContext(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && feelEquals(a[key], b[key]));
  }
  if (isTemporal(a)) return isTemporal(b) && a.constructor === b.constructor && a.iso === b.iso;
  return a === b;
}

function isTemporal(value: unknown): value is FeelDate | FeelTime | FeelDateTime | FeelDuration {
  return [FeelDate, FeelTime, FeelDateTime, FeelDuration].some((type) => value instanceof type);
}
