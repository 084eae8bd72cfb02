// Player photos: checked by their bytes, scaled to the card's photo box and made greyscale once at
// upload, so each render only tints a small image (resvg's time grows with the embedded image).
import sharp from 'sharp';
import { PHOTO_BOX } from './card.js';

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

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

const mix = (a: Rgb, b: Rgb, t: number): Rgb => ({
  r: a.r + (b.r - a.r) * t,
  g: a.g + (b.g - a.g) * t,
  b: a.b + (b.b - a.b) * t,
});

/** Shadows in a deep shade of the team colour, highlights in a pale tint of it. */
export function duotoneStops(color: Rgb): { dark: Rgb; light: Rgb } {
  return { dark: mix(color, { r: 0, g: 0, b: 0 }, 0.55), light: mix(color, { r: 255, g: 255, b: 255 }, 0.8) };
}

/** Opacity of the darkening at the foot of the photo, per row, so the white name stays legible. */
function shadeRows(height: number): Float32Array {
  const rows = new Float32Array(height);
  for (let y = 0; y < height; y++) {
    const t = (y / (height - 1) - 0.45) / 0.55;
    rows[y] = t <= 0 ? 0 : 0.78 * t;
  }
  return rows;
}
const SHADE = shadeRows(PHOTO_BOX.height);

/** How much of each pixel of a row lies inside the box's rounded top corners (1 = all), antialiased. */
function cornerCoverage(x: number, y: number, width: number, radius: number): number {
  if (y >= radius) return 1;
  const cx = x < radius ? radius : x >= width - radius ? width - radius : -1;
  if (cx < 0) return 1;
  const dx = x + 0.5 - cx;
  const dy = y + 0.5 - radius;
  const d = Math.sqrt(dx * dx + dy * dy);
  return d <= radius - 0.5 ? 1 : d >= radius + 0.5 ? 0 : radius + 0.5 - d;
}

/**
 * Paints the photo, toned with the team colour, straight into the card's RGBA pixels: shadows in a
 * deep shade of the colour, highlights in a pale tint (a duotone), darkened towards its foot, top
 * corners rounded. One pass over the pixels with a lookup table; no image is encoded or decoded.
 */
export async function paintDuotonePhoto(
  card: Buffer,
  cardWidth: number,
  greyJpeg: Buffer,
  color: Rgb,
  origin: { left: number; top: number },
  radius: number,
): Promise<void> {
  const { width, height } = PHOTO_BOX;
  const { data, info } = await sharp(greyJpeg).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  let grey = data;
  // Uploads are prepared at the box size; only a photo prepared for an older layout needs scaling.
  if (info.width !== width || info.height !== height) {
    grey = await sharp(greyJpeg).resize(width, height, { fit: 'cover' }).extractChannel(0).raw().toBuffer();
  }
  const { dark, light } = duotoneStops(color);
  const lut = new Uint8Array(256 * 3);
  for (let g = 0; g < 256; g++) {
    lut[g * 3] = Math.round(dark.r + ((light.r - dark.r) * g) / 255);
    lut[g * 3 + 1] = Math.round(dark.g + ((light.g - dark.g) * g) / 255);
    lut[g * 3 + 2] = Math.round(dark.b + ((light.b - dark.b) * g) / 255);
  }
  for (let y = 0; y < height; y++) {
    const keep = 1 - SHADE[y]!;
    let o = ((origin.top + y) * cardWidth + origin.left) * 4;
    let i = y * width;
    for (let x = 0; x < width; x++, i++, o += 4) {
      const l = grey[i]! * 3;
      const cover = y < radius ? cornerCoverage(x, y, width, radius) : 1;
      if (cover === 1) {
        card[o] = lut[l]! * keep;
        card[o + 1] = lut[l + 1]! * keep;
        card[o + 2] = lut[l + 2]! * keep;
      } else if (cover > 0) {
        card[o] = lut[l]! * keep * cover + card[o]! * (1 - cover);
        card[o + 1] = lut[l + 1]! * keep * cover + card[o + 1]! * (1 - cover);
        card[o + 2] = lut[l + 2]! * keep * cover + card[o + 2]! * (1 - cover);
      }
    }
  }
}
