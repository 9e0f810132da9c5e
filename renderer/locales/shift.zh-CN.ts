// Strings of the shift screens (交班/日结). shift.en.ts has the same keys.
export default {
  'shiftx.placeholder': '交班',
} as const;
