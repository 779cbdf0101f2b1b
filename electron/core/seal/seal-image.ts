/**
 * The visible red round seal (公章 style), drawn at run time as SVG: a red ring, a five-pointed
 * star in the middle, the company name running clockwise along the upper arc and a short caption
 * under the star. pdfmake draws the SVG (svg-to-pdfkit) with the report's embedded CJK font;
 * browsers draw the same markup in the UI.
 */

export interface SealImageOptions {
  companyName: string;
  /** Text under the star, e.g. 财务专用章 or 电子签章. */
  caption?: string;
  /** Font family the text asks for; must be registered with the PDF renderer. */
  fontFamily?: string;
  /** Outer diameter in SVG user units (points when drawn by pdfmake). */
  sizePoints?: number;
  color?: string;
}

export const SEAL_RED = '#d42020';
export const SEAL_FONT_FAMILY = 'NotoSansSC';

const VIEW_BOX_SIZE = 200;
const CENTER = VIEW_BOX_SIZE / 2;
const RING_RADIUS = 92;
const RING_WIDTH = 6;
const NAME_RADIUS = 68;
/** The name spans at most this arc (degrees), centred on the top. */
const NAME_ARC_DEGREES_MAX = 215;

export function createSealSvg(options: SealImageOptions): string {
  const color = options.color ?? SEAL_RED;
  const fontFamily = options.fontFamily ?? SEAL_FONT_FAMILY;
  const size = options.sizePoints ?? 120;
  const characters = Array.from(options.companyName.trim());
  if (characters.length === 0) throw new RangeError('seal needs a company name');

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${VIEW_BOX_SIZE} ${VIEW_BOX_SIZE}">`,
    `<circle cx="${CENTER}" cy="${CENTER}" r="${RING_RADIUS}" fill="none" stroke="${color}" stroke-width="${RING_WIDTH}"/>`,
    `<polygon points="${starPoints(CENTER, CENTER, 28, 11)}" fill="${color}"/>`,
    ...nameAlongArc(characters, color, fontFamily),
  ];
  if (options.caption) {
    parts.push(
      `<text x="${CENTER}" y="${CENTER + 50}" font-family="${fontFamily}" font-size="15" fill="${color}" text-anchor="middle">${escapeXml(options.caption)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Each character placed and rotated on its own, so no textPath support is needed. */
function nameAlongArc(characters: string[], color: string, fontFamily: string): string[] {
  const stepDegrees = Math.min(28, NAME_ARC_DEGREES_MAX / Math.max(1, characters.length - 1));
  const fontSize = Math.min(26, Math.max(12, (stepDegrees / 28) * 26));
  const startDegrees = -((characters.length - 1) * stepDegrees) / 2;
  return characters.map((character, index) => {
    // 0 degrees is straight up; positive runs clockwise.
    const degrees = startDegrees + index * stepDegrees;
    const radians = (degrees * Math.PI) / 180;
    const x = CENTER + NAME_RADIUS * Math.sin(radians);
    const y = CENTER - NAME_RADIUS * Math.cos(radians);
    return (
      `<text x="${svgNumber(x)}" y="${svgNumber(y)}" font-family="${fontFamily}" font-size="${svgNumber(fontSize)}" ` +
      `fill="${color}" text-anchor="middle" dominant-baseline="central" ` +
      `transform="rotate(${svgNumber(degrees)} ${svgNumber(x)} ${svgNumber(y)})">${escapeXml(character)}</text>`
    );
  });
}

function starPoints(centerX: number, centerY: number, outerRadius: number, innerRadius: number): string {
  const points: string[] = [];
  for (let index = 0; index < 10; index += 1) {
    const radius = index % 2 === 0 ? outerRadius : innerRadius;
    const radians = (index * Math.PI) / 5;
    points.push(`${svgNumber(centerX + radius * Math.sin(radians))},${svgNumber(centerY - radius * Math.cos(radians))}`);
  }
  return points.join(' ');
}

/** Geometry (never money): two decimals keep the markup short. */
export function svgNumber(value: number): string {
  return value.toFixed(2);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
