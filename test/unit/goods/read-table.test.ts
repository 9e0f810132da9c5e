// readTable on XLSX (the streaming reader): the first sheet's rows as text, rich text and
// numbers as the cashier typed them, empty rows skipped; a file that is not a workbook, or a
// workbook without a sheet, refused by name.
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { readTable } from '../../../electron/goods/import.js';

async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

describe('readTable (XLSX)', () => {
  it('reads the first sheet as text, skipping empty rows', async () => {
    const file = await xlsx((wb) => {
      const ws = wb.addWorksheet('商品');
      ws.addRow(['货号', '名称', '售价']);
      ws.addRow(['A1', { richText: [{ text: '红富士' }, { text: '苹果' }] }, 3.5]);
      ws.addRow([]);
      ws.addRow(['A2', ' 香蕉 ', '2.00']);
      wb.addWorksheet('other').addRow(['ignored']);
    });
    expect(await readTable(file, 'xlsx')).toEqual([['货号', '名称', '售价'], ['A1', '红富士苹果', '3.5'], ['A2', '香蕉', '2.00']]);
  });

  it('refuses a file that is not a workbook, and a workbook without a sheet', async () => {
    await expect(readTable(new TextEncoder().encode('code,name\nA,b\n'), 'xlsx')).rejects.toThrow(/file: not a readable XLSX workbook/);
    await expect(readTable(await xlsx(() => undefined), 'xlsx')).rejects.toThrow(/file: (the workbook has no sheet|not a readable XLSX)/);
  });
});
