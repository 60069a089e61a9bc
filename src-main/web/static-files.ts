import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Reads a file of the built renderer for a URL path; null when outside the folder or missing. */
export async function readRendererFile(rendererDir: string, urlPath: string): Promise<{ body: Buffer; contentType: string } | null> {
  let relative: string;
  try {
    relative = urlPath === '/' ? 'index.html' : decodeURIComponent(urlPath).replace(/^\/+/, '');
  } catch {
    return null;
  }
  const resolved = normalize(join(rendererDir, relative));
  if (!resolved.startsWith(normalize(rendererDir) + sep)) return null;
  const contentType = contentTypes[extname(resolved)];
  if (contentType === undefined) return null;
  try {
    return { body: await readFile(resolved), contentType };
  } catch {
    return null;
  }
}
