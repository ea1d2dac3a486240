import { ihash } from '../src/mr/worker';
test('ihash matches the course vectors', () => {
  expect(ihash('a')).toBe(1678518572);
  expect(ihash('hello')).toBe(1335831723);
});
