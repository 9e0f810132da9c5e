// Navigation without a router package: the view is the location hash (#/checkout, #/history…).
// The customer display is the same bundle at #/customer (Electron opens a second window on it; in
// the browser host it is a second tab).
import { ref } from 'vue';

export const VIEWS = ['checkout', 'history', 'merchant', 'shift', 'goods', 'settings', 'customer'] as const;
export type ViewName = (typeof VIEWS)[number];

export function viewOfHash(hash: string): ViewName {
  const name = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (VIEWS as readonly string[]).includes(name) ? (name as ViewName) : 'checkout';
}

export const currentView = ref<ViewName>(viewOfHash(location.hash));

window.addEventListener('hashchange', () => {
  currentView.value = viewOfHash(location.hash);
});

export function go(view: ViewName): void {
  // Keep the search (the browser host's token) and change the hash only.
  if (currentView.value !== view) location.hash = `#/${view}`;
  currentView.value = view;
}

/** The customer display's address: this page's URL with #/customer. */
export function customerDisplayUrl(): string {
  return `${location.origin}${location.pathname}${location.search}#/customer`;
}
