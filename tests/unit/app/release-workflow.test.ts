// The GitHub Actions workflow cannot run here; this holds it to what exists: it parses, and every
// command it runs names a script of package.json or a file of this repository.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  container?: string;
  if?: string;
  needs?: string | string[];
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  strategy?: { matrix: { os?: string[]; include?: { os: string; target: string }[] } };
  steps: Step[];
}
interface Workflow {
  on: { push: { branches: string[]; tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as Workflow;
const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
const runs = (job: Job) => job.steps.flatMap((step) => (step.run ? [step.run] : []));
const allRuns = Object.values(workflow.jobs).flatMap(runs);

describe('the CI and release workflow', () => {
  it('runs on every push and on version tags, read-only unless a job asks for more', () => {
    expect(workflow.on.push.branches).toEqual(['**']);
    expect(workflow.on.push.tags).toEqual(['v*']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const writers = Object.entries(workflow.jobs).filter(([, job]) => job.permissions?.contents === 'write');
    expect(writers.map(([name]) => name)).toEqual(['release']);
  });

  it('names only npm scripts that package.json has, and files that exist', () => {
    const named = allRuns.flatMap((run) => [...run.matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(0);
    for (const script of named) expect(scripts[script], `npm run ${script}`).toBeDefined();
    const files = allRuns.flatMap((run) => [...run.matchAll(/(?:\bnode|vitest run|^)\s*((?:\.ci|tests|node_modules|scripts)\/[\w./-]+)/gm)].map((m) => m[1]!));
    expect(files).toEqual(expect.arrayContaining(['.ci/run', 'node_modules/electron/install.js', 'tests/e2e/electron-flow.test.ts']));
    for (const file of files) expect(existsSync(file), file).toBe(true);
    for (const uses of Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((s) => (s.uses ? [s.uses] : [])))) {
      expect(uses).toMatch(/^actions\/(checkout|setup-node|upload-artifact|download-artifact)@v\d+$/);
    }
  });

  it('runs npm test on Linux as the build machines do (.ci/run)', () => {
    const test = workflow.jobs.test!;
    expect(test['runs-on']).toMatch(/^ubuntu-/);
    expect(runs(test)).toEqual(['.ci/run']);
    expect(statSync('.ci/run').mode & 0o111).not.toBe(0);
    expect(readFileSync('.ci/run', 'utf8').trim().split('\n').at(-1)).toBe('npm test');
  });

  it('runs the Electron e2e with the real binary on Linux under xvfb, Windows and macOS, where a missing binary fails', () => {
    const e2e = workflow.jobs['electron-e2e']!;
    expect(e2e.strategy!.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
    expect(e2e.env).toEqual({ REGDESK_ELECTRON_E2E: '1' });
    const steps = runs(e2e);
    const install = steps.indexOf('node node_modules/electron/install.js');
    const build = steps.indexOf('npm run build');
    expect(install).toBeGreaterThan(steps.indexOf('npm ci --no-audit --no-fund'));
    expect(build).toBeGreaterThan(install);
    const linux = e2e.steps.find((s) => s.if === "runner.os == 'Linux'" && s.run?.includes('vitest'));
    const others = e2e.steps.find((s) => s.if === "runner.os != 'Linux'" && s.run?.includes('vitest'));
    expect(linux?.run).toBe('xvfb-run -a npx vitest run tests/e2e/electron-flow.test.ts');
    expect(others?.run).toBe('npx vitest run tests/e2e/electron-flow.test.ts');
    // The test itself turns REGDESK_ELECTRON_E2E=1 into a failure when the binary is missing.
    expect(readFileSync('tests/e2e/electron-flow.test.ts', 'utf8')).toContain("process.env.REGDESK_ELECTRON_E2E === '1'");
  });

  it('builds the installers on a version tag, each on its OS, after the tests, and attaches them to the release', () => {
    const installers = workflow.jobs.installers!;
    expect(installers.if).toBe("startsWith(github.ref, 'refs/tags/v')");
    expect(installers.needs).toEqual(['test', 'electron-e2e']);
    expect(installers.strategy!.matrix.include).toEqual([
      { os: 'ubuntu-latest', target: '--linux' },
      { os: 'windows-latest', target: '--win' },
      { os: 'macos-latest', target: '--mac' },
    ]);
    expect(runs(installers)).toContain('npm run dist -- ${{ matrix.target }} --publish never');
    const upload = installers.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(String(upload?.with?.path).trim().split('\n')).toEqual(['dist/*.AppImage', 'dist/*.deb', 'dist/*.exe', 'dist/*.dmg']);
    const release = workflow.jobs.release!;
    expect(release.needs).toBe('installers');
    expect(runs(release).join('\n')).toMatch(/^gh release create "\$GITHUB_REF_NAME" installers\/\* /);
  });
});
