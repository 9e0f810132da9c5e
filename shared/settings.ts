// The till's settings: one schema, used by main to refuse bad values and by the renderer to show
// the reason next to the field. The gateway secret is not here: it is write-only and lives in main.
import { z } from 'zod';
import { checkMerchantId, type MerchantIdSetting } from './merchant-ids.js';

const urlOrEmpty = z
  .string()
  .max(512)
  .refine((v) => v === '' || /^https?:\/\/[^\s/]+(?::\d+)?(?:\/\S*)?$/.test(v), 'must be an http(s) URL, or empty for the built-in sandbox');

export const scannerConfigSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1–32 of a-z 0-9 _ -'),
  path: z.string().max(256).optional(),
  auto: z.boolean().optional(),
  baudRate: z.number().int().min(1200).max(921600).optional(),
  dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).optional(),
  parity: z.enum(['none', 'even', 'odd', 'mark', 'space']).optional(),
  stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).optional(),
  terminator: z.enum(['CR', 'LF', 'CRLF', 'none']).optional(),
  interByteTimeoutMs: z.number().int().min(5).max(1000).optional(),
  duplicateWindowMs: z.number().int().min(0).max(10_000).optional(),
});
export type ScannerSetting = z.infer<typeof scannerConfigSchema>;

/** A merchant id checked with the method table's rule (shared/merchant-ids.ts). */
const merchantId = (key: MerchantIdSetting) =>
  z.string().superRefine((v, ctx) => {
    const bad = checkMerchantId(key, v);
    if (bad) ctx.addIssue({ code: 'custom', message: bad.replace(`${key}: `, '') });
  });

