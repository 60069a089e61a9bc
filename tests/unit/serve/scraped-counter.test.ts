import { describe, expect, it } from 'vitest';
import { ScrapedCounter } from '../../../src-main/serve/scraped-counter';

describe('a counter as scrapes see it', () => {
  it('shows a new key at 0 on its first scrape, so Prometheus sees the step to its count', () => {
    const c = new ScrapedCounter();
    expect(c.scrape()).toEqual([]);
    c.add('phone1');
    expect(c.count('phone1')).toBe(1);
    expect(c.scrape()).toEqual([['phone1', 0]]);
    expect(c.scrape()).toEqual([['phone1', 1]]);
    c.add('phone1');
    c.add('phone2');
    expect(c.scrape()).toEqual([['phone1', 2], ['phone2', 0]]);
    expect(c.scrape()).toEqual([['phone1', 2], ['phone2', 1]]);
  });
});
