/**
 * Draws the hero images of the sample news articles as SVG and writes them as
 * 1600x900 JPEGs beside the entries (content/news/images/). Run again after
 * changing a drawing: `npx tsx scripts/make-images.ts`.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const WIDTH = 1600;
const HEIGHT = 900;
const outDir = path.resolve(import.meta.dirname, '../content/news/images');

const navy = '#0b2545';
const blue = '#13315c';
const steel = '#8da9c4';
const mist = '#eef4ed';
const gold = '#e0a526';

/** Wraps drawing elements in an SVG document with a vertical background gradient. */
function frame(top: string, bottom: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0.4" y2="1">
      <stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/>
    </linearGradient>
  </defs>
  <rect width="${WIDTH}" height="${HEIGHT}" fill="url(#bg)"/>
  ${body}
</svg>`;
}

/** Rising bars behind a custodian helmet: assaults on officers going up year on year. */
function drawHelmet(): string {
  const bars = [180, 230, 290, 340, 420, 500, 590]
    .map(
      (h, i) =>
        `<rect x="${90 + i * 95}" y="${820 - h}" width="62" height="${h}" rx="6" fill="${steel}" opacity="${0.18 + i * 0.07}"/>`,
    )
    .join('');
  return frame(
    navy,
    blue,
    `${bars}
  <line x1="60" y1="822" x2="1540" y2="822" stroke="${steel}" stroke-width="4" opacity="0.5"/>
  <g transform="translate(1050 120)">
    <path d="M40 600 C 40 380, 80 170, 190 90 C 215 70, 245 70, 270 90 C 380 170, 420 380, 420 600 Z" fill="#061a33"/>
    <rect x="212" y="20" width="36" height="80" rx="14" fill="#061a33"/>
    <circle cx="230" cy="18" r="26" fill="#061a33"/>
    <path d="M0 600 Q 230 650 460 600 L 460 640 Q 230 690 0 640 Z" fill="#061a33"/>
    <path d="M230 90 L 230 560" stroke="${steel}" stroke-width="6" opacity="0.35"/>
    <g transform="translate(230 380)">
      <polygon points="0,-92 22,-30 88,-30 35,10 55,75 0,36 -55,75 -35,10 -88,-30 -22,-30" fill="${gold}"/>
      <circle r="34" fill="#061a33"/>
      <circle r="22" fill="${gold}" opacity="0.85"/>
    </g>
  </g>`,
  );
}

/** A warrant card held under a padlock, with faint data blocks behind: the supplier breach. */
function drawPadlockCard(): string {
  const cells = Array.from({ length: 120 }, (_, i) => {
    const x = 60 + (i % 15) * 62;
    const y = 70 + Math.floor(i / 15) * 98;
    const w = 20 + ((i * 37) % 30);
    return `<rect x="${x}" y="${y}" width="${w}" height="14" rx="7" fill="${steel}" opacity="${0.08 + ((i * 13) % 10) / 60}"/>`;
  }).join('');
  return frame(
    '#102a43',
    navy,
    `${cells}
  <g transform="translate(760 250) rotate(-6)">
    <rect width="560" height="350" rx="28" fill="${mist}"/>
    <rect width="560" height="78" rx="28" fill="${blue}"/>
    <rect y="50" width="560" height="28" fill="${blue}"/>
    <rect x="40" y="118" width="150" height="186" rx="12" fill="${steel}"/>
    <circle cx="115" cy="190" r="42" fill="${mist}" opacity="0.8"/>
    <path d="M55 300 Q 115 220 175 300 Z" fill="${mist}" opacity="0.8"/>
    <rect x="230" y="130" width="270" height="22" rx="11" fill="${blue}" opacity="0.7"/>
    <rect x="230" y="180" width="210" height="18" rx="9" fill="${steel}"/>
    <rect x="230" y="222" width="240" height="18" rx="9" fill="${steel}"/>
    <rect x="230" y="264" width="160" height="18" rx="9" fill="${steel}"/>
  </g>
  <g transform="translate(1180 470)">
    <path d="M40 120 V 60 A 90 90 0 0 1 220 60 V 120" fill="none" stroke="${gold}" stroke-width="38" stroke-linecap="round"/>
    <rect x="0" y="110" width="260" height="220" rx="30" fill="${gold}"/>
    <circle cx="130" cy="200" r="28" fill="${navy}"/>
    <rect x="116" y="210" width="28" height="70" rx="12" fill="${navy}"/>
  </g>`,
  );
}

/** Target rings and radio waves: armed officers and the calls they answer. */
function drawTarget(): string {
  const rings = [330, 260, 190, 120, 50]
    .map(
      (r, i) =>
        `<circle cx="520" cy="450" r="${r}" fill="none" stroke="${i % 2 ? gold : steel}" stroke-width="${i === 4 ? 50 : 22}" opacity="${0.55 + i * 0.1}"/>`,
    )
    .join('');
  // Arcs opening to the right of the radio's aerial.
  const waves = [80, 150, 220]
    .map((r, i) => {
      const x = 1300 + r * 0.64;
      return `<path d="M ${x} ${300 - r * 0.77} A ${r} ${r} 0 0 1 ${x} ${300 + r * 0.77}" fill="none" stroke="${mist}" stroke-width="16" stroke-linecap="round" opacity="${0.8 - i * 0.2}"/>`;
    })
    .join('');
  return frame(
    '#061a33',
    blue,
    `${rings}
  <line x1="520" y1="60" x2="520" y2="840" stroke="${mist}" stroke-width="4" opacity="0.35"/>
  <line x1="130" y1="450" x2="910" y2="450" stroke="${mist}" stroke-width="4" opacity="0.35"/>
  ${waves}
  <g transform="translate(1080 300)">
    <rect x="40" y="-90" width="26" height="120" rx="10" fill="${steel}"/>
    <rect width="200" height="320" rx="36" fill="${steel}"/>
    <rect x="34" y="40" width="132" height="90" rx="12" fill="${navy}"/>
    <circle cx="70" cy="200" r="18" fill="${navy}"/><circle cx="130" cy="200" r="18" fill="${navy}"/>
    <circle cx="70" cy="260" r="18" fill="${navy}"/><circle cx="130" cy="260" r="18" fill="${navy}"/>
  </g>`,
  );
}

/** A London skyline at dawn under a shield: the members section reopening. */
function drawSkyline(): string {
  const windows = Array.from({ length: 40 }, (_, i) => {
    const x = 90 + ((i * 149) % 1420);
    const y = 700 + ((i * 53) % 140);
    return `<rect x="${x}" y="${y}" width="14" height="20" fill="${gold}" opacity="0.55"/>`;
  }).join('');
  return frame(
    '#f4c27a',
    '#1d3f6e',
    `<circle cx="1160" cy="560" r="170" fill="#ffe3a3" opacity="0.7"/>
  <path d="M0 900 V 690 H 80 V 640 H 150 V 700 H 210 V 600 H 260 V 700
    L 300 700 L 300 470 L 312 430 L 324 470 L 324 700
    H 380 V 620 H 450 V 560 H 520 V 680 H 590
    Q 590 560 690 540 Q 790 560 790 680 H 860 V 610 H 930 V 700
    L 1010 700 L 1090 300 L 1170 700
    H 1230 V 640 Q 1230 520 1290 480 Q 1350 520 1350 640 V 700
    H 1420 V 620 H 1500 V 690 H 1600 V 900 Z" fill="${navy}"/>
  <rect x="678" y="500" width="24" height="50" fill="${navy}"/>
  ${windows}
  <g transform="translate(560 90)">
    <path d="M130 0 L 260 50 V 170 C 260 260, 200 320, 130 350 C 60 320, 0 260, 0 170 V 50 Z" fill="${navy}" opacity="0.92"/>
    <path d="M130 40 L 225 76 V 170 C 225 240, 180 290, 130 312 C 80 290, 35 240, 35 170 V 76 Z" fill="none" stroke="${gold}" stroke-width="10"/>
    <path d="M85 180 L 120 215 L 185 140" fill="none" stroke="${mist}" stroke-width="22" stroke-linecap="round" stroke-linejoin="round"/>
  </g>`,
  );
}

/** A claim form beside a shield with a balance: the data breach claims process. */
function drawClaimForm(): string {
  const lines = [0, 1, 2, 3, 4]
    .map(
      (
        i,
      ) => `<rect x="110" y="${190 + i * 70}" width="36" height="36" rx="8" fill="none" stroke="${blue}" stroke-width="6"/>
    <rect x="170" y="${198 + i * 70}" width="${220 - (i % 3) * 40}" height="20" rx="10" fill="${steel}"/>`,
    )
    .join('');
  const ticks = [0, 1, 3]
    .map(
      (i) =>
        `<path d="M116 ${208 + i * 70} L 126 ${218 + i * 70} L 142 ${196 + i * 70}" fill="none" stroke="${gold}" stroke-width="7" stroke-linecap="round"/>`,
    )
    .join('');
  return frame(
    blue,
    '#061a33',
    `<g transform="translate(240 130) rotate(-4)">
    <rect width="500" height="640" rx="24" fill="${mist}"/>
    <rect x="60" y="70" width="300" height="32" rx="16" fill="${blue}"/>
    ${lines}${ticks}
  </g>
  <g transform="translate(930 150)">
    <path d="M210 0 L 420 80 V 280 C 420 430, 320 530, 210 580 C 100 530, 0 430, 0 280 V 80 Z" fill="${steel}" opacity="0.25"/>
    <line x1="210" y1="120" x2="210" y2="450" stroke="${gold}" stroke-width="14" stroke-linecap="round"/>
    <line x1="90" y1="180" x2="330" y2="180" stroke="${gold}" stroke-width="12" stroke-linecap="round"/>
    <path d="M90 180 L 50 300 H 130 Z M330 180 L 290 300 H 370 Z" fill="none" stroke="${mist}" stroke-width="8" stroke-linejoin="round"/>
    <path d="M40 300 Q 90 350 140 300 Z M280 300 Q 330 350 380 300 Z" fill="${mist}"/>
    <rect x="150" y="450" width="120" height="24" rx="12" fill="${gold}"/>
  </g>`,
  );
}

const images: Record<string, () => string> = {
  'assaults-rising.jpg': drawHelmet,
  'warrant-card-breach.jpg': drawPadlockCard,
  'firearms-authorisations.jpg': drawTarget,
  'members-section-relaunch.jpg': drawSkyline,
  'breach-claims-process.jpg': drawClaimForm,
};

/** Renders every drawing to a JPEG and reports its size. */
async function makeImages(): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const [file, draw] of Object.entries(images)) {
    const info = await sharp(Buffer.from(draw()))
      .jpeg({ quality: 80, mozjpeg: true })
      .toFile(path.join(outDir, file));
    console.log(`${file}: ${info.width}x${info.height}, ${Math.round(info.size / 1024)} KB`);
  }
}

await makeImages();
