// PDF under Electron: the report HTML in a hidden, script-less, sandboxed window, printToPDF.
import { BrowserWindow } from 'electron';
import type { PdfRenderer } from '../ipc/handlers/export.js';

export const electronPdfRenderer: PdfRenderer = async (html) => {
  const win = new BrowserWindow({ show: false, webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' } });
  try {
    await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await win.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
  } finally {
    win.destroy();
  }
};
