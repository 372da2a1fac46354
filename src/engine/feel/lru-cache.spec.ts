import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('should forget the least recently used entry when full', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);

    cache.get('a');
    cache.set('c', 3);

    expect([cache.get('a'), cache.get('b'), cache.get('c'), cache.size]).toEqual([1, undefined, 3, 2]);
  });

  it('should replace the value of a key without growing', () => {
    const cache = new LruCache<string, number>(2);

    cache.set('a', 1);
    cache.set('a', 2);

    expect([cache.get('a'), cache.size]).toEqual([2, 1]);
  });

  it('should refuse a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
