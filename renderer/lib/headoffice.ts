// The head office's sync status in words (Settings → 总部 and the top bar): the state, the last
// sync, what waits, main's error in the screen's language when it is one we know, and the top
// bar's warning — which is shown only when the till is far behind or the head office refuses.
import type { HeadOfficeStatusView } from '../../shared/ipc/headoffice';
import { language, t, type MessageKey } from '../i18n';
import { formatTime } from './labels';

/** Main's words (electron/headoffice/link.ts, pusher.ts) → this screen's; others are shown as main wrote them. */
const KNOWN_ERRORS: readonly [RegExp, MessageKey][] = [
  [/not reachable \(connection refused\)/, 'headoffice.err.unreachable'],
  [/host name is not known/, 'headoffice.err.unknownHost'],
  [/refused this till's credential/, 'headoffice.err.credential'],
  [/database is restarting/, 'headoffice.err.restarting'],
  [/does not know till/, 'headoffice.err.unknownTill'],
  [/holds journal .* this till has journal/, 'headoffice.err.otherJournal'],
  [/was it restored from an older backup/, 'headoffice.err.olderJournal'],
];

/** Main's error in the screen's language (main's own words when it is not one we know). */
export function errorWords(error: string | null): string | null {
  if (!error) return null;
  const known = KNOWN_ERRORS.find(([re]) => re.test(error));
  return known ? t(known[1]) : error;
}

/** 12,345 (both languages group thousands with a comma). */
export function formatCount(n: number): string {
  return new Intl.NumberFormat(language.value === 'en' ? 'en-US' : 'zh-CN').format(n);
}

/** "09:10" today, "12-01 09:10" on another day (the top bar has little room). */
export function shortTime(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  const hm = `${p(d.getHours())}:${p(d.getMinutes())}`;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  return sameDay ? hm : `${p(d.getMonth() + 1)}-${p(d.getDate())} ${hm}`;
}

export type StatusTone = 'ok' | 'busy' | 'bad' | 'idle';

export interface StatusWords {
  state: string;
  tone: StatusTone;
  /** "上次同步 2026-12-03 09:10:11" or "尚未同步过"; null without a head office. */
  last: string | null;
  /** "待同步 12,345 条" / "没有待同步的记录"; null without a head office. */
  behind: string | null;
  /** The failure, in words; null when fine. */
  error: string | null;
}

/** Settings → 总部's status line. */
export function statusWords(s: HeadOfficeStatusView): StatusWords {
  if (!s.configured || s.state === 'off') return { state: t('headoffice.state.off'), tone: 'idle', last: null, behind: null, error: null };
  const tone: StatusTone = s.state === 'idle' ? 'ok' : s.state === 'refused' || s.state === 'retrying' ? 'bad' : 'busy';
  return {
    state: t(`headoffice.state.${s.state}`),
    tone,
    last: s.lastPushAt ? t('headoffice.lastPush', { time: formatTime(s.lastPushAt) }) : t('headoffice.neverPushed'),
    behind: s.behind > 0 ? t('headoffice.behind', { n: formatCount(s.behind) }) : t('headoffice.inSync'),
    error: errorWords(s.error),
  };
}

/**
 * The top bar's warning: only when far behind or refused. Two short lines (the bar has little
 * room): what (main) and since when / why (sub); `text` is both on one line; the full error goes
 * in the tooltip.
 */
export function topBarWarning(s: HeadOfficeStatusView | null, now = new Date()): { text: string; main: string; sub: string; title: string } | null {
  if (!s || !s.configured || s.state === 'off') return null;
  const error = errorWords(s.error);
  const raw = s.error && s.error !== error ? s.error : null;
  if (s.state === 'refused') {
    // The reason is too long for the bar: it says where to look; the reason is in the tooltip.
    const main = t('headoffice.top.refused');
    const text = error ? t('headoffice.top.refusedWhy', { error }) : main;
    return { text, main, sub: t('headoffice.top.see'), title: [text, raw].filter(Boolean).join('\n') };
  }
  if (!s.farBehind) return null;
  const main = t('headoffice.top.behind', { n: formatCount(s.behind) });
  const sub = s.lastPushAt ? t('headoffice.top.last', { time: shortTime(s.lastPushAt, now) }) : t('headoffice.neverPushed');
  const text = `${main} · ${sub}`;
  return { text, main, sub, title: [text, error, raw].filter((x): x is string => !!x).join('\n') };
}
