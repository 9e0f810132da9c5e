// The PIN rule, one place for both processes: cashier and manager PINs are 4–8 digits. The
// contract's payload schemas, main's PIN services, the renderer's early checks and every PIN
// field's maxlength all read it from here.
export const PIN_MIN_DIGITS = 4;
export const PIN_MAX_DIGITS = 8;
export const PIN_RULE = new RegExp(`^\\d{${PIN_MIN_DIGITS},${PIN_MAX_DIGITS}}$`);
export const PIN_RULE_TEXT = `must be ${PIN_MIN_DIGITS}–${PIN_MAX_DIGITS} digits`;
