import type zh from './shift.zh-CN';

const en: Record<keyof typeof zh, string> = {
  'shiftx.placeholder': 'Shift',
};
export default en;
