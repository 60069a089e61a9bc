// What `npm start` and `npm test` print about their own set-up: one line per fact, not the
// stack traces and repeated warnings of the tools they run. Plain Node, no dependencies
// (node_modules may not exist yet).

/** The line that says what went wrong in a tool's stderr: `TypeError: fetch failed` from a stack. */
export function firstErrorLine(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^[A-Za-z]*Error\b.*:/.test(l)) ?? lines[0] ?? 'no output';
}

/** Packages npm installs that only `npm run dist` (electron-builder) uses. */
const DIST_ONLY = new Set(['node-abi', '@electron/rebuild', '@electron/node-gyp', 'app-builder-lib', 'electron-builder', 'dmg-builder', 'electron-builder-squirrel-windows']);
/** Packages that only download and unpack the desktop app's Electron binary. */
const ELECTRON_DOWNLOAD = new Set(['electron', '@electron/get', '@electron-internal/extract-zip']);

function usedFor(name) {
  if (DIST_ONLY.has(name)) return 'it is used only by `npm run dist` (installers)';
  if (ELECTRON_DOWNLOAD.has(name)) return 'it only fetches the desktop app\'s Electron binary (without it `npm start` opens browser mode)';
  return null;
}

/**
 * npm's EBADENGINE warnings (a block of lines per package) folded into one line per package;
 * every other line of npm's stderr is kept as it was.
 */
export function foldEngineWarnings(stderr, nodeVersion = process.version) {
  const packages = new Map();
  const rest = [];
  let current = null;
  for (const line of stderr.split('\n')) {
    if (!/EBADENGINE/.test(line)) {
      if (line.trim()) rest.push(line);
      continue;
    }
    const pkg = /package:\s*'([^']+)'/.exec(line)?.[1];
    if (pkg) current = pkg;
    const required = /required:\s*\{\s*node:\s*'([^']+)'/.exec(line)?.[1];
    if (current && required) packages.set(current, required);
  }
  const lines = [...packages].map(([pkg, required]) => {
    const use = usedFor(pkg.replace(/@[^@]*$/, ''));
    return `regdesk: ${pkg} asks for Node ${required} and this is ${nodeVersion}; ${use ?? 'npm installed it anyway'}.`;
  });
  return { lines, rest };
}
