// The souvenir render: a pure function of the card's data and the image bytes (no database, no
// storage), so it can move to a worker thread. satori lays the card out as SVG with a hole where
// the photo goes; resvg draws it; sharp crops and scales the photo and the logo, which are copied
// into the drawn pixels row by row, and encodes the PNG.
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import sharp from 'sharp';
import type { SouvenirSize } from '../domain/souvenir.js';
import { layoutCard, type CardData, type CardLayout, type ImageFacts } from './card.js';
import { satoriFonts } from './fonts.js';
import { photoFacts } from './photo.js';

export type { CardData } from './card.js';

export interface RenderTimings {
  /** Reading the images' sizes and finding the face. */
  factsMs: number;
  /** Layout into SVG. */
  satoriMs: number;
  /** SVG to pixels. */
  resvgMs: number;
  /** Cropping and scaling the photo and the logo, compositing, PNG encoding. */
  composeMs: number;
  totalMs: number;
}

export interface RenderedCard {
  png: Buffer;
  layout: CardLayout;
  timings: RenderTimings;
}

const RESVG = { fitTo: { mode: 'original' as const }, font: { loadSystemFonts: false } };

/** What the layout needs to know of the images; read once for both sizes. */
export async function imageFacts(photo: Buffer | null, logo: Buffer | null): Promise<ImageFacts> {
  const [photoInfo, logoMeta] = await Promise.all([
    photo ? photoFacts(photo) : null,
    logo ? sharp(logo).metadata() : null,
  ]);
  return {
    photo: photoInfo,
    logo: logoMeta?.width && logoMeta.height ? { width: logoMeta.width, height: logoMeta.height } : null,
  };
}

/** One size of the card. `facts` may be passed in when both sizes are drawn from the same images. */
export async function renderCard(
  data: CardData,
  size: SouvenirSize,
  photo: Buffer | null,
  logo: Buffer | null,
  known?: ImageFacts,
): Promise<RenderedCard> {
  const start = performance.now();
  const facts = known ?? (await imageFacts(photo, logo));
  const t0 = performance.now();
  const layout = layoutCard(data, size, facts);
  // The photo and the logo are scaled while satori lays out (libvips works off the main thread).
  const photoPixels =
    photo && layout.crop
      ? sharp(photo)
          .extract(layout.crop)
          .resize(layout.photo.width, layout.photo.height, { fit: 'fill' })
          .ensureAlpha(1)
          .raw()
          .toBuffer()
      : null;
  // On its white chip: flattened here, so it is copied in like the photo.
  const logoPixels =
    logo && layout.logo
      ? sharp(logo)
          .resize(layout.logo.width, layout.logo.height, { fit: 'contain', background: '#ffffff' })
          .flatten({ background: '#ffffff' })
          .ensureAlpha(1)
          .raw()
          .toBuffer()
      : null;
  const svg = await satori(layout.node as never, { width: layout.width, height: layout.height, fonts: satoriFonts() });
  const t1 = performance.now();
  const drawn = new Resvg(svg, RESVG).render();
  const pixels = drawn.pixels;
  const t2 = performance.now();
  // Both images are opaque rectangles over parts of the card that the layout leaves bare (the
  // photo's hole above the name band, the logo's chip): row copies, not a blend of the whole card.
  if (photoPixels)
    copyRows(
      pixels,
      drawn.width,
      await photoPixels,
      layout.photo,
      Math.min(layout.photo.y + layout.photo.height, layout.band.y),
    );
  if (logoPixels && layout.logo) copyRows(pixels, drawn.width, await logoPixels, layout.logo);
  const png = await sharp(pixels, { raw: { width: drawn.width, height: drawn.height, channels: 4 } })
    .removeAlpha()
    // Level 1 without filter search: a photo's grain barely compresses at any level (level 2 saves
    // about a tenth of the bytes and costs half as much time again; higher levels, several times it).
    .png({ compressionLevel: 1, adaptiveFiltering: false })
    .toBuffer();
  const t3 = performance.now();
  return {
    png,
    layout,
    timings: { factsMs: t0 - start, satoriMs: t1 - t0, resvgMs: t2 - t1, composeMs: t3 - t2, totalMs: t3 - start },
  };
}

/** Copies an RGBA image's rows into the card's RGBA pixels at `box`, stopping above `untilY`. */
function copyRows(
  card: Buffer,
  cardWidth: number,
  image: Buffer,
  box: CardLayout['photo'],
  untilY = box.y + box.height,
) {
  const rowBytes = box.width * 4;
  for (let y = box.y; y < untilY; y++)
    image.copy(card, (y * cardWidth + box.x) * 4, (y - box.y) * rowBytes, (y - box.y + 1) * rowBytes);
}

export interface RenderedSouvenir {
  square: RenderedCard;
  story: RenderedCard;
}

/** Both sizes of the souvenir from one set of facts about the images. */
export async function renderSouvenir(
  data: CardData,
  photo: Buffer | null,
  logo: Buffer | null,
): Promise<RenderedSouvenir> {
  const facts = await imageFacts(photo, logo);
  const square = await renderCard(data, 'square', photo, logo, facts);
  const story = await renderCard(data, 'story', photo, logo, facts);
  return { square, story };
}
