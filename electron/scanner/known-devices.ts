// Scan guns we recognise by their USB vendor/product ids, to fill `knownScanner` in the port list
// and to pick a port automatically (`auto: true`).
//
// Only ports that the OS offers as *serial* ports are ever looked up here (SerialPort.list()), so a
// scan gun in USB keyboard (HID) mode never shows up: it types into the window (renderer wedge).
// That is why a whole vendor can be matched: a serial port whose vendor makes nothing but scanners
// is a scanner in its "USB COM / CDC" mode. Exact vendor+product entries come first and give the
// model name; the vendor-level entry (productId null) catches the other models of that vendor.
//
// Deliberately NOT here: generic USB-to-serial bridges (WCH CH340 1a86:7523, Prolific PL2303
// 067b:2303, FTDI 0403:6001, Silicon Labs CP210x 10c4:ea60). Cheap guns and RS-232 cables use them,
// but so do receipt printers, scales and cash drawers: auto-pick must never open one of those and
// swallow its bytes. A gun behind such a bridge is configured by its path.
//
// Sources (each row names one):
//  [usb.ids]   The USB ID Repository (linux-usb.org), Debian package usb.ids 2025.07.26.
//  [newland]   Newland integration guides (e.g. NLS-FM420): "The Newland vendor ID (VID) is 1EAB";
//              PID = base of the product family + interface type (…03 HID keyboard, …06 USB CDC
//              serial, …10 HID POS), which the usb.ids rows below confirm family by family.
//  [quicktill] sde1000/quicktill-serial-barcode-bridge, 60-serial-barcode-scanner.rules (udev rules
//              for USB CDC barcode scanners at a till; Netum's "BLMicroelectronics Virtual COM Port").
//  [symbol-h]  Dar-Ko/babylonlib UsbVid05E0.h, citing the Symbol MS4404/MS4407 Integration Guide 9-3
//              ("configured for Simple COM Port Emulation").
//  [pnp-id]    A public Windows till app's device id `USBCDCACM\VID_0C2E&PID_092A` named "Xenon 1902
//              Wireless Area-Imaging Scanner (COM34)" (Honeywell USB serial emulation).

export interface KnownScanner {
  /** 4 lower-case hex digits. */
  vendorId: string;
  /** 4 lower-case hex digits, or null: any product of this vendor (a scanner-only vendor). */
  productId: string | null;
  /** Shown in Settings next to the port. */
  name: string;
  source: 'usb.ids' | 'newland' | 'quicktill' | 'symbol-h' | 'pnp-id';
}

const row = (vendorId: string, productId: string | null, name: string, source: KnownScanner['source']): KnownScanner => ({
  vendorId,
  productId,
  name,
  source,
});

/** Newland families whose USB CDC serial PID (…06) is listed in usb.ids. */
const NEWLAND_CDC: ReadonlyArray<[string, string]> = [
  ['0106', 'HR200'],
  ['0c06', 'HR100 / HR3260 / HR3290 cordless / BS80'],
  ['0d06', 'EM2028 / FM420'],
  ['1306', 'EM30xx / EM20xx / HR3260 corded / HR200C'],
  ['1406', 'HR15'],
  ['1606', 'FM100-M / 3250'],
  ['1906', 'EM1300'],
  ['1a06', 'HR3290 corded / HR22'],
  ['1c06', 'HR2150'],
  ['1d06', 'FM430'],
  ['1e06', 'HR42'],
  ['1f06', 'HR11+'],
  ['2006', 'EM2037v2'],
  ['8006', 'EM13x5-LD / HR15-70 / HR100-70 / HR12 / HR1150-70'],
  ['8206', 'EM3080-01 / EM3095 / FR20 / FM30'],
  ['8306', 'HR2160'],
];

