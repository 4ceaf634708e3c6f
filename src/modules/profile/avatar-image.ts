import { invalidField } from '../../shared/errors.js';

// Upstream accepts square PNG, JPEG or GIF avatars of at least 16 pixels. The size is read
// from the image header, so a file that only claims to be an image is refused.

export interface Image {
  mime: 'image/png' | 'image/jpeg' | 'image/gif';
  bytes: Buffer;
  width: number;
  height: number;
}

type Size = { width: number; height: number } | undefined;

function pngSize(b: Buffer): Size {
  if (b.length < 24 || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

function gifSize(b: Buffer): Size {
  return b.length < 10 ? undefined : { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

function jpegSize(b: Buffer): Size {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1];
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + b.readUInt16BE(i + 2);
  }
  return undefined;
}

function sniff(b: Buffer): { mime: Image['mime']; size: Size } | undefined {
  if (b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return { mime: 'image/png', size: pngSize(b) };
  if (b[0] === 0xff && b[1] === 0xd8) return { mime: 'image/jpeg', size: jpegSize(b) };
  const head = b.toString('latin1', 0, 6);
  if (head === 'GIF87a' || head === 'GIF89a') return { mime: 'image/gif', size: gifSize(b) };
  return undefined;
}

export function decodeAvatar(input: string): Image {
  const base64 = input.replace(/^data:image\/[a-z+]+;base64,/i, '');
  if (!/^[A-Za-z0-9+/=\s_-]+$/.test(base64))
    throw invalidField('avatar', 'base64', 'The avatar must be base64-encoded');
  const bytes = Buffer.from(base64, 'base64');
  const found = sniff(bytes);
  if (!found)
    throw invalidField('avatar', 'mimes', 'The avatar must be a PNG, JPEG or GIF image', ['png', 'jpeg', 'gif']);
  if (!found.size) throw invalidField('avatar', 'image', 'The avatar image is damaged');
  const { width, height } = found.size;
  if (width !== height)
    throw invalidField('avatar', 'dimensions', `The avatar must be square (got ${width}×${height})`);
  if (width < 16) throw invalidField('avatar', 'dimensions', 'The avatar must be at least 16×16 pixels');
  return { mime: found.mime, bytes, width, height };
}

/** The avatar shown when none was uploaded: the initials on a colour derived from the id. */
export function defaultAvatarSvg(userId: number, firstName: string, lastName: string): string {
  const initials = `${firstName.charAt(0)}${lastName.charAt(0)}`.toUpperCase().replace(/[<>&"']/g, '');
  const hue = (userId * 47) % 360;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">` +
    `<rect width="128" height="128" fill="hsl(${hue},55%,45%)"/>` +
    `<text x="64" y="64" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="52" fill="#fff">${initials}</text></svg>`
  );
}
