// Pinyin initials of a product name for keyboard search (可口可乐 → kkkl), with pinyin-pro: it
// ships its own dictionary (no network, no native code), handles polyphones by word context
// (银行 → yh, 行走 → xz) and is maintained. Letters and digits in the name are kept, lower case.
import { pinyin } from 'pinyin-pro';

/** Longest initials kept (the catalogue column allows 64). */
export const MAX_PINYIN_CHARS = 64;

export function pinyinInitials(name: string): string {
  const firsts = pinyin(name, { pattern: 'first', toneType: 'none', type: 'array' });
  return firsts
    .join('')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, MAX_PINYIN_CHARS);
}
