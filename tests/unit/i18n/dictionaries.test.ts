import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../../src-main/i18n/en';
import { ja } from '../../../src-main/i18n/ja';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** Markup with every {expression} removed, however deeply its braces nest. */
function withoutExpressions(markup: string): string {
  let depth = 0;
  let kept = '';
  for (const char of markup) {
    if (char === '{') depth++;
    else if (char === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0) kept += char;
  }
  return kept;
}

function svelteFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? svelteFiles(join(dir, entry.name)) : entry.name.endsWith('.svelte') ? [join(dir, entry.name)] : [],
  );
}

describe('the ja and en dictionaries', () => {
  it('have exactly the same keys', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
  });

  it('use the same placeholders for every key', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('have no empty message', () => {
    for (const [key, text] of [...Object.entries(en), ...Object.entries(ja)]) expect(text.trim(), key).not.toBe('');
  });

  it('are translated: most Japanese messages differ from the English ones', () => {
    const same = (Object.keys(en) as Array<keyof typeof en>).filter((key) => en[key] === ja[key]);
    // Config lines, option names and the product name are the same in both languages.
    expect(same.length).toBeLessThan(Object.keys(en).length / 10);
  });

  it('cover every t() key the components use', () => {
    const used = new Set<string>();
    for (const file of svelteFiles('src-renderer')) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.]+)'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(40);
    for (const key of used) expect(Object.keys(en), key).toContain(key);
  });

  it('leave no visible text in component markup outside t()', () => {
    for (const file of svelteFiles('src-renderer')) {
      const markup = withoutExpressions(
        readFileSync(file, 'utf8')
          .replace(/<script[\s\S]*?<\/script>/g, '')
          .replace(/<style[\s\S]*?<\/style>/g, '')
          .replace(/<!--[\s\S]*?-->/g, ''),
      ).replace(/<[^>]*>/g, ' ');
      // What remains between tags must be punctuation or whitespace only, never words.
      expect(markup.replace(/[\s:()/·,.]+/g, ''), file).toBe('');
    }
  });
});
