// What the installers carry: electron-builder copies the production dependencies of
// package-lock.json into the app, minus the `files` exclusions of electron-builder.yml.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const files = (parse(readFileSync('electron-builder.yml', 'utf8')) as { files: string[] }).files;
const fromBuilder = createRequire(createRequire(import.meta.resolve('electron-builder/package.json')).resolve('app-builder-lib/package.json'));
const { minimatch } = fromBuilder('minimatch') as { minimatch: (path: string, pattern: string) => boolean };

/** The lock's packages reachable from `roots`, resolved as Node does (nested node_modules first). */
function reachable(roots: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (from: string, name: string) => {
    let dir = from;
    for (;;) {
      const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock.packages[candidate]) {
        if (seen.has(candidate)) return;
        seen.add(candidate);
        const entry = lock.packages[candidate]!;
        for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(candidate, dep);
        return;
      }
      if (!dir) return;
      dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '';
    }
  };
  for (const root of roots) visit('', root);
  return seen;
}

/** A file of a copied dependency is left out when an exclusion matches it (the positive patterns name the app's own files). */
const excluded = (path: string) => files.some((pattern) => pattern.startsWith('!') && minimatch(path, pattern.slice(1)));

function bareImports(dir: string): Set<string> {
  const found = new Set<string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) bareImports(path).forEach((m) => found.add(m));
    else if (name.endsWith('.ts')) {
      for (const [, spec] of readFileSync(path, 'utf8').matchAll(/^(?:import|export)(?!\s+type\b)[^'"]*from\s+'([^'./][^']*)'/gm)) {
        if (!spec!.startsWith('node:')) found.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
      }
    }
  }
  return found;
}

describe('what the installers carry', () => {
  it('keeps asterisk-manager (the benchmark baseline) out: a devDependency, imported by no shipped code', () => {
    expect(pkg.dependencies['asterisk-manager']).toBeUndefined();
    expect(pkg.devDependencies['asterisk-manager']).toBe('0.2.0');
    expect(lock.packages['node_modules/asterisk-manager']?.dev).toBe(true);
    expect(bareImports('src-main').has('asterisk-manager')).toBe(false);
  });

  it('lists every package that src-main imports at run time as a production dependency', () => {
    for (const name of bareImports('src-main')) if (name !== 'electron') expect(pkg.dependencies[name], name).toBeDefined();
  });

  it('leaves out tsx and everything only tsx brings (the CLI is not offered by the installers)', () => {
    const prod = Object.keys(pkg.dependencies);
    const onlyForTsx = [...reachable(['tsx'])].filter((p) => !reachable(prod.filter((d) => d !== 'tsx')).has(p));
    expect(onlyForTsx).toEqual(expect.arrayContaining(['node_modules/tsx', 'node_modules/esbuild', 'node_modules/@esbuild/linux-x64', 'node_modules/@esbuild/win32-x64']));
    for (const p of onlyForTsx) expect(excluded(`${p}/package.json`), p).toBe(true);
  });

  it('still carries what the app runs on (valibot, ws, ssh2, prom-client and their dependencies)', () => {
    const kept = reachable(Object.keys(pkg.dependencies).filter((d) => d !== 'tsx'));
    for (const p of ['node_modules/valibot', 'node_modules/ws', 'node_modules/ssh2', 'node_modules/asn1', 'node_modules/prom-client', 'node_modules/tdigest']) {
      expect(kept.has(p), p).toBe(true);
      expect(excluded(`${p}/package.json`), p).toBe(false);
    }
    expect(bareImports('src-main').has('valibot')).toBe(true);
  });

  it("leaves out ssh2's optional native parts and rebuilds nothing native", () => {
    for (const p of ['node_modules/cpu-features', 'node_modules/nan', 'node_modules/buildcheck']) {
      expect(lock.packages[p]?.optional, p).toBe(true);
      expect(excluded(`${p}/package.json`), p).toBe(true);
    }
    expect(excluded('node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node')).toBe(true);
    expect(excluded('node_modules/ssh2/lib/protocol/crypto/poly1305.js')).toBe(false);
    expect((parse(readFileSync('electron-builder.yml', 'utf8')) as { npmRebuild?: boolean }).npmRebuild).toBe(false);
  });
});
