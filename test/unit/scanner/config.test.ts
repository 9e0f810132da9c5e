import { describe, expect, it } from 'vitest';
import { validateScannerConfigs, DEFAULT_BAUD_RATE, MAX_SCANNERS } from '../../../electron/scanner/config.js';
import { PosError } from '../../../shared/ipc/errors.js';

function refused(configs: unknown): PosError {
  try {
    validateScannerConfigs(configs);
  } catch (err) {
    expect(err).toBeInstanceOf(PosError);
    expect((err as PosError).code).toBe('invalid_settings');
    return err as PosError;
  }
  throw new Error('expected a refusal');
}

describe('scanner settings', () => {
  it('fills the defaults: 9600 8N1, CR, 100 ms, 1000 ms', () => {
    expect(validateScannerConfigs([{ id: 'gun', path: '/dev/ttyACM0' }])).toEqual([
      { id: 'gun', path: '/dev/ttyACM0', auto: false, baudRate: DEFAULT_BAUD_RATE, dataBits: 8, parity: 'none', stopBits: 1, terminator: 'CR', interByteTimeoutMs: 100, duplicateWindowMs: 1000 },
    ]);
    expect(validateScannerConfigs([])).toEqual([]);
  });

  it('names the field and the rule of every bad value', () => {
    const err = refused([{ id: 'gun', path: '/dev/ttyACM0', baudRate: 'fast', dataBits: 9, parity: 'weird', stopBits: 3, terminator: 'TAB', interByteTimeoutMs: 1, duplicateWindowMs: -1, colour: 'red' }]);
    const paths = err.extra.issues!.map((i) => i.path);
    for (const field of ['baudRate', 'dataBits', 'parity', 'stopBits', 'terminator', 'interByteTimeoutMs', 'duplicateWindowMs']) expect(paths).toContain(`scanners.0.${field}`);
    expect(paths).toContain('scanners.0'); // the unknown key "colour"
    for (const i of err.extra.issues!) expect(i.message.startsWith(`${i.path}: `)).toBe(true);
    expect(err.message).toMatch(/^scanner settings refused: scanners\.0\./);
  });

  it('needs a path or auto, unique ids, one scanner per path, and at most MAX_SCANNERS', () => {
    expect(refused([{ id: 'gun' }]).extra.issues).toEqual([{ path: 'scanners.0.path', message: 'scanners.0.path: give a port path, or set auto to pick a known scan gun automatically' }]);
    expect(refused([{ id: 'a', path: '/dev/x' }, { id: 'a', path: '/dev/y' }]).extra.issues![0]!.message).toMatch(/scanners\.1\.id: "a" is already used by scanners\.0/);
    expect(refused([{ id: 'a', path: '/dev/x' }, { id: 'b', path: '/dev/x' }]).extra.issues![0]!.message).toMatch(/scanners\.1\.path: \/dev\/x is already used/);
    expect(refused([{ id: 'a', path: '  ' }]).extra.issues![0]!.path).toBe('scanners.0.path');
    const many = Array.from({ length: MAX_SCANNERS + 1 }, (_, i) => ({ id: `s${i}`, auto: true }));
    expect(refused(many).extra.issues![0]).toEqual({ path: 'scanners', message: `scanners: at most ${MAX_SCANNERS} scanners` });
    expect(refused('nope').extra.issues![0]!.path).toBe('scanners');
    expect(refused([{ id: 'Bad Id!', auto: true }]).extra.issues![0]!.path).toBe('scanners.0.id');
  });

  it('accepts auto with a preferred path, and two auto scanners', () => {
    expect(validateScannerConfigs([{ id: 'gun', auto: true, path: '/dev/ttyACM0' }, { id: 'fixed', auto: true }]).map((c) => [c.path, c.auto])).toEqual([
      ['/dev/ttyACM0', true],
      [null, true],
    ]);
  });
});