export const KNOWN_SCANNERS: readonly KnownScanner[] = Object.freeze([
  // --- Honeywell (Metrologic's VID 0c2e and Hand Held Products' 0536 are both Honeywell's now)
  row('0c2e', '0700', 'Honeywell/Metrologic MS7120 (serial, uni-directional)', 'usb.ids'),
  row('0c2e', '0720', 'Honeywell/Metrologic MS7120 (serial, bi-directional)', 'usb.ids'),
  row('0c2e', '092a', 'Honeywell Xenon 1902 (USB serial)', 'pnp-id'),
  row('0c2e', null, 'Honeywell scanner (USB serial)', 'usb.ids'),
  row('0536', null, 'Honeywell / Hand Held Products scanner (USB serial)', 'usb.ids'),
  row('067e', '0803', 'Intermec (Honeywell) scanner, virtual COM port', 'usb.ids'),
  row('067e', '0805', 'Intermec (Honeywell) scanner, virtual COM port + camera', 'usb.ids'),
  // Intermec also made mobile computers (067e:1001): no vendor-level row.

  // --- Zebra / Symbol (Zebra's scanners keep Symbol's VID 05e0; Zebra's own 0a5f is its printers)
  row('05e0', '1701', 'Zebra/Symbol scanner (USB CDC)', 'usb.ids'),
  row('05e0', '0600', 'Zebra/Symbol MiniScan MS4404/MS4407 (COM port emulation)', 'symbol-h'),
  // Symbol's VID also covers mobile computers and WLAN adapters, but none of those is a serial
  // port; a serial port under 05e0 is a scanner.
  row('05e0', null, 'Zebra/Symbol scanner (USB serial)', 'usb.ids'),

  // --- Datalogic (PSC Scanning's VID 05f9 and Datalogic S.p.A.'s 080c)
  row('05f9', '4204', 'Datalogic Gryphon (RS-232 emulation)', 'usb.ids'),
  row('05f9', null, 'Datalogic scanner (USB serial)', 'usb.ids'),
  row('080c', null, 'Datalogic scanner (USB serial)', 'usb.ids'),

  // --- Newland (NLS, also sold under other brands, e.g. Bluehresy, Proster)
  ...NEWLAND_CDC.map(([pid, model]) => row('1eab', pid, `Newland ${model} (USB CDC)`, 'usb.ids')),
  row('1eab', null, 'Newland scanner (USB serial)', 'newland'),

  // --- others
  row('065a', '0009', 'Opticon NLV-1001 / OPN-2001 (serial mode)', 'usb.ids'),
  row('065a', null, 'Opticon scanner (USB serial)', 'usb.ids'),
  row('27dd', '0002', 'Mindeo scanner (virtual COM port)', 'usb.ids'),
  row('27dd', null, 'Mindeo scanner (USB serial)', 'usb.ids'),
  // 0488 is Cirque Corp.'s VID in usb.ids: only the exact product, never the vendor.
  row('0488', '5788', 'Netum scanner (BLMicroelectronics virtual COM port)', 'quicktill'),
]);

/**
 * "0x0C2E", "0C2E", "c2e" → "0c2e". Serialport reports ids lower-case on Linux, upper-case on
 * Windows; null when absent or not 1–4 hex digits.
 */
export function normalizeUsbId(id: string | null | undefined): string | null {
  if (typeof id !== 'string') return null;
  const hex = id.trim().replace(/^0x/i, '').toLowerCase();
  if (!/^[0-9a-f]{1,4}$/.test(hex)) return null;
  return hex.padStart(4, '0');
}

const exact = new Map<string, KnownScanner>();
const byVendor = new Map<string, KnownScanner>();
for (const k of KNOWN_SCANNERS) {
  if (k.productId === null) byVendor.set(k.vendorId, k);
  else exact.set(`${k.vendorId}:${k.productId}`, k);
}

/** The known scan gun at these ids: the exact model first, else its scanner-only vendor; null otherwise. */
export function findKnownScanner(vendorId: string | null | undefined, productId: string | null | undefined): KnownScanner | null {
  const vid = normalizeUsbId(vendorId);
  if (!vid) return null;
  const pid = normalizeUsbId(productId);
  return (pid && exact.get(`${vid}:${pid}`)) || byVendor.get(vid) || null;
}
