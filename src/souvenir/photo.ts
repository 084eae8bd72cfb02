// Images that go on the card, checked by their bytes and prepared once at upload, so that each
// render only crops and scales: the player's photo (oriented, auto-levelled, in colour) and a
// show's logo (a PNG, or an SVG checked and rasterised here, never drawn from the SVG later).
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import { LOGO_MAX_PIXELS, MAX_LOGO_BYTES } from '../domain/souvenir.js';
import { findFace, type FaceBox } from './face.js';

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Prepared photos keep at least this many pixels on their short side: enough for the story's 1000×1000 box. */
const PHOTO_SHORT_SIDE = 1080;

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The image type by magic bytes; the Content-Type header is not trusted. */
export function sniffImageType(b: Buffer): PhotoType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  return null;
}

export class UndecodablePhotoError extends Error {}

/**
 * Decodes, orients and auto-levels the photo (sharp's normalise stretches its luminance to the full
 * range, keeping the colours), scaled down to PHOTO_SHORT_SIDE on its short side; returns a JPEG.
 * Cropping waits for the render: the square and the story crop it differently.
 */
export async function preparePhoto(input: Buffer): Promise<Buffer> {
  try {
    return await sharp(input, { limitInputPixels: 60_000_000, failOn: 'error' })
      .rotate()
      .resize(PHOTO_SHORT_SIDE, PHOTO_SHORT_SIDE, { fit: 'outside', withoutEnlargement: true })
      .normalise({ lower: 1, upper: 99 })
      .toColourspace('srgb')
      .jpeg({ quality: 86, chromaSubsampling: '4:4:4' })
      .toBuffer();
  } catch (err) {
    throw new UndecodablePhotoError(`The image could not be decoded: ${(err as Error).message}`);
  }
}

/** The photo's size and face (skin-tone heuristic on a 96-pixel thumbnail; see face.ts). */
export async function photoFacts(photo: Buffer): Promise<{ width: number; height: number; face: FaceBox | null }> {
  const [meta, thumb] = await Promise.all([
    sharp(photo).metadata(),
    sharp(photo).resize(96, 96, { fit: 'inside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true }),
  ]);
  return {
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    face: findFace(thumb.data, thumb.info.width, thumb.info.height, thumb.info.channels),
  };
}

// --- show logos ---

export class LogoError extends Error {}

const SVG_START = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<svg[\s>]/i;

export function isSvg(b: Buffer): boolean {
  return SVG_START.test(
    b
      .subarray(0, 4096)
      .toString('utf8')
      .replace(/^\uFEFF/, ''),
  );
}

/**
 * Why an SVG is refused, or null: scripts, event handlers, anything loaded from elsewhere
 * (href or url() not within the file), embedded HTML and entity declarations. What passes is
 * drawn once here and stored as a PNG; the SVG itself is never served.
 */
export function svgProblem(svg: string): string | null {
  if (/<script[\s>/]/i.test(svg)) return 'an SVG logo may not contain scripts';
  if (/\son[a-z]+\s*=/i.test(svg)) return 'an SVG logo may not contain event handlers (on… attributes)';
  if (/<foreignObject[\s>/]/i.test(svg)) return 'an SVG logo may not embed HTML (foreignObject)';
  if (/<!(?:DOCTYPE|ENTITY)/i.test(svg)) return 'an SVG logo may not declare entities';
  for (const m of svg.matchAll(/\b(?:xlink:)?href\s*=\s*["']([^"']*)["']/gi))
    if (!m[1]!.trim().startsWith('#')) return 'an SVG logo may not refer to other files or pages';
  for (const m of svg.matchAll(/url\(\s*["']?([^"')]*)/gi))
    if (!m[1]!.trim().startsWith('#')) return 'an SVG logo may not refer to other files or pages';
  if (/@import/i.test(svg)) return 'an SVG logo may not import style sheets';
  return null;
}

/** A logo upload (PNG or SVG, at most MAX_LOGO_BYTES) as the PNG kept for the cards; throws LogoError. */
export async function prepareLogo(input: Buffer): Promise<Buffer> {
  if (input.length > MAX_LOGO_BYTES) throw new LogoError(`A logo may be at most ${MAX_LOGO_BYTES / 1024} KiB`);
  let png: Buffer;
  if (sniffImageType(input) === 'image/png') png = input;
  else if (isSvg(input)) {
    const svg = input.toString('utf8');
    const problem = svgProblem(svg);
    if (problem) throw new LogoError(`The logo was refused: ${problem}`);
    try {
      const rendered = new Resvg(svg, {
        fitTo: { mode: 'width', value: LOGO_MAX_PIXELS },
        font: { loadSystemFonts: false },
        background: 'rgba(0, 0, 0, 0)',
      }).render();
      png = rendered.asPng();
    } catch (err) {
      throw new LogoError(`The SVG could not be drawn: ${(err as Error).message}`);
    }
  } else throw new LogoError('The logo must be a PNG or an SVG image');
  try {
    return await sharp(png, { limitInputPixels: 25_000_000, failOn: 'error' })
      .ensureAlpha()
      .trim({ threshold: 1 })
      .resize(LOGO_MAX_PIXELS, LOGO_MAX_PIXELS, { fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
  } catch (err) {
    throw new LogoError(`The logo could not be decoded: ${(err as Error).message}`);
  }
}
