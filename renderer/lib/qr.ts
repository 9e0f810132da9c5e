// The QR code of a payment URL, drawn here from the URL the gateway returned: as an SVG in a
// data: URL (the CSP allows img-src data:), sharp at any size on the till and the customer display.
import QRCode from 'qrcode';

/** QR URLs longer than this are refused rather than drawn as an unscannable dense code. */
export const MAX_QR_TEXT_CHARS = 1024;

export async function qrDataUrl(text: string): Promise<string> {
  if (text.length === 0 || text.length > MAX_QR_TEXT_CHARS) throw new Error(`QR text must be 1–${MAX_QR_TEXT_CHARS} characters, got ${text.length}`);
  // Level M survives a scratched or glaring screen; the 4-module quiet zone is what phones expect.
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, color: { dark: '#000000', light: '#ffffff' } });
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
