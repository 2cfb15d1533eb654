import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import {
  USABLE_FORMAT_NAMES,
  checkImageFormat,
  checkImageName,
  sniffImageFormat,
} from '../../src/lib/image-formats';

/** An ISO BMFF `ftyp` box with the given brands, as HEIC and AVIF files begin. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const brands = [major, '\0\0\0\0', ...compatible].join('');
  const size = 8 + brands.length;
  return new Uint8Array([0, 0, 0, size, ...Buffer.from(`ftyp${brands}`, 'latin1')]);
}

describe('checkImageName', () => {
  it.each([
    'photo.jpg',
    'PHOTO.JPG',
    'scan.jpeg',
    'logo.png',
    'a.webp',
    'b.avif',
    'c.gif',
    'd.tif',
    'e.TIFF',
    './images/f.jpg',
  ])('accepts %s', (name) => {
    expect(checkImageName(name)).toBeNull();
  });

  it('refuses an iPhone HEIC naming the file, what to do and the formats that work', () => {
    expect(checkImageName('./images/img-0420.heic')).toBe(
      '“img-0420.heic” is a HEIC photo (the iPhone camera format), which the website cannot use. On the iPhone, share the photo as JPEG (or set Settings, Camera, Formats to "Most Compatible"), or open it on a computer and export it as JPEG. The website can use JPEG, PNG, WebP, AVIF, GIF or TIFF images.',
    );
  });

  it.each([
    ['IMG_0001.HEIC', 'HEIC photo'],
    ['burst.heics', 'HEIC photo'],
    ['photo.heif', 'HEIF photo'],
    ['poster.psd', 'Photoshop file'],
    ['logo.svg', 'SVG drawing'],
    ['old.bmp', 'BMP picture'],
    ['favicon.ico', 'icon file'],
    ['leaflet.pdf', 'PDF document'],
    ['DSC_0001.NEF', 'camera RAW file'],
    ['IMG_1.CR2', 'camera RAW file'],
    ['scan.dng', 'camera RAW file'],
    ['new.jxl', 'JPEG XL picture'],
    ['notes.docx', '.docx file'],
    ['no-ending', 'file without a type'],
  ])('refuses %s as a %s and lists the formats that work', (name, kind) => {
    const message = checkImageName(name) ?? '';
    expect(message).toContain(`“${name}”`);
    expect(message).toContain(kind);
    expect(message).toContain(`The website can use ${USABLE_FORMAT_NAMES} images.`);
  });
});

describe('sniffImageFormat', () => {
  it('tells each usable format from its first bytes, as sharp writes them', async () => {
    const base = sharp({ create: { width: 8, height: 8, channels: 4, background: '#0b244780' } });
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff'] as const) {
      const bytes = await base.clone().toFormat(format).toBuffer();
      expect(sniffImageFormat(bytes.subarray(0, 64)), format).toBe(format);
    }
  });

  it('tells HEIC by any of its brands, and AVIF even when its major brand is mif1', () => {
    for (const brand of ['heic', 'heix', 'hevc', 'heim', 'heis']) {
      expect(sniffImageFormat(ftyp(brand, 'mif1')), brand).toBe('heic');
    }
    expect(sniffImageFormat(ftyp('mif1', 'heic'))).toBe('heic');
    expect(sniffImageFormat(ftyp('mif1', 'avif', 'miaf'))).toBe('avif');
    expect(sniffImageFormat(ftyp('mif1', 'miaf'))).toBe('heif');
    expect(sniffImageFormat(ftyp('isom', 'mp41'))).toBeNull();
  });

  it('tells the formats people send by mistake', () => {
    expect(sniffImageFormat(Buffer.from('8BPS\0\x01\0\0\0\0\0\0', 'latin1'))).toBe('psd');
    expect(sniffImageFormat(Buffer.from('BM\0\0\0\0\0\0', 'latin1'))).toBe('bmp');
    expect(sniffImageFormat(Buffer.from('%PDF-1.7\n', 'latin1'))).toBe('pdf');
    expect(sniffImageFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg">'))).toBe('svg');
    expect(sniffImageFormat(Buffer.from('  <?xml version="1.0"?><svg'))).toBe('svg');
    expect(sniffImageFormat(Buffer.from('hello, world'))).toBeNull();
    expect(sniffImageFormat(new Uint8Array(0))).toBeNull();
  });
});

describe('checkImageFormat', () => {
  it('accepts a usable format under any usable ending (a JPEG named .png builds)', () => {
    expect(checkImageFormat('a.jpg', 'jpeg')).toBeNull();
    expect(checkImageFormat('a.png', 'jpeg')).toBeNull();
    expect(checkImageFormat('a.tif', 'tiff')).toBeNull();
  });

  it('refuses a HEIC photo whose name says JPEG, saying what it really is', () => {
    expect(checkImageFormat('./images/img-0420.jpg', 'heic')).toBe(
      '“img-0420.jpg” ends in .jpg but is really a HEIC photo (the iPhone camera format), which the website cannot use. On the iPhone, share the photo as JPEG (or set Settings, Camera, Formats to "Most Compatible"), or open it on a computer and export it as JPEG. The website can use JPEG, PNG, WebP, AVIF, GIF or TIFF images.',
    );
    expect(checkImageFormat('poster.png', 'psd')).toContain('really a Photoshop file');
  });

  it('refuses a file that is no picture at all, or a damaged one', () => {
    expect(checkImageFormat('photo.jpg', null)).toContain(
      '“photo.jpg” ends in .jpg but is not a picture the website can read',
    );
  });
});
