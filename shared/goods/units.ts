// Quantities of goods as text, exact (grams are integers: never a float of them): pieces, and
// weighed goods in kg with three decimals. Used by the screens, the paper and the exports alike.

/** "1.250 kg" from grams. */
export function kgText(g: number): string {
  const sign = g < 0 ? '-' : '';
  const a = Math.abs(g);
  return `${sign}${Math.floor(a / 1000)}.${String(a % 1000).padStart(3, '0')} kg`;
}

/** Pieces, and the weight when there is one: "3", "1.250 kg", "3 + 1.250 kg". */
export function qtyText(x: { qty: number; weightG: number }): string {
  if (x.weightG === 0) return String(x.qty);
  return x.qty === 0 ? kgText(x.weightG) : `${x.qty} + ${kgText(x.weightG)}`;
}
