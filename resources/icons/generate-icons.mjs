#!/usr/bin/env node
// Draws RegDesk's app icon and the tray icons (ok / warning / disconnected) as PNG files beside
// this script. Plain Node (zlib), no image library: shapes are circles and a rounded square,
// antialiased by 4x4 supersampling. Run: node resources/icons/generate-icons.mjs
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, rgbaAt) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = rgbaAt(x, y);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
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

/** Paints layers (each: inside(u, v) in 0..1 coordinates, and a colour) with 4x4 supersampling. */
function render(size, layers) {
  return png(size, (x, y) => {
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
    return [Math.round(r), Math.round(g), Math.round(b), Math.round(a * 255)];
  });
}

const circle = (cx, cy, radius) => (u, v) => (u - cx) ** 2 + (v - cy) ** 2 <= radius ** 2;
const ring = (cx, cy, outer, inner) => (u, v) => circle(cx, cy, outer)(u, v) && !circle(cx, cy, inner)(u, v);
function roundedSquare(margin, radius) {
  return (u, v) => {
    const dx = Math.max(margin + radius - u, 0, u - (1 - margin - radius));
    const dy = Math.max(margin + radius - v, 0, v - (1 - margin - radius));
    return u >= margin && u <= 1 - margin && v >= margin && v <= 1 - margin && dx * dx + dy * dy <= radius * radius;
  };
}

const blue = [31, 111, 235];
const white = [255, 255, 255];
const outline = [32, 36, 42];
const states = { ok: [46, 160, 67], warning: [230, 140, 0], disconnected: [140, 146, 155] };
const here = import.meta.dirname;

// App icon: a registrar "target": the PBX in the middle, the phones' ring around it.
writeFileSync(
  join(here, 'icon.png'),
  render(512, [
    { inside: roundedSquare(0.06, 0.18), color: blue },
    { inside: ring(0.5, 0.5, 0.32, 0.25), color: white },
    { inside: circle(0.5, 0.5, 0.12), color: white },
    { inside: circle(0.78, 0.24, 0.09), color: states.warning },
  ]),
);

for (const [state, color] of Object.entries(states)) {
  for (const [suffix, size] of [['', 16], ['@2x', 32]]) {
    const layers = [
      { inside: circle(0.5, 0.5, 0.46), color: outline },
      { inside: circle(0.5, 0.5, 0.38), color },
    ];
    if (state === 'warning') layers.push({ inside: (u, v) => Math.abs(u - 0.5) < 0.07 && v > 0.26 && v < 0.74, color: white });
    if (state === 'disconnected') layers.push({ inside: (u, v) => Math.abs(v - 0.5) < 0.07 && u > 0.26 && u < 0.74, color: white });
    writeFileSync(join(here, `tray-${state}${suffix}.png`), render(size, layers));
  }
}
