// Every string the cashier sees, in Chinese (the default). en.ts has the same keys.
export default {
  'app.title': '收银台',
  'app.loading': '正在连接收银服务…',
  'app.version': '版本',
  'mode.sandbox': '沙箱模式',
  'mode.production': '正式环境',
  'mode.sandboxHint': '当前连接的是内置沙箱网关，不会产生真实扣款',
  'shell.electron': '桌面版',
  'shell.browser-host': '浏览器版',
  'gateway.online': '网关在线',
  'gateway.offline': '网关离线',
  'terminal': '终端',
  'merchant': '商户号',
  'error.unavailable': '收银服务暂时无法连接',
} as const;
