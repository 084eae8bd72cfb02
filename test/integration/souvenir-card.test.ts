// The souvenir card, rendered for real (satori, resvg, sharp) and measured: the name band never
// covers the face, names in any of the bundled scripts stay inside their box (in the drawn
// pixels, not only in the layout's arithmetic), both sizes with and without photo and logo, the
// team colour in the frame and the photo in colour. The cards are written to test/artifacts/.
import { mkdirSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { SouvenirSize } from '../../src/domain/souvenir.js';
import { palette, parseColor, type CardData } from '../../src/souvenir/card.js';
import { isSkin, overlaps, type Box } from '../../src/souvenir/face.js';
import { missingGlyphs } from '../../src/souvenir/fonts.js';
import { prepareLogo, preparePhoto } from '../../src/souvenir/photo.js';
import { renderCard, renderSouvenir } from '../../src/souvenir/render.js';

const CARD: CardData = {
  firstName: 'Casey',
  lastName: 'Jones',
  score: 12_345,
  homeruns: 7,
  distance: 452,
  distanceUnit: 'ft',
  teamName: 'Blue Jays',
  teamColor: '#134A8E',
  showName: 'Fenway Home Run Derby',
  playedOn: 'Nov 29, 2026',
  sponsorLine: 'Presented by Acme Bank',
};
const SIZES: SouvenirSize[] = ['square', 'story'];
const FACE = '#d9a983';

/** A stand-in portrait: sky, grass, a face (skin tone) with hair, and a red shirt. */
async function portrait(o: {
  w?: number;
  h?: number;
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}): Promise<Buffer> {
  const { w = 1600, h = 1200, cx, cy, rx, ry } = o;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">` +
    `<rect width="${w}" height="${h}" fill="#5b8fc7"/><rect y="${h * 0.75}" width="${w}" height="${h * 0.25}" fill="#3a7d44"/>` +
    `<rect x="${cx - rx * 1.8}" y="${cy + ry * 0.9}" width="${rx * 3.6}" height="${h}" rx="${rx}" fill="#c8102e"/>` +
    `<ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="${FACE}"/>` +
    `<ellipse cx="${cx}" cy="${cy - ry * 0.85}" rx="${rx * 1.05}" ry="${ry * 0.4}" fill="#3b2a1e"/></svg>`;
  return preparePhoto(await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer());
}

const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160"><rect width="400" height="160" rx="24" fill="#002d72"/><circle cx="80" cy="80" r="50" fill="#ffffff"/><rect x="150" y="55" width="220" height="50" fill="#d50032"/></svg>`;

async function rgb(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const o = (Math.round(y) * info.width + Math.round(x)) * 3;
    return { r: data[o]!, g: data[o + 1]!, b: data[o + 2]! };
  };
  return { data, info, at };
}
const near = (a: { r: number; g: number; b: number }, b: { r: number; g: number; b: number }, tol = 3) =>
  Math.abs(a.r - b.r) <= tol && Math.abs(a.g - b.g) <= tol && Math.abs(a.b - b.b) <= tol;
const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });

function artifact(name: string, png: Buffer) {
  mkdirSync('test/artifacts', { recursive: true });
  writeFileSync(`test/artifacts/${name}`, png);
}

describe('the name band and the face', () => {
  const photos: Array<[string, Parameters<typeof portrait>[0]]> = [
    ['a face high in the frame', { cx: 800, cy: 380, rx: 180, ry: 230 }],
    ['a face in the middle', { cx: 800, cy: 600, rx: 200, ry: 260 }],
    ['a face low in the frame', { cx: 700, cy: 900, rx: 170, ry: 210 }],
    ['a close-up filling the frame', { cx: 800, cy: 650, rx: 520, ry: 560 }],
    ['a face at the side of a wide photo', { w: 2400, h: 1000, cx: 1900, cy: 520, rx: 150, ry: 190 }],
    ['a portrait photo', { w: 1000, h: 1500, cx: 500, cy: 700, rx: 220, ry: 280 }],
  ];

  it.each(photos)('keeps the band off the face: %s', async (_name, shape) => {
    const photo = await portrait(shape);
    for (const size of SIZES) {
      const { png, layout } = await renderCard(CARD, size, photo, null);
      expect(layout.face, size).not.toBeNull();
      expect(
        overlaps(layout.face!, layout.band),
        `${size}: face ${JSON.stringify(layout.face)} band ${JSON.stringify(layout.band)}`,
      ).toBe(false);
      // The face box is where the face is drawn: skin at its centre, in the rendered card.
      const { at } = await rgb(png);
      const c = centre(layout.face!);
      const px = at(c.x, c.y);
      expect(isSkin(px.r, px.g, px.b), `${size}: ${JSON.stringify(px)} at the face's centre`).toBe(true);
      // The band is drawn where the layout says, in its colour, between the name's lines.
      const band = palette(CARD.teamColor).band;
      expect(near(at(layout.band.x + 6, layout.band.y + layout.band.height - 4), band, 2)).toBe(true);
    }
  });

  it('crops a photo without a face around its centre', async () => {
    const plain = await preparePhoto(
      await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#2f6db5' } })
        .jpeg()
        .toBuffer(),
    );
    const { layout } = await renderCard(CARD, 'square', plain, null);
    expect(layout.face).toBeNull();
    expect(layout.crop!.left).toBe(Math.round((1600 * (1080 / 1200) - layout.crop!.width) / 2));
  });
});

