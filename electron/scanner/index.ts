// The scanner room: serial scan guns (discovery by USB ids, framing, reconnect) as one service.
export { ScannerManager, type ScannerManagerOptions } from './manager.js';
export type { ScannerConfig, ResolvedScannerConfig } from './config.js';
export { validateScannerConfigs, DEFAULT_BAUD_RATE, DEFAULT_TERMINATOR, MAX_SCANNERS } from './config.js';
export { ScanFramer, DuplicateFilter, MAX_CODE_BYTES, DEFAULT_INTER_BYTE_TIMEOUT_MS, DEFAULT_DUPLICATE_WINDOW_MS, type Terminator, type FrameEvent } from './framing.js';
export { KNOWN_SCANNERS, findKnownScanner, normalizeUsbId, type KnownScanner } from './known-devices.js';
export { RECONNECT_MIN_MS, RECONNECT_MAX_MS, type ScannerRead } from './reader.js';
export type { PortInfo, SerialBinding } from './types.js';
