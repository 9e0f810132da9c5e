// The one PIN rule (shared/pin.ts) that the contract, main's PIN services, the renderer's checks
// and every PIN field's maxlength read.
import { describe, expect, it } from 'vitest';
import { PIN_MAX_DIGITS, PIN_MIN_DIGITS, PIN_RULE, PIN_RULE_TEXT } from '../../../shared/pin.js';
import { invokeSchemas } from '../../../shared/ipc/contract.js';

describe('the PIN rule', () => {
  it('is 4–8 digits, and says so', () => {
    expect([PIN_MIN_DIGITS, PIN_MAX_DIGITS]).toEqual([4, 8]);
    for (const ok of ['0000', '1234', '12345678']) expect(PIN_RULE.test(ok), ok).toBe(true);
    for (const bad of ['', '123', '123456789', 'abcd', '12 34', '１２３４', '1234\n']) expect(PIN_RULE.test(bad), JSON.stringify(bad)).toBe(false);
    expect(PIN_RULE_TEXT).toBe('must be 4–8 digits');
  });

  it('is the rule the contract applies to a manager PIN', () => {
    const schema = invokeSchemas['shift.xReport'];
    expect(schema.safeParse({ managerPin: '12345678' }).success).toBe(true);
    const r = schema.safeParse({ managerPin: '123456789' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(PIN_RULE_TEXT);
  });
});
