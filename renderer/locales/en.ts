import type zh from './zh-CN';

const en: Record<keyof typeof zh, string> = {
  'app.title': 'Checkout',
  'app.loading': 'Connecting to the till service…',
  'app.version': 'Version',
  'mode.sandbox': 'SANDBOX',
  'mode.production': 'PRODUCTION',
  'mode.sandboxHint': 'Connected to the built-in sandbox gateway: no real money moves',
  'shell.electron': 'Desktop',
  'shell.browser-host': 'Browser',
  'gateway.online': 'Gateway online',
  'gateway.offline': 'Gateway offline',
  terminal: 'Terminal',
  merchant: 'Merchant',
  'error.unavailable': 'The till service cannot be reached',
};
export default en;
