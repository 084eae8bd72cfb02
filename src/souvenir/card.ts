// The souvenir card's layout: one design in two sizes (the 1080×1080 square and the 1080×1920
// story), computed here as boxes and as satori element objects ({ type, props }). The photo and
// the logo are not in the element tree: the layout leaves their boxes bare and render.ts copies
// the images in after drawing, so the SVG renderer never decodes an image.
import {
  formatCount,
  formatDistance,
  SOUVENIR_SIZES,
  type DistanceUnit,
  type SouvenirSize,
} from '../domain/souvenir.js';
import { placePhoto, type Box, type FaceBox } from './face.js';
import { fitText, textWidth, type FittedText, type TextStyle } from './fit.js';
import { DISPLAY, family, TEXT } from './fonts.js';

export interface CardData {
  firstName: string;
  lastName: string | null;
  score: number;
  homeruns: number;
  /** In feet, as the game reports it; printed in `distanceUnit`. */
  distance: number;
  distanceUnit: DistanceUnit;
  teamName: string | null;
  teamColor: string | null;
  showName: string | null;
  /** The day it was played, written for the venue's time zone ("Nov 29, 2026"). */
  playedOn: string | null;
  sponsorLine: string | null;
}

export interface CardNode {
  type: string;
  props: {
    style?: Record<string, unknown>;
    children?: CardNode | string | Array<CardNode | string>;
    [k: string]: unknown;
  };
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** What render.ts knows of the images before laying out: their sizes, and the photo's face. */
export interface ImageFacts {
  photo: { width: number; height: number; face: FaceBox | null } | null;
  logo: { width: number; height: number } | null;
}

export interface FittedBox extends Box {
  text: FittedText;
}

/** Every box of a laid-out card, in card pixels: what the tests measure and render.ts composites. */
export interface CardLayout {
  size: SouvenirSize;
  width: number;
  height: number;
  /** Where the photo is drawn (or the designed field without one). */
  photo: Box;
  /** The crop of the photo that fills `photo`; null without a photo. */
  crop: { left: number; top: number; width: number; height: number } | null;
  face: Box | null;
  band: Box;
  name: FittedBox;
  showName: FittedBox;
  logo: Box | null;
  stats: FittedBox[];
  node: CardNode;
}

const NEUTRAL: Rgb = { r: 0x33, g: 0x41, b: 0x55 };
const PANEL = '#0f131a';

/** `#rgb` or `#rrggbb`; anything else is a neutral slate. */
export function parseColor(color: string | null | undefined): Rgb {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((color ?? '').trim());
  if (!m) return NEUTRAL;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return { r: parseInt(hex.slice(0, 2), 16), g: parseInt(hex.slice(2, 4), 16), b: parseInt(hex.slice(4, 6), 16) };
}

export const css = ({ r, g, b }: Rgb, a = 1) =>
  a === 1
    ? `rgb(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)})`
    : `rgba(${Math.round(r)}, ${Math.round(g)}, ${Math.round(b)}, ${a})`;
const shade = (c: Rgb, t: number): Rgb => ({ r: c.r * (1 - t), g: c.g * (1 - t), b: c.b * (1 - t) });
const tint = (c: Rgb, t: number): Rgb => ({
  r: c.r + (255 - c.r) * t,
  g: c.g + (255 - c.g) * t,
  b: c.b + (255 - c.b) * t,
});
const isLight = ({ r, g, b }: Rgb) => 0.2126 * r + 0.7152 * g + 0.0722 * b > 150;

export function palette(teamColor: string | null) {
  const team = parseColor(teamColor);
  const band = shade(team, 0.3);
  return {
    team,
    onTeam: isLight(team) ? '#10131a' : '#ffffff',
    band,
    onBand: isLight(band) ? '#10131a' : '#ffffff',
    accent: tint(team, 0.6),
    field: shade(team, 0.45),
  };
}

interface Geometry {
  frame: number;
  header: Box | null;
  photo: Box;
  band: Box;
  stats: Box;
  /** Stats side by side (square) or one per row (story). */
  statsAs: 'columns' | 'rows';
  footer: Box;
  nameSize: [max: number, min: number];
  labelSize: number;
  statSize: number;
  showSize: number;
  smallSize: number;
  logoHeight: number;
  logoMaxWidth: number;
}

// The name band overlaps the photo's foot (a lower third) unless the face is there: see placePhoto.
const GEOMETRY: Record<SouvenirSize, Geometry> = {
  square: {
    frame: 28,
    header: null,
    photo: { x: 28, y: 28, width: 1024, height: 652 },
    band: { x: 0, y: 600, width: 1080, height: 168 },
    stats: { x: 28, y: 782, width: 1024, height: 150 },
    statsAs: 'columns',
    footer: { x: 28, y: 944, width: 1024, height: 108 },
    nameSize: [96, 60],
    labelSize: 22,
    statSize: 92,
    showSize: 40,
    smallSize: 22,
    logoHeight: 64,
    logoMaxWidth: 260,
  },
  story: {
    frame: 40,
    header: { x: 40, y: 40, width: 1000, height: 160 },
    photo: { x: 40, y: 220, width: 1000, height: 1000 },
    band: { x: 0, y: 1120, width: 1080, height: 220 },
    stats: { x: 40, y: 1360, width: 1000, height: 420 },
    statsAs: 'rows',
    footer: { x: 40, y: 1796, width: 1000, height: 84 },
    nameSize: [136, 80],
    labelSize: 30,
    statSize: 116,
    showSize: 60,
    smallSize: 30,
    logoHeight: 104,
    logoMaxWidth: 360,
  },
};

const NAME: TextStyle = { families: DISPLAY, weight: 700, tracking: 0.01, lineHeight: 1.05 };
const STAT: TextStyle = { families: DISPLAY, weight: 700, tracking: 0, lineHeight: 1.1 };
const LABEL: TextStyle = { families: TEXT, weight: 600, tracking: 0.16, lineHeight: 1.2 };
const UNIT: TextStyle = { families: TEXT, weight: 600, tracking: 0.08, lineHeight: 1 };
const SMALL: TextStyle = { families: TEXT, weight: 600, tracking: 0.04, lineHeight: 1.25 };

function el(type: string, style: Record<string, unknown>, children?: CardNode['props']['children']): CardNode {
  return {
    type,
    props: {
      style: { display: 'flex', boxSizing: 'border-box', ...style },
      ...(children !== undefined ? { children } : {}),
    },
  };
}

const at = (b: Box) => ({ position: 'absolute', left: b.x, top: b.y, width: b.width, height: b.height });

/** A fitted text as one absolutely placed line per line, so satori cannot wrap it differently. */
function textLines(
  box: Box,
  fitted: FittedText,
  style: TextStyle,
  color: string,
  align: 'left' | 'center' | 'right' = 'left',
  valign: 'top' | 'center' | 'bottom' = 'center',
): CardNode[] {
  const lineBox = fitted.size * fitted.lineHeight;
  const total = lineBox * fitted.lines.length;
  const top = box.y + (valign === 'top' ? 0 : valign === 'bottom' ? box.height - total : (box.height - total) / 2);
  return fitted.lines.map((line, i) =>
    el(
      'div',
      {
        position: 'absolute',
        left: box.x,
        top: Math.round(top + i * lineBox),
        width: box.width,
        height: Math.ceil(lineBox),
        alignItems: 'center',
        justifyContent: align === 'left' ? 'flex-start' : align === 'right' ? 'flex-end' : 'center',
        fontFamily: family(style.families),
        fontWeight: style.weight,
        fontSize: fitted.size,
        lineHeight: fitted.lineHeight,
        letterSpacing: (style.tracking ?? 0) * fitted.size,
        color,
        whiteSpace: 'nowrap',
      },
      line,
    ),
  );
}

function fitted(
  text: string,
  box: Box,
  style: TextStyle,
  maxSize: number,
  minSize = maxSize * 0.6,
  maxLines: 1 | 2 = 1,
  floorSize = Math.min(minSize, 18),
): FittedBox {
  return {
    ...box,
    text: fitText(text, {
      ...style,
      width: box.width,
      height: box.height,
      maxSize,
      minSize,
      floorSize,
      maxLines,
    }),
  };
}

/** Capitals as set in print: Greek capitals drop their accent (tonos), as the Greek of a sign does. */
export function capitals(text: string): string {
  return text
    .toUpperCase()
    .normalize('NFD')
    .replace(/([\u0391-\u03a9])\u0301/g, '$1')
    .normalize('NFC');
}

/** A unit is set at this share of its number's size, after a thin space. */
const UNIT_SCALE = 0.42;
const UNIT_GAP = 0.12;

/** A number with its unit ("452 FT"), the unit smaller: sized so that both fit the box together. */
function withUnit(value: string, unit: string, box: Box, maxSize: number): FittedBox {
  const perPx = textWidth(value, 1, STAT) + UNIT_GAP + textWidth(unit, 1, UNIT) * UNIT_SCALE;
  const size = Math.floor(Math.min(maxSize, (box.width * 0.96) / perPx, box.height / STAT.lineHeight!));
  return {
    ...box,
    text: { lines: [`${value} ${unit}`], size, widths: [perPx * size], lineHeight: STAT.lineHeight! },
  };
}

function valueWithUnit(fit: FittedBox, value: string, unit: string, align: 'center' | 'right', unitColor: string) {
  const { size, lineHeight } = fit.text;
  const lineBox = size * lineHeight;
  return el(
    'div',
    {
      position: 'absolute',
      left: fit.x,
      top: Math.round(fit.y + (fit.height - lineBox) / 2),
      width: fit.width,
      height: Math.ceil(lineBox),
      alignItems: 'flex-end',
      justifyContent: align === 'right' ? 'flex-end' : 'center',
      whiteSpace: 'nowrap',
    },
    [
      el(
        'div',
        { fontFamily: family(STAT.families), fontWeight: STAT.weight, fontSize: size, lineHeight, color: '#ffffff' },
        value,
      ),
      el(
        'div',
        {
          fontFamily: family(UNIT.families),
          fontWeight: UNIT.weight,
          fontSize: Math.round(size * UNIT_SCALE),
          lineHeight: 1,
          marginLeft: Math.round(size * UNIT_GAP),
          // The unit's foot on the number's baseline, roughly: Oswald's descent below it is a fifth of the line.
          marginBottom: Math.round(size * 0.155),
          letterSpacing: Math.round(size * UNIT_SCALE * 0.08),
          color: unitColor,
        },
        unit,
      ),
    ],
  );
}

function initials(first: string, last: string | null): string {
  const letters = [first, last ?? ''].map((w) => [...w.trim()][0] ?? '').join('');
  return capitals(letters) || '★';
}

export function layoutCard(data: CardData, size: SouvenirSize, images: ImageFacts): CardLayout {
  const g = GEOMETRY[size];
  const { width: W, height: H } = SOUVENIR_SIZES[size];
  const colours = palette(data.teamColor);
  const nodes: CardNode[] = [];

  // The photo first: its box decides where the frame shows.
  let photo = g.photo;
  let crop: CardLayout['crop'] = null;
  let face: Box | null = null;
  if (images.photo) {
    const placed = placePhoto(images.photo, images.photo.face, g.photo, g.band.y);
    ({ box: photo, face } = placed);
    crop = placed.crop;
  }
  const below = photo.y + photo.height;
  // The frame in the team colour around a transparent hole that the photo fills.
  nodes.push(
    el('div', { ...at({ x: 0, y: 0, width: W, height: photo.y }), backgroundColor: css(colours.team) }),
    el('div', {
      ...at({ x: 0, y: photo.y, width: photo.x, height: photo.height }),
      backgroundColor: css(colours.team),
    }),
    el('div', {
      ...at({ x: photo.x + photo.width, y: photo.y, width: W - photo.x - photo.width, height: photo.height }),
      backgroundColor: css(colours.team),
    }),
    el('div', { ...at({ x: 0, y: below, width: W, height: H - below }), backgroundColor: css(colours.team) }),
    el('div', {
      ...at({ x: g.frame, y: g.band.y, width: W - 2 * g.frame, height: H - g.frame - g.band.y }),
      backgroundColor: PANEL,
    }),
  );
  if (!images.photo) {
    // No photo: a designed field, the player's initials large in the team's colours.
    const mono = initials(data.firstName, data.lastName);
    const monoBox = { x: photo.x, y: photo.y, width: photo.width, height: g.band.y - photo.y };
    // Pinstripes, as on a home jersey.
    const stripes = Array.from({ length: Math.floor(photo.width / 56) }, (_, i) =>
      el('div', {
        ...at({ x: photo.x + 28 + i * 56, y: photo.y, width: 3, height: g.band.y - photo.y }),
        backgroundColor: 'rgba(255, 255, 255, 0.07)',
      }),
    );
    nodes.push(
      el('div', { ...at(photo), backgroundColor: css(colours.field) }),
      ...stripes,
      ...textLines(
        monoBox,
        fitted(mono, monoBox, { ...NAME, lineHeight: 1 }, Math.round(monoBox.height * 0.9), 80).text,
        NAME,
        css(tint(colours.team, 0.3), 0.5),
        'center',
      ),
    );
  }

  // The name band: the team on a small line, the name large (shrunk, then wrapped).
  const band = g.band;
  const padX = g.frame + Math.round(g.labelSize * 1.6);
  const accent = Math.round(g.frame / 4);
  const labelBox = {
    x: padX,
    y: band.y + accent + Math.round(g.labelSize * 0.7),
    width: W - 2 * padX,
    height: Math.round(g.labelSize * LABEL.lineHeight!),
  };
  const nameBox = {
    x: padX,
    y: labelBox.y + labelBox.height + Math.round(g.labelSize * 0.2),
    width: W - 2 * padX,
    height:
      band.y +
      band.height -
      Math.round(g.labelSize * 0.7) -
      (labelBox.y + labelBox.height + Math.round(g.labelSize * 0.2)),
  };
  const fullName =
    [data.firstName, data.lastName ?? '']
      .map((s) => s.trim())
      .filter(Boolean)
      .join(' ') || '?';
  // Below half the one-line minimum a name would not read from arm's length: it is cut instead.
  const name = fitted(capitals(fullName), nameBox, NAME, g.nameSize[0], g.nameSize[1], 2, g.nameSize[1] / 2);
  const team = fitted(capitals(data.teamName ?? 'Home Run Derby'), labelBox, LABEL, g.labelSize, g.labelSize * 0.7);
  nodes.push(
    el('div', { ...at(band), backgroundColor: css(colours.band) }),
    el('div', { ...at({ x: 0, y: band.y, width: W, height: accent }), backgroundColor: css(colours.accent) }),
    ...textLines(labelBox, team.text, LABEL, css(colours.accent)),
    ...textLines(nameBox, name.text, NAME, colours.onBand, 'left', name.text.lines.length > 1 ? 'center' : 'bottom'),
  );

  // The results.
  const distance = formatDistance(data.distance, data.distanceUnit);
  const results: Array<[string, string, string | null]> = [
    ['SCORE', formatCount(data.score), null],
    ['HOME RUNS', formatCount(data.homeruns), null],
    ['DISTANCE', distance.value, distance.unit],
  ];
  const stats: FittedBox[] = [];
  results.forEach(([label, value, unit], i) => {
    let labelAt: Box;
    let valueAt: Box;
    let align: 'center' | 'right';
    if (g.statsAs === 'columns') {
      const w = g.stats.width / 3;
      const x = Math.round(g.stats.x + i * w);
      labelAt = { x, y: g.stats.y, width: Math.round(w), height: Math.round(g.labelSize * 1.4) };
      valueAt = {
        x: x + 16,
        y: labelAt.y + labelAt.height,
        width: Math.round(w) - 32,
        height: g.stats.height - labelAt.height,
      };
      align = 'center';
      if (i > 0)
        nodes.push(
          el('div', {
            ...at({ x: x - 1, y: g.stats.y + 8, width: 2, height: g.stats.height - 16 }),
            backgroundColor: 'rgba(255, 255, 255, 0.14)',
          }),
        );
    } else {
      const h = g.stats.height / 3;
      const y = Math.round(g.stats.y + i * h);
      labelAt = { x: g.stats.x + 40, y, width: 360, height: Math.round(h) };
      valueAt = { x: g.stats.x + 400, y, width: g.stats.width - 440, height: Math.round(h) };
      align = 'right';
      if (i > 0)
        nodes.push(
          el('div', {
            ...at({ x: g.stats.x + 40, y: y - 1, width: g.stats.width - 80, height: 2 }),
            backgroundColor: 'rgba(255, 255, 255, 0.14)',
          }),
        );
    }
    const fit = unit
      ? withUnit(value, unit, valueAt, g.statSize)
      : fitted(value, valueAt, STAT, g.statSize, g.statSize * 0.45);
    stats.push(fit);
    nodes.push(
      ...textLines(
        labelAt,
        fitted(label, labelAt, LABEL, g.labelSize, g.labelSize * 0.7).text,
        LABEL,
        css(colours.accent),
        g.statsAs === 'columns' ? 'center' : 'left',
      ),
      ...(unit
        ? [valueWithUnit(fit, value, unit, align, css(colours.accent))]
        : textLines(valueAt, fit.text, STAT, '#ffffff', align)),
    );
  });

  // The show, the day and the sponsor; the logo on a white chip (any logo reads on it).
  const where = g.header ?? g.footer;
  let logo: Box | null = null;
  let textWidth = where.width - (g.header ? 0 : 40);
  if (images.logo) {
    const aspect = images.logo.width / Math.max(images.logo.height, 1);
    const lw = Math.round(Math.min(g.logoMaxWidth, g.logoHeight * aspect));
    const lh = Math.round(Math.min(g.logoHeight, lw / aspect));
    const pad = Math.round(g.logoHeight * 0.18);
    const chip = {
      x: where.x + where.width - lw - 2 * pad - (g.header ? 0 : 24),
      y: Math.round(where.y + (where.height - lh - 2 * pad) / 2),
      width: lw + 2 * pad,
      height: lh + 2 * pad,
    };
    logo = { x: chip.x + pad, y: chip.y + pad, width: lw, height: lh };
    nodes.push(el('div', { ...at(chip), backgroundColor: '#ffffff', borderRadius: pad }));
    textWidth = chip.x - where.x - 32;
  }
  const onWhere = g.header ? colours.onTeam : '#ffffff';
  const textX = where.x + (g.header ? 0 : 24);
  const showBox = {
    x: textX,
    y: where.y + Math.round(where.height * 0.08),
    width: textWidth,
    height: Math.round(g.showSize * 1.2),
  };
  const showName = fitted(capitals(data.showName ?? 'MLB Home Run Derby'), showBox, NAME, g.showSize, g.showSize * 0.6);
  const details = [data.playedOn, g.header ? null : data.sponsorLine].filter(Boolean).join('  ·  ');
  const detailBox = {
    x: textX,
    y: showBox.y + showBox.height + 4,
    width: textWidth,
    height: Math.round(g.smallSize * 1.3),
  };
  nodes.push(...textLines(showBox, showName.text, NAME, onWhere));
  if (details)
    nodes.push(
      ...textLines(
        detailBox,
        fitted(details, detailBox, SMALL, g.smallSize, g.smallSize * 0.7).text,
        SMALL,
        g.header ? onWhere : css(colours.accent),
      ),
    );
  if (g.header && data.sponsorLine) {
    const sponsorBox = { ...g.footer };
    nodes.push(
      ...textLines(
        sponsorBox,
        fitted(data.sponsorLine, sponsorBox, SMALL, g.smallSize, g.smallSize * 0.7).text,
        SMALL,
        css(colours.accent),
        'center',
      ),
    );
  }

  const node = el('div', { position: 'relative', width: W, height: H }, nodes);
  return { size, width: W, height: H, photo, crop, face, band, name, showName, logo, stats, node };
}
