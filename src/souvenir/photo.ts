// Player photos: checked by their bytes, scaled to the card's photo box and made greyscale once at
// upload, so each render only tints a small image (resvg's time grows with the embedded image).
import sharp from 'sharp';
import { PHOTO_BOX } from './card.js';

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** The image type by magic bytes; the Content-Type header is not trusted. */
export function sniffImageType(b: Buffer): PhotoType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export class UndecodablePhotoError extends Error {}

/** Decodes, orients, crops to the photo box, greyscales and stretches contrast; returns a JPEG. */
export async function preparePhoto(input: Buffer): Promise<Buffer> {
  try {
    return await sharp(input, { limitInputPixels: 60_000_000, failOn: 'error' })
      .rotate()
      .resize(PHOTO_BOX.width, PHOTO_BOX.height, { fit: 'cover', position: 'attention' })
      .greyscale()
      .normalise()
      .jpeg({ quality: 85, mozjpeg: false })
      .toBuffer();
  } catch (err) {
    throw new UndecodablePhotoError(`The image could not be decoded: ${(err as Error).message}`);
  }
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => ({ r: a.r + (b.r - a.r) * t, g: a.g + (b.g - a.g) * t, b: a.b + (b.b - a.b) * t });

/** Shadows in a deep shade of the team colour, highlights in a pale tint of it. */
export function duotoneStops(color: Rgb): { dark: Rgb; light: Rgb } {
  return { dark: mix(color, { r: 0, g: 0, b: 0 }, 0.55), light: mix(color, { r: 255, g: 255, b: 255 }, 0.8) };
}

let shadeOverlay: Promise<Buffer> | undefined;
/** A darkening towards the bottom so the white name stays legible; baked into the photo, not drawn per render as an SVG gradient. */
function bottomShade(): Promise<Buffer> {
  const { width, height } = PHOTO_BOX;
  shadeOverlay ??= sharp(Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1">` +
    `<stop offset="0.45" stop-color="#000" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity="0.78"/></linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#s)"/></svg>`,
  )).png().toBuffer();
  return shadeOverlay;
}

/** Maps the greyscale photo onto the team colour's two stops (one linear pass per channel) and shades its foot. */
export async function duotonePhoto(grey: Buffer, color: Rgb): Promise<Buffer> {
  const { dark, light } = duotoneStops(color);
  const toned = await sharp(grey)
    .toColourspace('srgb')
    .linear([(light.r - dark.r) / 255, (light.g - dark.g) / 255, (light.b - dark.b) / 255], [dark.r, dark.g, dark.b])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(toned.data, { raw: toned.info })
    .composite([{ input: await bottomShade(), top: 0, left: 0 }])
    .jpeg({ quality: 85 })
    .toBuffer();
}
