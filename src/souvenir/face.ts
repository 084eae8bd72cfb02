// Where the face is in a photo, and how to crop the photo into a box around it.
//
// The face is found by skin tone, not by a trained detector: in a small thumbnail, pixels whose
// chroma falls in the usual skin range (YCbCr, Cb 77–127 and Cr 133–173) are grouped into
// connected regions, and the largest region high enough in the frame is taken as the face. At a
// booth (one person, facing the camera, lit evenly) that is the face; a photo with no such region
// is cropped around its centre instead.

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Fractions of the photo's width and height. */
export type FaceBox = Box;

/** The smallest region taken for a face: 1% of the thumbnail. */
const MIN_FACE_SHARE = 0.01;

export function isSkin(r: number, g: number, b: number): boolean {
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  const cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b;
  const cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b;
  return y > 50 && cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173;
}

/** The face in an RGB thumbnail (`channels` bytes a pixel), as fractions of its size; null when none. */
export function findFace(pixels: Uint8Array, width: number, height: number, channels: number): FaceBox | null {
  const n = width * height;
  const skin = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    skin[i] = isSkin(pixels[o]!, pixels[o + 1]!, pixels[o + 2]!) ? 1 : 0;
  }
  const label = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  let best: { score: number; box: Box } | null = null;
  for (let start = 0; start < n; start++) {
    if (!skin[start] || label[start]! >= 0) continue;
    let area = 0;
    let [x0, y0, x1, y1] = [width, height, -1, -1];
    label[start] = start;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width;
      const y = (i - x) / width;
      area++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (const j of [
        x > 0 ? i - 1 : -1,
        x < width - 1 ? i + 1 : -1,
        y > 0 ? i - width : -1,
        y < height - 1 ? i + width : -1,
      ]) {
        if (j >= 0 && skin[j] && label[j]! < 0) {
          label[j] = start;
          stack.push(j);
        }
      }
    }
    if (area < n * MIN_FACE_SHARE) continue;
    // A face sits in the upper part of a portrait; of equal regions, the higher one wins.
    const score = area * (1.25 - ((y0 + y1) / 2 / height) * 0.5);
    if (!best || score > best.score) {
      // Skin below the chin (neck, arms) makes a region tall: a face is at most 1.4 times as tall as wide.
      const w = x1 - x0 + 1;
      const h = Math.min(y1 - y0 + 1, Math.ceil(w * 1.4));
      best = { score, box: { x: x0, y: y0, width: w, height: h } };
    }
  }
  if (!best) return null;
  const { x, y, width: w, height: h } = best.box;
  return { x: x / width, y: y / height, width: w / width, height: h / height };
}

export interface Placement {
  /** The part of the photo (in its pixels) that fills the box. */
  crop: { left: number; top: number; width: number; height: number };
  /** The box the photo fills on the card. */
  box: Box;
  /** The face on the card, inside `box`; null when none was found. */
  face: Box | null;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/**
 * Crops the photo to cover `box`, with the face a little above the middle and clear of everything
 * the name band (its top edge `bandTop` in card pixels, less `margin`). When the face cannot be
 * kept above it (a face low in the frame, or filling it), the box is cut off at the band, so the band sits under the photo instead of over it.
 */
export function placePhoto(
  photo: { width: number; height: number },
  face: FaceBox | null,
  box: Box,
  bandTop: number,
  margin = 16,
): Placement {
  const clearAbove = bandTop - margin;
  const scale = Math.max(box.width / photo.width, box.height / photo.height);
  const cw = Math.min(photo.width, Math.round(box.width / scale));
  const ch = Math.min(photo.height, Math.round(box.height / scale));
  if (!face) {
    const crop = {
      left: Math.round((photo.width - cw) / 2),
      top: Math.round((photo.height - ch) / 2),
      width: cw,
      height: ch,
    };
    return { crop, box, face: null };
  }
  const fx = face.x * photo.width;
  const fy = face.y * photo.height;
  const fw = face.width * photo.width;
  const fh = face.height * photo.height;
  const left = clamp(Math.round(fx + fw / 2 - cw / 2), 0, photo.width - cw);
  // The face's centre at 42% of the box, or higher if its chin would reach the band.
  const room = (clearAbove - box.y) / scale;
  let top = fy + fh / 2 - ch * 0.42;
  if (fy + fh - top > room) top = fy + fh - room;
  if (fy - top < ch * 0.04) top = fy - ch * 0.04;
  top = clamp(Math.round(top), 0, photo.height - ch);
  const onCard = {
    x: box.x + Math.max(0, (fx - left) * scale),
    y: box.y + Math.max(0, (fy - top) * scale),
    width: Math.min(fw * scale, box.width),
    height: Math.min((fy + fh - top) * scale, box.height) - Math.max(0, (fy - top) * scale),
  };
  if (onCard.y + onCard.height > clearAbove && box.y + box.height > bandTop) {
    return placePhoto(photo, face, { ...box, height: bandTop - box.y }, Infinity);
  }
  return { crop: { left, top, width: cw, height: ch }, box, face: onCard };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
