// Catalogue import: a CSV (csv-parse: RFC 4180 quoting, BOM, ragged rows; UTF-8, or GB18030 as
// Excel writes CSV on a Chinese Windows, decoded with iconv-lite) or an XLSX (exceljs: reads
// the workbook in Node without native code and is maintained; SheetJS's current builds are no
// longer published to npm). The first row names the columns (Chinese or English); every data row
// is checked and every problem reported as row / column / reason. Nothing is written here: the
// goods service previews, then imports every row in one transaction, or none.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { checkProductBarcode } from '../../shared/goods/barcode.js';
import { MAX_AMOUNT_FEN, parseYuan } from '../../shared/money.js';
import type { ProductInput } from '../journal/repos/catalogue.js';
import { pinyinInitials } from './pinyin.js';

/** Largest file taken (a 100,000-row XLSX is ~5 MB). */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
/** Most data rows in one import. */
export const MAX_IMPORT_ROWS = 200_000;
/** Most row problems listed (the count is always complete). */
export const MAX_LISTED_PROBLEMS = 500;

export type ImportFormat = 'csv' | 'xlsx';

export interface ImportProblem {
  /** The row of the file (the header is row 1). */
  row: number;
  /** The column's name as the file has it ('' for the whole row). */
  column: string;
  reason: string;
}

export interface ParsedImport {
  rows: { row: number; product: ProductInput }[];
  problems: ImportProblem[];
  problemCount: number;
}

type Field = 'code' | 'name' | 'price' | 'barcodes' | 'unit' | 'category' | 'weighed' | 'plu' | 'taxFree' | 'active' | 'stock';

/** Header names taken for each field (case-insensitive). The export writes the first one. */
export const COLUMNS: Record<Field, string[]> = {
  code: ['货号', 'code', 'sku'],
  name: ['名称', 'name', '商品名称'],
  price: ['售价', 'price', '价格', '单价'],
  barcodes: ['条码', 'barcodes', 'barcode', '条形码'],
  unit: ['单位', 'unit'],
  category: ['分类', 'category', '类别'],
  weighed: ['称重', 'weighed'],
  plu: ['PLU', 'plu', '秤码'],
  taxFree: ['免税', 'tax_free', 'taxfree'],
  active: ['在售', 'active'],
  stock: ['库存', 'stock'],
};
const REQUIRED: Field[] = ['code', 'name', 'price'];
const YES = new Set(['1', 'y', 'yes', 'true', '是', '√']);
const NO = new Set(['', '0', 'n', 'no', 'false', '否']);

function decodeCsv(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return iconv.decode(Buffer.from(bytes), 'gb18030');
  }
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    if (v instanceof Date) return v.toISOString();
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v);
}

