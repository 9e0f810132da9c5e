// Enrolling a till at the head office: one PostgreSQL login role per till, member of ho_till,
// with a random password that is shown once and kept only by that till (its credential). No
// password is shared between tills, and none is in the repository.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { TILL_GROUP } from './schema.js';

export const TILL_ID_RULE = /^[A-Za-z0-9_-]{1,32}$/;
export const SHOP_ID_RULE = /^[A-Za-z0-9_-]{1,16}$/;
/** Credential length in random bytes (base64url: 32 characters). */
export const CREDENTIAL_BYTES = 24;

/** The login role of a till: lower case, '-' as '_' (PostgreSQL folds unquoted names). */
export function tillRoleName(tillId: string): string {
  if (!TILL_ID_RULE.test(tillId)) throw new Error(`till id "${tillId}": must be 1–32 of A-Z a-z 0-9 _ -`);
  return `till_${tillId.toLowerCase().replace(/-/g, '_')}`;
}

export interface Enrolment {
  tillId: string;
  shopId: string;
  role: string;
  /** The till's credential: shown once, entered in the till's Settings → 总部. */
  credential: string;
}

function newCredential(): string {
  // base64url: no quote can occur, so it is safe inside the PASSWORD '…' literal below.
  return randomBytes(CREDENTIAL_BYTES).toString('base64url');
}

/** Enrols a new till (and its shop, if new). Refuses a till id that is taken, by name. */
export async function enrollTill(admin: pg.ClientBase, input: { tillId: string; shopId: string; shopName?: string }): Promise<Enrolment> {
  const role = tillRoleName(input.tillId);
  if (!SHOP_ID_RULE.test(input.shopId)) throw new Error(`shop id "${input.shopId}": must be 1–16 of A-Z a-z 0-9 _ -`);
  const credential = newCredential();
  await admin.query('BEGIN');
  try {
    const taken = await admin.query('SELECT till_id FROM tills WHERE till_id = $1 OR role_name = $2', [input.tillId, role]);
    if (taken.rowCount) throw new Error(`till "${input.tillId}" is already enrolled (as "${taken.rows[0].till_id}"): issue it a new credential with "rotate" instead`);
    const roleExists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (roleExists.rowCount) throw new Error(`a PostgreSQL role "${role}" already exists and is not a till of this head office: choose another till id`);
    await admin.query('INSERT INTO shops (shop_id, name) VALUES ($1, $2) ON CONFLICT (shop_id) DO NOTHING', [input.shopId, input.shopName ?? '']);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${credential}' IN ROLE ${TILL_GROUP} CONNECTION LIMIT 4`);
    await admin.query('INSERT INTO tills (till_id, shop_id, role_name) VALUES ($1, $2, $3)', [input.tillId, input.shopId, role]);
    await admin.query('COMMIT');
  } catch (err) {
    await admin.query('ROLLBACK');
    throw err;
  }
  return { tillId: input.tillId, shopId: input.shopId, role, credential };
}

/** A new credential for an enrolled till (the old one stops working at once). */
export async function rotateCredential(admin: pg.ClientBase, tillId: string): Promise<Enrolment> {
  const role = tillRoleName(tillId);
  const row = await admin.query<{ shop_id: string }>('SELECT shop_id FROM tills WHERE till_id = $1', [tillId]);
  if (!row.rowCount) throw new Error(`till "${tillId}" is not enrolled`);
  const credential = newCredential();
  await admin.query(`ALTER ROLE ${role} PASSWORD '${credential}'`);
  return { tillId, shopId: row.rows[0]!.shop_id, role, credential };
}
