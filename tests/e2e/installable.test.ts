import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, startRelay, waitForOfflineShell } from './harness.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;

beforeAll(async () => {
  relay = await startRelay();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await relay?.cleanup();
});

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  expect([...bytes.subarray(0, 8)], 'PNG signature').toEqual(PNG_SIGNATURE);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(new TextDecoder().decode(bytes.subarray(12, 16)), 'first chunk').toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The images of an ICO file: the size its directory declares and the size of the PNG inside. */
function icoImages(bytes: Uint8Array): Array<{ declared: number; width: number; height: number }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint16(0, true), 'ICO reserved field').toBe(0);
  expect(view.getUint16(2, true), 'ICO type (1 = icon)').toBe(1);
  const count = view.getUint16(4, true);
  const images = [];
  for (let i = 0; i < count; i++) {
    const entry = 6 + 16 * i;
    const declared = bytes[entry] === 0 ? 256 : (bytes[entry] as number);
    const length = view.getUint32(entry + 8, true);
    const offset = view.getUint32(entry + 12, true);
    expect(offset + length, `image ${i} lies inside the file`).toBeLessThanOrEqual(bytes.length);
    images.push({ declared, ...pngSize(bytes.subarray(offset, offset + length)) });
  }
  return images;
}

async function get(url: string): Promise<{ status: number; type: string; bytes: Uint8Array }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

type ManifestIcon = { src: string; sizes: string; type: string; purpose?: string };

describe('the web app can be installed', () => {
  it('serves /favicon.ico as an icon: an ICO holding 16, 32 and 48 px PNG images', async () => {
    const favicon = await get(`${relay.server.url}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.type).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)$/);
    const images = icoImages(favicon.bytes);
    expect(images.map((i) => i.declared)).toEqual([16, 32, 48]);
    for (const image of images) {
      expect({ width: image.width, height: image.height }).toEqual({
        width: image.declared,
        height: image.declared,
      });
    }
  });

  it('links a manifest whose every icon exists at its declared size, with a maskable one of 512 px or more', async () => {
    const { page } = browser;
    await page.goto(relay.server.url);
    const manifestUrl = await page
      .locator('link[rel="manifest"]')
      .evaluate((link) => (link as HTMLLinkElement).href);
    const manifestResponse = await get(manifestUrl);
    expect(manifestResponse.status).toBe(200);
    const manifest = JSON.parse(new TextDecoder().decode(manifestResponse.bytes)) as {
      id?: string;
      description?: string;
      scope?: string;
      icons: ManifestIcon[];
    };
    expect(manifest.id).toBeTruthy();
    expect(manifest.description).toBeTruthy();
    expect(manifest.scope).toBe('/');
    expect(manifest.icons.length).toBeGreaterThan(0);
    for (const icon of manifest.icons) {
      const answer = await get(new URL(icon.src, manifestUrl).href);
      expect(answer.status, icon.src).toBe(200);
      expect(answer.type, icon.src).toBe(icon.type);
      if (icon.type !== 'image/png') continue;
      const [width, height] = icon.sizes.split('x').map(Number);
      expect(pngSize(answer.bytes), icon.src).toEqual({ width, height });
    }
    const maskable = manifest.icons.filter((i) =>
      (i.purpose ?? 'any').split(/\s+/).includes('maskable'),
    );
    expect(
      Math.max(0, ...maskable.map((i) => Number(i.sizes.split('x')[0]))),
    ).toBeGreaterThanOrEqual(512);

    // The page's own icon links answer too, the phone's home-screen icon at 180 px.
    const links = await page
      .locator('link[rel="icon"], link[rel="apple-touch-icon"]')
      .evaluateAll((all) =>
        all.map((l) => ({ rel: l.getAttribute('rel'), href: (l as HTMLLinkElement).href })),
      );
    expect(links.map((l) => l.rel).sort()).toEqual(['apple-touch-icon', 'icon', 'icon']);
    for (const link of links) {
      const answer = await get(link.href);
      expect(answer.status, link.href).toBe(200);
      expect(answer.type, link.href).toMatch(/^image\//);
      if (link.rel === 'apple-touch-icon')
        expect(pngSize(answer.bytes)).toEqual({ width: 180, height: 180 });
    }
  });

  it('has no installability errors in Chromium, and the service worker keeps the icons for offline use', async () => {
    const { context, page } = browser;
    await page.goto(relay.server.url);
    await waitForOfflineShell(page);
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as {
      url: string;
      errors: Array<{ message: string }>;
    };
    expect(manifest.url).toBe(`${relay.server.url}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    await cdp.detach();

    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys())
          urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    for (const path of [
      '/favicon.ico',
      '/icon.svg',
      '/icon-192.png',
      '/icon-512.png',
      '/icon-maskable-512.png',
      '/apple-touch-icon.png',
    ])
      expect(cached, path).toContain(path);
  });
});
