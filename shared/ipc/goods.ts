// The goods channels of the IPC contract (issue 11): the catalogue, scans of product barcodes,
// import / export, held sales, refunds by line, the goods figures of reports. Spread into
// contract.ts's invokeSchemas and InvokeResults.
import { z } from 'zod';
import { PIN_RULE, PIN_RULE_TEXT } from '../pin.js';
import type { Fen } from '../money.js';
import type { ScaleFormat } from '../goods/barcode.js';
import type { RoundingRule } from '../goods/sale.js';

const pin = z.string().regex(PIN_RULE, PIN_RULE_TEXT);
const fen = z.number().int('must be a whole number of fen').safe();
const outTradeNo = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_]');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date yyyy-MM-dd');

/** Largest import file as base64 text (32 MB of file). */
export const MAX_IMPORT_BASE64_CHARS = Math.ceil((32 * 1024 * 1024 * 4) / 3) + 4;

/** A sale line of goods as the checkout sends it (on top of the typed line's name / qty / unitFen). */
export const goodsLineFields = {
  productId: z.number().int().min(1).optional(),
  /** The line's own discount. */
  discountFen: fen.min(0).optional(),
  /** What the line is charged once order discount and 抹零 are spread (shared/goods/sale.ts). */
  amountFen: fen.min(0).optional(),
  weightG: z.number().int().min(1).max(1_000_000).optional(),
  category: z.string().max(32).optional(),
};
/** A goods sale's order discount and 抹零. */
export const saleAdjust = z.strictObject({ orderDiscountFen: fen.min(0), roundingFen: fen.min(0).max(99) });

const productFields = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 of A-Z a-z 0-9 _ -'),
  name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  priceFen: fen.min(0, 'must be at least 0').max(10_000_000_000),
  unit: z.string().trim().min(1).max(8).default('件'),
  weighed: z.boolean().default(false),
  plu: z.string().regex(/^\d{1,8}$/, 'must be 1–8 digits').nullable().default(null),
  category: z.string().trim().max(32).default(''),
  taxFree: z.boolean().default(false),
  active: z.boolean().default(true),
  barcodes: z.array(z.string().max(32)).max(16, 'at most 16 barcodes').default([]),
  stock: z.number().int().safe().optional(),
});

const scaleFormat = z.strictObject({
  prefixes: z.array(z.string().regex(/^\d{1,4}$/)).min(1).max(10),
  length: z.number().int().min(8).max(24),
  plu: z.tuple([z.number().int().min(0), z.number().int().min(1)]),
  valueKind: z.enum(['price', 'weight']),
  value: z.tuple([z.number().int().min(0), z.number().int().min(1)]),
  checkDigit: z.boolean(),
});

export const goodsInvokeSchemas = {
  /** A read that is not a payment code: a product barcode, a scale label, a shop code. */
  'goods.scan': z.strictObject({ code: z.string().min(1).max(64) }),
  'goods.search': z.strictObject({ text: z.string().max(64), includeInactive: z.boolean().default(false), limit: z.number().int().min(1).max(100).default(20) }),
  /** Adds (no id) or edits a product. Manager PIN. */
  'goods.save': z.strictObject({ id: z.number().int().min(1).optional(), product: productFields, managerPin: pin }),
  'goods.setActive': z.strictObject({ id: z.number().int().min(1), active: z.boolean(), managerPin: pin }),
  /** Reads and checks a CSV / XLSX; nothing is written. Answers a token for goods.importCommit. */
  'goods.importPreview': z.strictObject({
    fileName: z.string().min(1).max(200),
    format: z.enum(['csv', 'xlsx']),
    dataBase64: z.string().max(MAX_IMPORT_BASE64_CHARS, 'file too large (at most 32 MB)'),
    managerPin: pin,
  }),
  /** Imports the previewed rows, all or none. */
  'goods.importCommit': z.strictObject({ token: z.string().min(1).max(64), managerPin: pin }),
  'goods.export': z.strictObject({ format: z.enum(['csv', 'xlsx']), managerPin: pin }),
  'goods.config': z.strictObject({}),
  'goods.saveConfig': z.strictObject({
    values: z.strictObject({
      rounding: z.enum(['none', 'jiao', 'yuan']).optional(),
      discountThresholdBp: z.number().int().min(0).max(10_000).optional(),
      discountThresholdFen: fen.min(0).optional(),
      scale: scaleFormat.optional(),
    }),
    managerPin: pin,
  }),
  /** The manager approves a discount above the limit: the PIN is checked now and sent with the payment. */
  'goods.approveDiscount': z.strictObject({ managerPin: pin }),
  /** 挂单: the sale being rung up, put aside (kept across restarts). */
  'goods.hold': z.strictObject({ label: z.string().max(32), lines: z.number().int().min(0).max(500), totalFen: fen.min(0), draft: z.record(z.string(), z.unknown()) }),
  'goods.held': z.strictObject({}),
  /** 取单: takes a held sale back. */
  'goods.recall': z.strictObject({ id: z.number().int().min(1) }),
  /** The lines of an order with what is left to refund of each (history). */
  'goods.saleLines': z.strictObject({ outTradeNo }),
  /** Refund by line: the chosen pieces, their stock back once the refund succeeds. Manager PIN. */
  'orders.refundLines': z.strictObject({
    outTradeNo,
    lines: z.array(z.strictObject({ lineNo: z.number().int().min(1), qty: z.number().int().min(1).max(9999) })).min(1).max(500),
    reason: z.string().max(200).optional(),
    managerPin: pin,
  }),
  /** Goods figures of a shift or a day: top items, quantity and takings by category. */
  'goods.report': z.strictObject({ shiftId: z.number().int().min(1).optional(), date: isoDate.optional() }),
  'goods.exportReport': z.strictObject({ shiftId: z.number().int().min(1).optional(), date: isoDate.optional(), format: z.enum(['csv', 'pdf']) }),
} as const;

