// Decoders for the icon files RegDesk ships, just enough to check them: 8-bit RGBA PNGs (what
// scripts/generate-icons.mjs writes) and ICO files of 32-bit BMP images.
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

export interface Rgba {
  width: number;
  height: number;
  /** Row-major RGBA, straight alpha. */
  pixels: Buffer;
}

export function readPng(path: string): Rgba {
  const bytes = readFileSync(path);
  if (bytes.subarray(0, 8).toString('latin1') !== '\x89PNG\r\n\x1a\n') throw new Error(`${path}: not a PNG`);
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('ascii', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6) throw new Error(`${path}: not 8-bit RGBA`);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    if (raw[y * stride] !== 0) throw new Error(`${path}: row ${y} uses a PNG filter this reader does not decode`);
    raw.copy(pixels, y * width * 4, y * stride + 1, (y + 1) * stride);
  }
  return { width, height, pixels };
}

/** Every image of an ICO file, decoded from its 32-bit BMP (bottom-up BGRA) data. */
export function readIco(path: string): Rgba[] {
  const bytes = readFileSync(path);
  if (bytes.readUInt16LE(0) !== 0 || bytes.readUInt16LE(2) !== 1) throw new Error(`${path}: not an ICO`);
  const images: Rgba[] = [];
  for (let i = 0; i < bytes.readUInt16LE(4); i++) {
    const entry = 6 + 16 * i;
    const size = bytes[entry] || 256;
    const offset = bytes.readUInt32LE(entry + 12);
    const header = bytes.subarray(offset, offset + 40);
    if (header.readUInt32LE(0) !== 40 || header.readInt32LE(4) !== size || header.readInt32LE(8) !== size * 2 || header.readUInt16LE(14) !== 32) {
      throw new Error(`${path}: image ${i} is not a ${size} px 32-bit BMP`);
    }
    if (offset + bytes.readUInt32LE(entry + 8) > bytes.length) throw new Error(`${path}: image ${i} runs past the end of the file`);
    const pixels = Buffer.alloc(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const at = offset + 40 + ((size - 1 - y) * size + x) * 4;
        pixels.set([bytes[at + 2]!, bytes[at + 1]!, bytes[at]!, bytes[at + 3]!], (y * size + x) * 4);
      }
    }
    images.push({ width: size, height: size, pixels });
  }
  return images;
}

/** The alpha channel alone, to compare shapes. */
export function alphaMask(image: Rgba): Buffer {
  const mask = Buffer.alloc(image.width * image.height);
  for (let i = 0; i < mask.length; i++) mask[i] = image.pixels[i * 4 + 3]!;
  return mask;
}
