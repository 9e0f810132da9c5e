// A small translator: locale files are plain objects with the same keys; zh-CN is the default.
import { computed, ref } from 'vue';
import zhMain from './locales/zh-CN';
import enMain from './locales/en';
import zhSettings from './locales/settings.zh-CN';
import enSettings from './locales/settings.en';
import zhShift from './locales/shift.zh-CN';
import enShift from './locales/shift.en';
import zhUpkeep from './locales/upkeep.zh-CN';
import enUpkeep from './locales/upkeep.en';
import zhGoods from './locales/goods.zh-CN';
import enGoods from './locales/goods.en';
import zhHeadOffice from './locales/headoffice.zh-CN';
import enHeadOffice from './locales/headoffice.en';

// Each room of the renderer keeps its strings in its own pair of files; the pairs are merged here.
const zh = { ...zhMain, ...zhSettings, ...zhShift, ...zhUpkeep, ...zhGoods, ...zhHeadOffice };
const en = { ...enMain, ...enSettings, ...enShift, ...enUpkeep, ...enGoods, ...enHeadOffice };

export type Language = 'zh-CN' | 'en';
export type MessageKey = keyof typeof zh;
const tables: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zh, en };

export const language = ref<Language>('zh-CN');

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  let text = tables[language.value][key] ?? key;
  if (params) for (const [k, v] of Object.entries(params)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

export const isChinese = computed(() => language.value === 'zh-CN');
