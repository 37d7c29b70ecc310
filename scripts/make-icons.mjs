#!/usr/bin/env node
// Draws the app icon (a white seedling on the brand red) and writes every size the web app
// manifest, the browsers and phones ask for into client/public/:
//   icon.svg, icon-192.png, icon-512.png, icon-maskable-512.png, apple-touch-icon.png (180 px)
//   and favicon.ico (16, 32 and 48 px PNG images in one ICO container).
// Debian's Chromium rasterises the SVG, so run it by hand after changing the drawing and commit
// the files: the build only copies them and never needs a browser.
//   node scripts/make-icons.mjs
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// playwright-core belongs to the tests package; resolve it from there.
const { chromium } = createRequire(new URL('../tests/package.json', import.meta.url))(
  'playwright-core',
);

const outDir = fileURLToPath(new URL('../client/public/', import.meta.url));
const BRAND = '#b91c1c';

// A seedling: a stem rising from the ground with two leaves, in a 512 × 512 box centred on 256.
const MOTIF = `<g fill="#fff">
    <rect x="238" y="232" width="36" height="168"/>
    <path d="M262 276C262 190 204 132 104 128C100 220 164 276 262 276Z"/>
    <path d="M250 240C250 164 302 108 408 104C410 186 350 240 250 240Z"/>
    <rect x="128" y="372" width="256" height="40" rx="20"/>
  </g>`;

/**
 * The icon as SVG. `fullBleed`: a square background to the edges with the motif shrunk into the
 * inner 80 % (the safe zone a maskable icon keeps whatever shape the launcher cuts); otherwise a
 * rounded square with transparent corners.
 */
function iconSvg({ fullBleed }) {
  const background = fullBleed
    ? `<rect width="512" height="512" fill="${BRAND}"/>`
    : `<rect width="512" height="512" rx="112" fill="${BRAND}"/>`;
  const motif = fullBleed
    ? `<g transform="translate(256 256) scale(0.78) translate(-256 -256)">${MOTIF}</g>`
    : MOTIF;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
  <title>Grassroots</title>
  ${background}
  ${motif}
</svg>
`;
}

/** An ICO file holding PNG images (allowed since Windows Vista; every current browser reads it). */
function icoOf(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, entry); // width (0 means 256)
    header.writeUInt8(size >= 256 ? 0 : size, entry + 1); // height
    header.writeUInt8(0, entry + 2); // colours in palette: none
    header.writeUInt8(0, entry + 3); // reserved
    header.writeUInt16LE(1, entry + 4); // colour planes
    header.writeUInt16LE(32, entry + 6); // bits per pixel
    header.writeUInt32LE(png.length, entry + 8);
    header.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((image) => image.png)]);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  /** The SVG drawn at `size` × `size` pixels, as PNG with transparency. */
  const rasterise = async (svg, size) => {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(
      `<html><body style="margin:0"><img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    return page.screenshot({
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
  };

  const rounded = iconSvg({ fullBleed: false });
  const fullBleed = iconSvg({ fullBleed: true });
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}icon.svg`, rounded);
  await writeFile(`${outDir}icon-192.png`, await rasterise(rounded, 192));
  await writeFile(`${outDir}icon-512.png`, await rasterise(rounded, 512));
  await writeFile(`${outDir}icon-maskable-512.png`, await rasterise(fullBleed, 512));
  // iOS rounds the corners itself and fills transparency with black: give it the full square.
  await writeFile(`${outDir}apple-touch-icon.png`, await rasterise(fullBleed, 180));
  const favicons = [];
  for (const size of [16, 32, 48]) favicons.push({ size, png: await rasterise(rounded, size) });
  await writeFile(`${outDir}favicon.ico`, icoOf(favicons));
  console.log(`icons written to ${outDir}`);
} finally {
  await browser.close();
}
