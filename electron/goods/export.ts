// Catalogue export: the import's columns (first header names), as CSV (UTF-8 with BOM, so Excel
// opens Chinese text right; csv-stringify quotes what needs it) or XLSX (exceljs). Re-importing
// an export changes nothing.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { formatYuan } from '../../shared/money.js';
import type { ProductRow } from '../journal/repos/catalogue.js';
import { COLUMNS } from './import.js';

const HEADER = [COLUMNS.code[0], COLUMNS.name[0], COLUMNS.price[0], COLUMNS.barcodes[0], COLUMNS.unit[0], COLUMNS.category[0], COLUMNS.weighed[0], COLUMNS.plu[0], COLUMNS.taxFree[0], COLUMNS.active[0], COLUMNS.stock[0]] as string[];

function cells(p: ProductRow): (string | number)[] {
  return [p.code, p.name, formatYuan(p.priceFen), p.barcodes.join(' '), p.unit, p.category, p.weighed ? '是' : '否', p.plu ?? '', p.taxFree ? '是' : '否', p.active ? '是' : '否', p.stock];
}

export function catalogueToCsv(products: Iterable<ProductRow>): string {
  const rows: (string | number)[][] = [HEADER];
  for (const p of products) rows.push(cells(p));
  return `\uFEFF${stringify(rows)}`;
}

export async function catalogueToXlsx(products: Iterable<ProductRow>): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('商品');
  ws.addRow(HEADER);
  // Codes and barcodes as text: Excel would turn 6901234567892 into 6.90123E+12.
  for (const p of products) ws.addRow(cells(p).map((c) => (typeof c === 'number' ? c : String(c))));
  ws.getColumn(1).numFmt = '@';
  ws.getColumn(4).numFmt = '@';
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}