export interface ProductView {
  id: number;
  code: string;
  name: string;
  pinyin: string;
  priceFen: Fen;
  unit: string;
  weighed: boolean;
  plu: string | null;
  category: string;
  taxFree: boolean;
  active: boolean;
  stock: number;
  barcodes: string[];
}

export type GoodsScanResult =
  /** Add one piece (again: quantity + 1). */
  | { kind: 'product'; product: ProductView; barcode: string }
  /** A scale label: one weighed line at this price. */
  | { kind: 'weighed'; product: ProductView; barcode: string; weightG: number | null; priceFen: Fen }
  | { kind: 'inactive'; product: ProductView; barcode: string }
  /** A GS1 code or scale label whose check digit is wrong (a misread: scan again). */
  | { kind: 'bad_check'; barcode: string; reason: string }
  /** Not in the catalogue: offer to add it (manager). `addable`: it can be a product barcode. */
  | { kind: 'unknown'; barcode: string; addable: boolean; reason: string | null };

export interface ImportPreview {
  token: string | null;
  fileName: string;
  rows: number;
  adds: number;
  updates: number;
  problems: { row: number; column: string; reason: string }[];
  problemCount: number;
  sample: ProductView[];
}

export interface GoodsConfigView {
  rounding: RoundingRule;
  discountThresholdBp: number;
  discountThresholdFen: Fen;
  scale: ScaleFormat;
}

export interface HeldSaleView {
  id: number;
  heldAt: string;
  label: string;
  lines: number;
  totalFen: Fen;
}

export interface SaleLineView {
  lineNo: number;
  name: string;
  barcode: string | null;
  qty: number;
  unitFen: Fen;
  discountFen: Fen;
  /** What the line was charged. */
  amountFen: Fen;
  weightG: number | null;
  category: string | null;
  refundedQty: number;
}

export interface SaleLinesView {
  outTradeNo: string;
  /** Rung up from the catalogue (lines with their charged amounts): refunded by line, not by amount. */
  goods: boolean;
  lines: SaleLineView[];
  orderDiscountFen: Fen;
  roundingFen: Fen;
  /** What the customer was charged: the lines' amounts add up to it on a goods sale. */
  chargedFen: Fen;
}

export interface GoodsItemFigures {
  name: string;
  code: string | null;
  /** Pieces (weighed lines count in weightG instead). */
  qty: number;
  weightG: number;
  takingsFen: Fen;
}
export interface GoodsCategoryFigures {
  category: string;
  qty: number;
  weightG: number;
  takingsFen: Fen;
}

/**
 * The goods figures of a shift or a day (what the X / Z / 日结 report carries): lines of the paid
 * sales in the scope less the lines refunded in the scope (by the refund's shift, as the channel
 * totals count refunds), so the takings add up with the channels'.
 */
export interface GoodsFigures {
  /** Best sellers by takings (at most TOP_ITEMS). */
  topItems: GoodsItemFigures[];
  categories: GoodsCategoryFigures[];
  /** Sales without lines (typed amounts). */
  typedFen: Fen;
  /** Lines refunded in the scope (already taken off the takings above). */
  refundedFen: Fen;
}

/** The cashier's blind view: quantities stay, every amount is null (the takings would reveal the drawer). */
export interface BlindGoodsFigures {
  topItems: (Omit<GoodsItemFigures, 'takingsFen'> & { takingsFen: null })[];
  categories: (Omit<GoodsCategoryFigures, 'takingsFen'> & { takingsFen: null })[];
  typedFen: null;
  refundedFen: null;
}

export interface GoodsReport extends GoodsFigures {
  from: string;
  to: string;
}

export interface GoodsInvokeResults {
  'goods.scan': GoodsScanResult;
  'goods.search': ProductView[];
  'goods.save': ProductView;
  'goods.setActive': ProductView;
  'goods.importPreview': ImportPreview;
  'goods.importCommit': { added: number; updated: number };
  'goods.export': { path: string; fileName: string; bytes: number };
  'goods.config': GoodsConfigView;
  'goods.saveConfig': GoodsConfigView;
  'goods.approveDiscount': null;
  'goods.hold': HeldSaleView;
  'goods.held': HeldSaleView[];
  'goods.recall': { draft: Record<string, unknown> };
  'goods.saleLines': SaleLinesView;
  'orders.refundLines': import('./contract.js').OrderDetail;
  'goods.report': GoodsReport;
  'goods.exportReport': { path: string; fileName: string; bytes: number };
}