export const settingsSchema = z.strictObject({
  /** Empty: the embedded sandbox gateway (the default, so a new till works at once). */
  gatewayUrl: urlOrEmpty,
  appId: z.string().max(32, 'must be at most 32 characters'),
  merchantNo: z.string().max(20, 'must be at most 20 characters'),
  signType: z.enum(['MD5', 'RSA']),
  /** RSA only: PEM files on this PC. */
  merchantPrivateKeyPath: z.string().max(512),
  platformPublicKeyPath: z.string().max(512),
  /** WeChat sub_appid (weixin.scan_qr_code_pay, weixin.qr_code_pay, weixin.mppay); empty: not set. */
  wxSubAppId: merchantId('wxSubAppId'),
  /** WeChat sub_mch_id (weixin.h5_pay, weixin.mppay); empty: not set. */
  wxSubMchId: merchantId('wxSubMchId'),
  /** spbill_create_ip / client_ip / ip; empty: this till's first LAN IPv4, found by main. */
  terminalIp: merchantId('terminalIp'),
  /** UnionPay gateway payment's bank page (bank_code). */
  unionpayBankCode: merchantId('unionpayBankCode'),
  terminalId: z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, 'must be 1–16 of A-Z a-z 0-9 _ -'),
  shopName: z.string().min(1, 'must not be empty').max(32, 'must be at most 32 characters'),
  notifyUrl: urlOrEmpty,
  /** 0: no callback listener. */
  notifyPort: z.number().int().min(0).max(65535),
  notifyPath: z.string().regex(/^\/[A-Za-z0-9_\-/]{0,63}$/, 'must start with / and use A-Z a-z 0-9 _ - /'),
  requestTimeoutMs: z.number().int().min(2_000, 'must be at least 2000 ms').max(60_000, 'must be at most 60000 ms'),
  queryIntervalMs: z.number().int().min(1_000, 'must be at least 1000 ms').max(30_000, 'must be at most 30000 ms'),
  payDeadlineMs: z.number().int().min(10_000, 'must be at least 10000 ms').max(300_000, 'must be at most 300000 ms'),
  language: z.enum(['zh-CN', 'en']),
  scanners: z.array(scannerConfigSchema).max(4, 'at most 4 scanners'),
  /** Keyboard-wedge scanners: max gap between keys of one burst, and the shortest burst. */
  wedgeMaxGapMs: z.number().int().min(10).max(200),
  wedgeMinLength: z.number().int().min(4).max(32),
  printer: z.string().max(256).refine((v) => v === '' || /^(serial:|tcp:|file:)/.test(v), 'must be empty, serial:PATH, tcp:HOST:PORT or file:PATH'),
  paperWidthMm: z.union([z.literal(58), z.literal(80)]),
  /** Variance above this at shift close needs the manager PIN and a reason. */
  varianceThresholdFen: z.number().int().min(0).max(100_000),
  /** Where journal backups go (a second disk, a USB stick); empty: backups/ in the data folder. */
  backupDir: z.string().max(512, 'must be at most 512 characters'),
  /** Backups kept; the oldest beyond this are removed after a new one verifies. */
  backupKeep: z.number().int().min(2, 'must be at least 2').max(365, 'must be at most 365'),
  /** The head office's update folder (latest.yml + installers); empty: no updates. */
  updateUrl: z.string().max(512).refine((v) => v === '' || /^https?:\/\/[^\s/]+(?::\d+)?(?:\/\S*)?$/.test(v), 'must be an http(s) URL, or empty for no updates'),
  /** The head office's PostgreSQL (issue 12): postgres://host:port/database; empty: no head office. */
  headOfficeUrl: z.string().max(256).refine((v) => v === '' || /^postgres(?:ql)?:\/\/[^\s/@:]+(?::\d{1,5})?\/[A-Za-z0-9_-]{1,63}$/.test(v), 'must be postgres://host:port/database (no user or password), or empty for no head office'),
  /** This till's id at the head office (given at enrolment; unique across the chain). */
  headOfficeTillId: z.string().refine((v) => v === '' || /^[A-Za-z0-9_-]{1,32}$/.test(v), 'must be 1–32 of A-Z a-z 0-9 _ -'),
  /** TLS to the head office: off, require (encrypted), verify (encrypted, server certificate checked against the CA file). */
  headOfficeTls: z.enum(['off', 'require', 'verify']),
  headOfficeCaPath: z.string().max(512, 'must be at most 512 characters'),
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = {
  gatewayUrl: '',
  appId: '',
  merchantNo: '',
  signType: 'MD5',
  merchantPrivateKeyPath: '',
  platformPublicKeyPath: '',
  wxSubAppId: '',
  wxSubMchId: '',
  terminalIp: '',
  unionpayBankCode: '01020000',
  terminalId: 'T01',
  shopName: '演示小店',
  notifyUrl: '',
  notifyPort: 0,
  notifyPath: '/notify',
  requestTimeoutMs: 10_000,
  queryIntervalMs: 5_000,
  payDeadlineMs: 45_000,
  language: 'zh-CN',
  scanners: [],
  wedgeMaxGapMs: 35,
  wedgeMinLength: 8,
  printer: '',
  paperWidthMm: 80,
  varianceThresholdFen: 1_000,
  backupDir: '',
  backupKeep: 14,
  updateUrl: '',
  headOfficeUrl: '',
  headOfficeTillId: '',
  headOfficeTls: 'off',
  headOfficeCaPath: '',
};

export interface SettingsIssue {
  path: string;
  message: string;
}

/**
 * Validates a partial update merged over the current settings. Returns the merged settings or the
 * issues, one per bad field, each naming the field. Unknown keys are refused by name.
 */
export function mergeSettings(current: Settings, update: Record<string, unknown>): { ok: true; value: Settings } | { ok: false; issues: SettingsIssue[] } {
  const issues: SettingsIssue[] = [];
  for (const key of Object.keys(update)) {
    if (!Object.hasOwn(settingsSchema.shape, key)) issues.push({ path: key, message: `${key}: is not a setting` });
  }
  if (issues.length) return { ok: false, issues };
  const parsed = settingsSchema.safeParse({ ...current, ...update });
  if (parsed.success) {
    const v = parsed.data;
    // Cross-field rules.
    if (v.gatewayUrl !== '') {
      if (!v.appId) issues.push({ path: 'appId', message: 'appId: required for a real gateway' });
      if (!v.merchantNo) issues.push({ path: 'merchantNo', message: 'merchantNo: required for a real gateway' });
      if (v.signType === 'RSA' && !v.merchantPrivateKeyPath) issues.push({ path: 'merchantPrivateKeyPath', message: 'merchantPrivateKeyPath: required for RSA signing' });
      if (v.signType === 'RSA' && !v.platformPublicKeyPath) issues.push({ path: 'platformPublicKeyPath', message: 'platformPublicKeyPath: required for RSA signing' });
    }
    if (v.headOfficeUrl !== '' && !v.headOfficeTillId) issues.push({ path: 'headOfficeTillId', message: 'headOfficeTillId: required with a head office (the till id given at enrolment)' });
    if (v.headOfficeUrl !== '' && v.headOfficeTls === 'verify' && !v.headOfficeCaPath) issues.push({ path: 'headOfficeCaPath', message: 'headOfficeCaPath: required to verify the head office\'s certificate' });
    const ids = new Set<string>();
    v.scanners.forEach((s, i) => {
      if (ids.has(s.id)) issues.push({ path: `scanners.${i}.id`, message: `scanners.${i}.id: "${s.id}" is used twice` });
      ids.add(s.id);
      if (!s.path && !s.auto) issues.push({ path: `scanners.${i}.path`, message: `scanners.${i}.path: give a port path or choose automatic` });
    });
    return issues.length ? { ok: false, issues } : { ok: true, value: v };
  }
  for (const issue of parsed.error.issues) {
    const path = issue.path.join('.');
    issues.push({ path, message: `${path}: ${issue.message}` });
  }
  return { ok: false, issues };
}
