// Going live, pure parts: the merchant-id rules of the method table, the terminal IP pick, the
// 连接测试 verdicts, configuration refusals on the payment verdicts and in the renderer's words.
import { describe, expect, it } from 'vitest';
import { checkMerchantId, methodsTaking, SUB_MCH_ID_MAX, TERMINAL_IP_MAX } from '../../../shared/merchant-ids.js';
import { mergeSettings, DEFAULT_SETTINGS } from '../../../shared/settings.js';
import { firstLanIpv4, terminalIpFor, FALLBACK_TERMINAL_IP } from '../../../electron/app/terminal-ip.js';
import { judgeCheck } from '../../../electron/app/gateway-check.js';
import { classifyPay, classifyQuery } from '../../../electron/checkout/classify.js';
import { qrPayParams, scanPayParams, DEFAULT_PROFILE } from '../../../electron/checkout/params.js';
import { configCodeOf } from '../../../shared/config-refusal.js';
import { explain, outcomeOf } from '../../../renderer/lib/outcome.js';

describe('merchant ids in the method table terms', () => {
  it('takes the limits from the method table and refuses placeholders by field', () => {
    expect(methodsTaking('sub_appid').map((m) => m.method)).toEqual(expect.arrayContaining(['weixin.scan_qr_code_pay', 'weixin.qr_code_pay', 'weixin.mppay']));
    expect(SUB_MCH_ID_MAX).toBe(16);
    expect(TERMINAL_IP_MAX).toBe(16);
    expect(checkMerchantId('wxSubAppId', 'wx8a3f5c2e9b1d4760')).toBeNull();
    expect(checkMerchantId('wxSubAppId', 'wx0000000000000000')).toMatch(/^wxSubAppId: /);
    expect(checkMerchantId('wxSubMchId', '0000000000')).toMatch(/^wxSubMchId: /);
    expect(checkMerchantId('terminalIp', '10.0.0.5')).toBeNull();
    expect(checkMerchantId('terminalIp', 'fe80::1')).toMatch(/^terminalIp: /);
    const r = mergeSettings(DEFAULT_SETTINGS, { wxSubAppId: 'nope', unionpayBankCode: '99999999' });
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['wxSubAppId', 'unionpayBankCode']);
  });

  it('sends sub_appid / sub_mch_id only when configured', () => {
    const p = { ...DEFAULT_PROFILE, merchantNo: 'M', subAppId: '', subMchId: '' };
    expect(scanPayParams('weixin', p, 'O1', 100, '134567890123456700', null).params).not.toHaveProperty('sub_appid');
    expect(qrPayParams('weixin.h5_pay', p, 'O1', 100, 1, null)).not.toHaveProperty('sub_mch_id');
    expect(scanPayParams('weixin', { ...p, subAppId: 'wx8a3f5c2e9b1d4760' }, 'O1', 100, '134567890123456700', null).params).toMatchObject({ sub_appid: 'wx8a3f5c2e9b1d4760' });
  });
});

describe('the terminal IP', () => {
  const lan = { lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }], eth0: [{ address: 'fe80::1', family: 'IPv6', internal: false }, { address: '192.168.1.23', family: 'IPv4', internal: false }] } as never;
  it('is the configured one, else the first non-internal IPv4, else 127.0.0.1', () => {
    expect(firstLanIpv4(lan)).toBe('192.168.1.23');
    expect(terminalIpFor('', lan)).toEqual({ ip: '192.168.1.23', source: 'lan' });
    expect(terminalIpFor('10.1.2.3', lan)).toEqual({ ip: '10.1.2.3', source: 'configured' });
    expect(terminalIpFor('', { lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }] } as never)).toEqual({ ip: FALLBACK_TERMINAL_IP, source: 'fallback' });
    expect(() => terminalIpFor('1.2.3', lan)).toThrow(/^terminalIp: /);
  });
});

describe('连接测试 verdicts', () => {
  it('maps answers to what is wrong', () => {
    expect(judgeCheck({ kind: 'ok', result: {} })).toMatchObject({ result: 'ok' });
    expect(judgeCheck({ kind: 'rejected', code: 13001, message: 'x', content: null })).toMatchObject({ result: 'ok', code: 13001 });
    expect(judgeCheck({ kind: 'unknown', reason: 'unsigned answer (code 10001)', unsignedCode: 10001 })).toMatchObject({ result: 'unknown_app', field: 'appId' });
    expect(judgeCheck({ kind: 'unknown', reason: 'answer signature does not verify (code 10002)', unsignedCode: 10002 }, 'RSA')).toMatchObject({ result: 'bad_sign', field: 'merchantPrivateKeyPath' });
    expect(judgeCheck({ kind: 'rejected', code: 10006, message: 'x', content: null })).toMatchObject({ result: 'channel_closed' });
    expect(judgeCheck({ kind: 'unknown', reason: 'transport error: ECONNREFUSED' })).toMatchObject({ result: 'unreachable' });
    expect(judgeCheck({ kind: 'unknown', reason: 'answer is not JSON: "<html>"' })).toMatchObject({ result: 'not_gateway' });
    expect(judgeCheck({ kind: 'rejected', code: 15001, message: 'x', content: null })).toMatchObject({ result: 'refused', code: 15001 });
  });
});

describe('configuration refusals on a payment', () => {
  it('tags the verdict and keeps an unsigned one unknown', () => {
    expect(classifyPay({ kind: 'rejected', code: 10005, message: '无效的微信公众号APPID', content: null })).toMatchObject({ kind: 'no_money', state: 'declined', code: 'config:10005' });
    expect(classifyPay({ kind: 'rejected', code: 10008, message: 'sub_appid: is required', content: { local: true, issues: [{ field: 'sub_appid', rule: 'is required' }] } })).toMatchObject({ code: 'config:10005' });
    expect(classifyPay({ kind: 'rejected', code: 10008, message: 'auth_code', content: null })).toMatchObject({ code: '10008' });
    expect(classifyPay({ kind: 'unknown', reason: 'unsigned answer (code 10001)', unsignedCode: 10001 })).toEqual({ kind: 'unknown', reason: 'unsigned answer (code 10001)', aborted: false, reasonCode: 'config:10001' });
    expect(classifyQuery({ kind: 'unknown', reason: 'unsigned answer (code 10001)', unsignedCode: 10001 })).toMatchObject({ kind: 'unknown' });
  });

  it('words it as a problem for the manager, and an unknown one still as checking', () => {
    expect(explain('config:10005', '无效的微信公众号APPID')).toMatchObject({ what: 'reason.config', next: 'next.managerConfig' });
    expect(explain('10007', null)).toMatchObject({ what: 'reason.config' });
    expect(explain('10008', null)).toMatchObject({ what: 'reason.codeExpired' });
    expect(outcomeOf({ state: 'pending', kind: 'scan', reasonCode: 'config:10001', reason: 'unsigned answer (code 10001)' })).toBe('checking');
    expect(configCodeOf('config:10001')).toBe(10001);
    expect(configCodeOf('unknown')).toBeNull();
  });
});
