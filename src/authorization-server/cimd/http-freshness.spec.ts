import { freshnessOf } from './http-freshness.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const BOUNDS = { minSeconds: 30, maxSeconds: 86400 };
const lifetime = (headers: Record<string, string>, bounds = BOUNDS) => {
  const freshness = freshnessOf(headers, NOW, bounds);
  return freshness.store ? freshness.lifetimeSeconds : 'not stored';
};

describe('document freshness (RFC 9111 as a shared cache, clamped)', () => {
  it.each([
    [{ 'cache-control': 'max-age=600' }, 600],
    [{ 'cache-control': 'public, max-age=600, s-maxage=120' }, 120],
    [{ 'cache-control': 'S-MAXAGE=90' }, 90],
    [{ 'cache-control': 'max-age="300"' }, 300],
    [{ 'cache-control': 'max-age=5' }, 30],
    [{ 'cache-control': 'max-age=0' }, 30],
    [{ 'cache-control': 'max-age=9999999' }, 86400],
    [{ 'cache-control': 'max-age=600', age: '100' }, 500],
    [{ 'cache-control': 'max-age=600', expires: new Date(NOW + 10_000).toUTCString() }, 600],
    [{ expires: new Date(NOW + 3_600_000).toUTCString() }, 3600],
    [{ expires: new Date(NOW + 3_600_000).toUTCString(), date: new Date(NOW - 600_000).toUTCString() }, 4200],
    [{ expires: '0' }, 30],
    [{ expires: new Date(NOW - 60_000).toUTCString() }, 30],
    [{}, 30],
    [{ 'cache-control': 'max-age=abc' }, 30],
    [{ 'cache-control': 'no-cache' }, 0],
    [{ 'cache-control': 'no-cache, max-age=600' }, 0],
    [{ pragma: 'no-cache' }, 0],
    [{ 'cache-control': 'no-store' }, 'not stored'],
    [{ 'cache-control': 'max-age=600, no-store' }, 'not stored'],
    [{ 'cache-control': 'private, max-age=600' }, 'not stored'],
  ])('%j gives %s', (headers, expected) => {
    expect(lifetime(headers)).toBe(expected);
  });

  it('applies a tighter maximum (a trust rule cache_max)', () => {
    expect(lifetime({ 'cache-control': 'max-age=3600' }, { minSeconds: 30, maxSeconds: 300 })).toBe(300);
  });

  it('says which header decided', () => {
    expect(freshnessOf({ 'cache-control': 'max-age=5' }, NOW, BOUNDS)).toEqual({ store: true, lifetimeSeconds: 30, source: 'max-age 5s clamped to 30s' });
  });
});
