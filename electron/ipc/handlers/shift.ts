// Handlers of the shift.* channels: the ShiftService (electron/shift/service.ts). Payloads are
// already validated by dispatch against the contract; the service checks the rules (sign-in,
// open orders, variance approval, the manager PIN that opens a blind report) and throws PosError
// for what the cashier must fix.
import type { PartialHandlers } from '../types.js';
import type { ShiftService } from '../../shift/service.js';

export function shiftHandlers(shifts: ShiftService): PartialHandlers {
  return {
    'shift.current': () => shifts.current(),
    'shift.signIn': ({ cashierId, pin }) => shifts.signIn(cashierId, pin),
    'shift.open': ({ floatFen }) => shifts.open(floatFen),
    'shift.cashMove': ({ direction, amountFen, reason }) => shifts.cashMove(direction, amountFen, reason),
    'shift.xReport': ({ managerPin }) => shifts.xReport({ managerPin }),
    'shift.count': (p) => shifts.reviewCount(p),
    'shift.close': (p) => shifts.close(p),
    'shift.report': ({ shiftId, managerPin }) => shifts.report(shiftId, { managerPin }),
    'shift.dayReport': ({ date, managerPin }) => shifts.dayReport(date, { managerPin }),
    'shift.cashiers': () => shifts.listCashiers(),
    'shift.addCashier': ({ managerPin, ...cashier }) => shifts.addCashier(cashier, managerPin),
    'shift.session': () => {
      const s = shifts.signedIn();
      return s ? { cashierId: s.cashierId, name: s.name } : null;
    },
    'shift.signOut': () => {
      shifts.signOut();
      return null;
    },
  };
}
