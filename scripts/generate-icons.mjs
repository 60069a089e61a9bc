#!/usr/bin/env node
// Draws RegDesk's app icon and its tray icons into resources/icons/, reproducibly (same bytes on
// every run): plain Node (zlib), no image library; shapes are circles, bars and a rounded square,
// antialiased by 4x4 supersampling. Run: node scripts/generate-icons.mjs
//
// Tray icons per OS (src-main/app/tray-icons.ts picks them; Electron's nativeImage docs):
// - Linux: tray-<state>.png (16 px) and tray-<state>@2x.png (32 px), in colour.
// - macOS: tray-<state>Template.png and @2x: black and alpha only. A file name ending in
//   "Template" makes nativeImage a template image, which macOS recolours for a light or dark
//   menu bar; so the three states differ by shape, not colour.
// - Windows: tray-<state>.ico holding 16, 20, 24 and 32 px (100/125/150/200% display scale, the
//   small-icon sizes the nativeImage docs ask an ICO to include), so no size is a blurry rescale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const out = join(import.meta.dirname, '..', 'resources', 'icons');

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA pixels (row-major, straight alpha) as a PNG file. */
function png(size, pixels) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * An ICO file of 32-bit BMP images (BITMAPINFOHEADER, bottom-up BGRA, then the 1-bit AND mask),
 * the form every Windows version loads; `images` is [{ size, pixels }] with RGBA pixels.
 */
function ico(images) {
  const dir = Buffer.alloc(6 + 16 * images.length);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2); // 1 = icon
  dir.writeUInt16LE(images.length, 4);
  const bodies = [];
  let offset = dir.length;
  images.forEach(({ size, pixels }, i) => {
    const maskStride = Math.ceil(size / 32) * 4;
    const header = Buffer.alloc(40);
    header.writeUInt32LE(40, 0);
    header.writeInt32LE(size, 4);
    header.writeInt32LE(size * 2, 8); // XOR image + AND mask
    header.writeUInt16LE(1, 12);
    header.writeUInt16LE(32, 14);
    header.writeUInt32LE(0, 16); // BI_RGB
    header.writeUInt32LE(size * size * 4 + maskStride * size, 20);
    const xor = Buffer.alloc(size * size * 4);
    const and = Buffer.alloc(maskStride * size);
    for (let y = 0; y < size; y++) {
      const row = size - 1 - y; // bottom-up
      for (let x = 0; x < size; x++) {
        const [r, g, b, a] = pixels.subarray((y * size + x) * 4, (y * size + x) * 4 + 4);
        xor.set([b, g, r, a], (row * size + x) * 4);
        if (a === 0) and[row * maskStride + (x >> 3)] |= 0x80 >> (x & 7);
      }
    }
    const body = Buffer.concat([header, xor, and]);
    const entry = 6 + 16 * i;
    dir.writeUInt8(size >= 256 ? 0 : size, entry);
    dir.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    dir.writeUInt16LE(1, entry + 4); // planes
    dir.writeUInt16LE(32, entry + 6); // bits per pixel
    dir.writeUInt32LE(body.length, entry + 8);
    dir.writeUInt32LE(offset, entry + 12);
    offset += body.length;
    bodies.push(body);
  });
  return Buffer.concat([dir, ...bodies]);
}

/** Paints layers (each: inside(u, v) in 0..1 coordinates, and a colour) with 4x4 supersampling. */
function render(size, layers) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const { inside, color } of layers) {
        let hits = 0;
        for (let sy = 0; sy < 4; sy++)
          for (let sx = 0; sx < 4; sx++) if (inside((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size)) hits++;
        const cover = hits / 16;
        if (cover === 0) continue;
        // Source-over compositing, straight alpha.
        const outA = cover + a * (1 - cover);
        [r, g, b] = [0, 1, 2].map((i) => (color[i] * cover + [r, g, b][i] * a * (1 - cover)) / outA);
        a = outA;
      }
      pixels.set([Math.round(r), Math.round(g), Math.round(b), Math.round(a * 255)], (y * size + x) * 4);
    }
  }
  return pixels;
}

const circle = (cx, cy, radius) => (u, v) => (u - cx) ** 2 + (v - cy) ** 2 <= radius ** 2;
const ring = (cx, cy, outer, inner) => (u, v) => circle(cx, cy, outer)(u, v) && !circle(cx, cy, inner)(u, v);
const box = (u0, v0, u1, v1) => (u, v) => u >= u0 && u <= u1 && v >= v0 && v <= v1;
const either = (...shapes) => (u, v) => shapes.some((inside) => inside(u, v));
const without = (shape, hole) => (u, v) => shape(u, v) && !hole(u, v);
function roundedSquare(margin, radius) {
  return (u, v) => {
    const dx = Math.max(margin + radius - u, 0, u - (1 - margin - radius));
    const dy = Math.max(margin + radius - v, 0, v - (1 - margin - radius));
    return u >= margin && u <= 1 - margin && v >= margin && v <= 1 - margin && dx * dx + dy * dy <= radius * radius;
  };
}

const blue = [31, 111, 235];
const white = [255, 255, 255];
const black = [0, 0, 0];
const outline = [32, 36, 42];
const states = { ok: [46, 160, 67], warning: [230, 140, 0], disconnected: [140, 146, 155] };
const exclamation = either(box(0.43, 0.2, 0.57, 0.6), box(0.43, 0.68, 0.57, 0.8));
const dash = box(0.26, 0.43, 0.74, 0.57);

/** The coloured tray icon (Linux, Windows): a dot in the state's colour, with a mark for warning and disconnected. */
function colourTray(state) {
  const layers = [
    { inside: circle(0.5, 0.5, 0.46), color: outline },
    { inside: circle(0.5, 0.5, 0.38), color: states[state] },
  ];
  if (state === 'warning') layers.push({ inside: exclamation, color: white });
  if (state === 'disconnected') layers.push({ inside: dash, color: white });
  return layers;
}

/** The macOS template: ok is the registrar "target" (ring and centre), warning a disc with "!" cut out, disconnected an empty ring crossed out. */
function templateTray(state) {
  const shape = {
    ok: either(ring(0.5, 0.5, 0.46, 0.34), circle(0.5, 0.5, 0.16)),
    warning: without(circle(0.5, 0.5, 0.46), exclamation),
    disconnected: either(ring(0.5, 0.5, 0.46, 0.34), (u, v) => Math.abs(u - v) < 0.07 && circle(0.5, 0.5, 0.44)(u, v)),
  }[state];
  return [{ inside: shape, color: black }];
}

// App icon: a registrar "target": the PBX in the middle, the phones' ring around it.
writeFileSync(
  join(out, 'icon.png'),
  png(512, render(512, [
    { inside: roundedSquare(0.06, 0.18), color: blue },
    { inside: ring(0.5, 0.5, 0.32, 0.25), color: white },
    { inside: circle(0.5, 0.5, 0.12), color: white },
    { inside: circle(0.78, 0.24, 0.09), color: states.warning },
  ])),
);

for (const state of Object.keys(states)) {
  for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
    writeFileSync(join(out, `tray-${state}${suffix}.png`), png(size, render(size, colourTray(state))));
    writeFileSync(join(out, `tray-${state}Template${suffix}.png`), png(size, render(size, templateTray(state))));
  }
  writeFileSync(join(out, `tray-${state}.ico`), ico([16, 20, 24, 32].map((size) => ({ size, pixels: render(size, colourTray(state)) }))));
}