describe('names fit their box', () => {
  const names: Array<[string, string, string | null]> = [
    ['short', 'Al', 'Li'],
    ['long', 'Maximiliano-Alejandro Bartholomew', 'Wolfeschlegelsteinhausenbergerdorff'],
    ['accented', 'Łukasz Ærøskøbing', 'Żółkiewski-Nguyễn Đặng'],
    ['Cyrillic', 'Александра', 'Константинопольская-Преображенская'],
    ['Greek', 'Παναγιώτης', 'Χατζηδημητρίου-Αλεξανδρόπουλος'],
    ['one endless word', 'X'.repeat(64), null],
    ['mixed scripts', 'Σοφία Ivanova', 'Иванова'],
  ];

  it.each(names)('%s: %s %s', async (_kind, firstName, lastName) => {
    const data = { ...CARD, firstName, lastName };
    const text = `${firstName} ${lastName ?? ''}`.toUpperCase();
    // Every character has a glyph in a bundled font: nothing is drawn as a box.
    expect(missingGlyphs(text)).toEqual([]);
    for (const size of SIZES) {
      const { png, layout } = await renderCard(data, size, null, null);
      const { name } = layout;
      for (const w of name.text.widths) expect(w, `${size} line width`).toBeLessThanOrEqual(name.width);
      expect(name.text.size * name.text.lineHeight * name.text.lines.length).toBeLessThanOrEqual(name.height + 1);
      expect(name.text.lines.join('').replace(/…$/, '').length).toBeGreaterThan(0);

      // In the pixels: across the band's height, nothing but the band colour left and right of
      // the name box, and the name drawn inside it.
      const { at } = await rgb(png);
      const band = palette(data.teamColor).band;
      const accent = Math.round(layout.band.height * 0.1);
      let outside = 0;
      let inside = 0;
      for (let y = layout.band.y + accent; y < layout.band.y + layout.band.height; y += 2) {
        for (let x = 0; x < layout.width; x += 2) {
          const isBand = near(at(x, y), band, 8);
          const inBox = x >= name.x - 2 && x <= name.x + name.width + 2;
          if (!inBox && !isBand) outside++;
          if (inBox && y >= name.y && y < name.y + name.height && !isBand) inside++;
        }
      }
      expect(outside, `${size}: pixels of text outside the name box`).toBe(0);
      expect(inside, `${size}: the name is drawn`).toBeGreaterThan(200);
    }
  });

  it('shrinks before it wraps, and wraps a long name onto two lines', async () => {
    const short = (await renderCard(CARD, 'square', null, null)).layout.name.text;
    expect(short.lines).toEqual(['CASEY JONES']);
    const long = (
      await renderCard(
        { ...CARD, firstName: 'Maximiliano-Alejandro', lastName: 'Bartholomew-Fitzgerald' },
        'square',
        null,
        null,
      )
    ).layout.name.text;
    expect(long.lines).toHaveLength(2);
    expect(long.size).toBeLessThan(short.size);
  });
});

describe('the card', () => {
  it('prints home runs without padding and the distance in the show unit', async () => {
    const ft = (await renderCard(CARD, 'square', null, null)).layout.stats.map((s) => s.text.lines[0]);
    expect(ft).toEqual(['12,345', '7', '452 FT']);
    const m = (await renderCard({ ...CARD, distanceUnit: 'm', homeruns: 0 }, 'square', null, null)).layout.stats;
    expect(m.map((s) => s.text.lines[0])).toEqual(['12,345', '0', '138 M']);
  });

  it('renders both sizes with and without photo and logo', async () => {
    const photo = await portrait({ cx: 800, cy: 480, rx: 200, ry: 250 });
    const logo = await prepareLogo(Buffer.from(LOGO_SVG));
    const team = parseColor(CARD.teamColor);
    const out: Record<string, Buffer> = {};
    for (const [label, p, l] of [
      ['photo', photo, logo],
      ['photo-nologo', photo, null],
      ['nophoto', null, logo],
      ['nophoto-nologo', null, null],
    ] as const) {
      const data = label.startsWith('nophoto')
        ? { ...CARD, firstName: 'Ana', lastName: 'Σαββίδου', teamName: 'Red Sox', teamColor: '#BD3039' }
        : CARD;
      const both = await renderSouvenir(data, p, l);
      for (const size of SIZES) {
        const { png, layout } = both[size];
        out[`${label}-${size}`] = png;
        const meta = await sharp(png).metadata();
        expect([meta.format, meta.width, meta.height]).toEqual(
          size === 'square' ? ['png', 1080, 1080] : ['png', 1080, 1920],
        );
        const { at } = await rgb(png);
        // The frame in the team colour, left of the photo and at the top.
        expect(near(at(6, layout.photo.y + 40), parseColor(data.teamColor))).toBe(true);
        expect(near(at(layout.width / 2, 6), parseColor(data.teamColor))).toBe(true);
        const inPhoto = at(layout.photo.x + 50, layout.photo.y + 30);
        if (p) {
          // The photo in colour: its sky is blue, not a toned grey.
          expect(inPhoto.b - inPhoto.r, JSON.stringify(inPhoto)).toBeGreaterThan(40);
        } else {
          expect(near(inPhoto, palette(data.teamColor).field, 6), JSON.stringify(inPhoto)).toBe(true);
        }
        if (l) {
          expect(layout.logo).not.toBeNull();
          // The logo's navy on its white chip.
          const inLogo = at(layout.logo!.x + layout.logo!.width / 2, layout.logo!.y + 4);
          expect(near(inLogo, { r: 0x00, g: 0x2d, b: 0x72 }, 12), JSON.stringify(inLogo)).toBe(true);
        } else expect(layout.logo).toBeNull();
      }
    }
    // The photo changes the card; the team colour is not the photo's.
    expect(team).not.toEqual(parseColor('#BD3039'));
    for (const [name, png] of Object.entries(out)) artifact(`souvenir-${name}.png`, png);
  });
});