/** The file's rows as text, header first. */
export async function readTable(bytes: Uint8Array, format: ImportFormat): Promise<string[][]> {
  if (bytes.byteLength > MAX_IMPORT_BYTES) throw new RangeError(`file: larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
  if (format === 'csv') {
    return parse(decodeCsv(bytes), { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  }
  // The streaming reader: no document model, about twice as fast as wb.xlsx.load on 100k rows.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(Buffer.from(bytes)), { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', worksheets: 'emit', entries: 'ignore' });
  const out: string[][] = [];
  let sheets = 0;
  try {
    for await (const ws of reader) {
      sheets++;
      for await (const row of ws) {
        const values = row.values as ExcelJS.CellValue[];
        // row.values is 1-based: index 0 is empty. Empty rows are skipped like the CSV's.
        const cells = values.slice(1).map((v) => cellText(v).trim());
        if (cells.some((c) => c !== '')) out.push(cells);
      }
      break; // the first sheet only
    }
  } catch (e) {
    throw new RangeError(`file: not a readable XLSX workbook (${(e as Error).message})`);
  }
  if (sheets === 0) throw new RangeError('file: the workbook has no sheet');
  return out;
}

/** Checks every row of a table; collects every problem (the first MAX_LISTED_PROBLEMS are listed). */
export function parseCatalogueTable(table: string[][]): ParsedImport {
  const problems: ImportProblem[] = [];
  let problemCount = 0;
  const problem = (row: number, column: string, reason: string) => {
    problemCount++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ row, column, reason });
  };
  const header = table[0] ?? [];
  const index = new Map<Field, number>();
  header.forEach((h, i) => {
    const name = h.trim().toLowerCase();
    for (const [field, names] of Object.entries(COLUMNS) as [Field, string[]][]) {
      if (names.some((n) => n.toLowerCase() === name)) {
        if (index.has(field)) problem(1, h, `column "${h}" appears twice`);
        else index.set(field, i);
      }
    }
  });
  for (const f of REQUIRED) if (!index.has(f)) problem(1, COLUMNS[f][0]!, `column missing: ${COLUMNS[f].join(' / ')}`);
  if (problemCount > 0) return { rows: [], problems, problemCount };
  if (table.length - 1 > MAX_IMPORT_ROWS) return { rows: [], problems: [{ row: 0, column: '', reason: `at most ${MAX_IMPORT_ROWS} rows` }], problemCount: 1 };

  const rows: ParsedImport['rows'] = [];
  const codes = new Map<string, number>();
  const barcodeRows = new Map<string, number>();
  const pluRows = new Map<string, number>();
  for (let r = 1; r < table.length; r++) {
    const line = table[r]!;
    const rowNo = r + 1;
    if (line.every((c) => c === '')) continue;
    const col = (f: Field) => header[index.get(f)!] ?? COLUMNS[f][0]!;
    const get = (f: Field) => (index.has(f) ? (line[index.get(f)!] ?? '').trim() : '');
    const before = problemCount;
    const bool = (f: Field, dflt: boolean): boolean => {
      const v = get(f).toLowerCase();
      if (!index.has(f) || v === '') return dflt;
      if (YES.has(v)) return true;
      if (NO.has(v)) return false;
      problem(rowNo, col(f), `must be 是/否 (1/0), got "${get(f)}"`);
      return dflt;
    };
    const code = get('code');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(code)) problem(rowNo, col('code'), code === '' ? 'must not be empty' : 'must be 1–32 of A-Z a-z 0-9 _ -');
    else if (codes.has(code)) problem(rowNo, col('code'), `${code} is also on row ${codes.get(code)}`);
    else codes.set(code, rowNo);
    const name = get('name');
    if (name === '' || name.length > 64) problem(rowNo, col('name'), name === '' ? 'must not be empty' : 'must be at most 64 characters');
    const priceFen = parseYuan(get('price'));
    if (priceFen === null || priceFen < 0 || priceFen > MAX_AMOUNT_FEN) problem(rowNo, col('price'), `must be yuan with at most two decimals (e.g. 12.50), got "${get('price')}"`);
    const barcodes: string[] = [];
    for (const raw of get('barcodes').split(/[\s,;，；]+/).filter(Boolean)) {
      const c = checkProductBarcode(raw);
      if (!c.ok) problem(rowNo, col('barcodes'), c.reason.replace(/^barcode: /, `${raw}: `));
      else if (barcodeRows.has(c.code) && barcodeRows.get(c.code) !== rowNo) problem(rowNo, col('barcodes'), `${c.code} is also on row ${barcodeRows.get(c.code)}`);
      else {
        barcodeRows.set(c.code, rowNo);
        barcodes.push(c.code);
      }
    }
    const unit = get('unit') || '件';
    if (unit.length > 8) problem(rowNo, col('unit'), 'must be at most 8 characters');
    const category = get('category');
    if (category.length > 32) problem(rowNo, col('category'), 'must be at most 32 characters');
    const weighed = bool('weighed', false);
    const plu = get('plu') || null;
    if (plu !== null) {
      if (!/^\d{1,8}$/.test(plu)) problem(rowNo, col('plu'), 'must be 1–8 digits');
      else if (pluRows.has(plu)) problem(rowNo, col('plu'), `${plu} is also on row ${pluRows.get(plu)}`);
      else pluRows.set(plu, rowNo);
    }
    const taxFree = bool('taxFree', false);
    const active = bool('active', true);
    let stock: number | undefined;
    if (index.has('stock') && get('stock') !== '') {
      const s = Number(get('stock'));
      if (!Number.isSafeInteger(s)) problem(rowNo, col('stock'), `must be a whole number${weighed ? ' of grams' : ''}, got "${get('stock')}"`);
      else stock = s;
    }
    if (problemCount === before) {
      rows.push({ row: rowNo, product: { code, name, pinyin: pinyinInitials(name), priceFen: priceFen!, unit, weighed, plu, category, taxFree, active, barcodes, ...(stock === undefined ? {} : { stock }) } });
    }
  }
  if (rows.length === 0 && problemCount === 0) problem(2, '', 'the file has no product rows');
  return { rows, problems, problemCount };
}
