import QRCode from 'qrcode';

// Upstream shows an invitation with a QR code of its accept link, for a phone to open it.
// The mirror draws it as SVG (text, no image library), in a data URI an <img> takes as is.

/** The QR code of `url` as `data:image/svg+xml;base64,…`; '' when there is no link to encode. */
export async function qrCodeOf(url: string): Promise<string> {
  if (!url) return '';
  const svg = await QRCode.toString(url, { type: 'svg' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
