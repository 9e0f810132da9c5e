// The head office's PostgreSQL schema, in the project's own migration style (as the journal's:
// numbered, forward-only, each in its own transaction, every applied version recorded, a newer
// database refused). No migration tool is added for a handful of SQL steps that one process
// (the head office's admin command) applies; a pg_advisory_xact_lock keeps two runs apart.
//
// What a till may do is decided here, by PostgreSQL itself:
//   - each till logs in as its own role (enroll.ts), a member of ho_till;
//   - row-level security: a till reads and writes only rows with its own till_id, and only its own
//     row of `tills` (its cursor); it can never delete;
//   - the catalogue and the cashiers are read-only to tills; the report views are not granted.
import type pg from 'pg';

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The group role of every till's login role. */
export const TILL_GROUP = 'ho_till';

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'tills_and_rows',
    sql: `
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TILL_GROUP}') THEN CREATE ROLE ${TILL_GROUP} NOLOGIN; END IF;
      END $$;
      REVOKE ALL ON SCHEMA public FROM PUBLIC;
      GRANT USAGE ON SCHEMA public TO ${TILL_GROUP};

      CREATE TABLE shops (
        shop_id text PRIMARY KEY CHECK (shop_id ~ '^[A-Za-z0-9_-]{1,16}$'),
        name text NOT NULL DEFAULT ''
      );
      CREATE TABLE tills (
        till_id text PRIMARY KEY CHECK (till_id ~ '^[A-Za-z0-9_-]{1,32}$'),
        shop_id text NOT NULL REFERENCES shops,
        role_name text NOT NULL UNIQUE,
        -- the journal this till replicates (set by its first push; another journal is refused)
        journal_id text,
        -- the till's replication_log seq up to which every row is stored here
        acked_seq bigint NOT NULL DEFAULT 0 CHECK (acked_seq >= 0),
        rows_behind bigint NOT NULL DEFAULT 0,
        -- the highest audit entry stored (what a restore on the till is compared with)
        audit_seq bigint NOT NULL DEFAULT 0,
        last_push_at timestamptz,
        enrolled_at timestamptz NOT NULL DEFAULT now()
      );
      -- Every replicated journal row: keyed by (till, table, row key), the newest seq wins.
      CREATE TABLE till_rows (
        till_id text NOT NULL REFERENCES tills,
        tbl text NOT NULL,
        row_key text NOT NULL,
        seq bigint NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        data jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (till_id, tbl, row_key)
      );
      CREATE INDEX till_rows_day ON till_rows (tbl, (data->>'business_date')) WHERE NOT deleted;

      -- The till of the logged-in role (SECURITY DEFINER: reads tills past its row-level security).
      CREATE FUNCTION ho_till_id() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
        AS $fn$ SELECT till_id FROM tills WHERE role_name = session_user $fn$;
      REVOKE ALL ON FUNCTION ho_till_id() FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION ho_till_id() TO ${TILL_GROUP};

      ALTER TABLE till_rows ENABLE ROW LEVEL SECURITY;
      CREATE POLICY till_rows_own ON till_rows TO ${TILL_GROUP}
        USING (till_id = (SELECT ho_till_id())) WITH CHECK (till_id = (SELECT ho_till_id()));
      GRANT SELECT, INSERT, UPDATE ON till_rows TO ${TILL_GROUP};

      ALTER TABLE tills ENABLE ROW LEVEL SECURITY;
      CREATE POLICY tills_own ON tills TO ${TILL_GROUP} USING (role_name = session_user) WITH CHECK (role_name = session_user);
      GRANT SELECT ON tills TO ${TILL_GROUP};
      GRANT UPDATE (journal_id, acked_seq, rows_behind, audit_seq, last_push_at) ON tills TO ${TILL_GROUP};
    `,
  },
  {
    version: 2,
    name: 'central_catalogue_and_cashiers',
    sql: `
      CREATE SEQUENCE ho_version;
      CREATE FUNCTION ho_bump_version() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN NEW.version := nextval('ho_version'); NEW.updated_at := now(); RETURN NEW; END $fn$;
      CREATE TABLE ho_products (
        code text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
        pinyin text NOT NULL DEFAULT '',
        price_fen bigint NOT NULL CHECK (price_fen BETWEEN 0 AND 10000000000),
        unit text NOT NULL DEFAULT '件',
        weighed boolean NOT NULL DEFAULT false,
        plu text CHECK (plu IS NULL OR plu ~ '^[0-9]{1,8}$'),
        category text NOT NULL DEFAULT '',
        tax_free boolean NOT NULL DEFAULT false,
        active boolean NOT NULL DEFAULT true,
        barcodes text[] NOT NULL DEFAULT '{}',
        version bigint NOT NULL DEFAULT nextval('ho_version'),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TRIGGER ho_products_version BEFORE UPDATE ON ho_products FOR EACH ROW EXECUTE FUNCTION ho_bump_version();
      CREATE INDEX ho_products_version_ix ON ho_products (version);
      CREATE TABLE ho_cashiers (
        id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_]{1,32}$'),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 32),
        role text NOT NULL CHECK (role IN ('cashier', 'manager')),
        pin_hash text NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
        active boolean NOT NULL DEFAULT true,
        version bigint NOT NULL DEFAULT nextval('ho_version'),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TRIGGER ho_cashiers_version BEFORE UPDATE ON ho_cashiers FOR EACH ROW EXECUTE FUNCTION ho_bump_version();
      GRANT SELECT ON ho_products, ho_cashiers TO ${TILL_GROUP};
    `,
  },
  {
    version: 3,
    name: 'report_views',
    sql: `
      -- Typed views over the replicated rows, for the head office's reports (not granted to tills).
      CREATE VIEW ho_attempts AS
        SELECT r.till_id, t.shop_id, (r.data->>'id')::bigint AS id, r.data->>'out_trade_no' AS out_trade_no,
               r.data->>'channel' AS channel, r.data->>'state' AS state, (r.data->>'amount_fen')::bigint AS amount_fen,
               r.data->>'business_date' AS business_date, (r.data->>'shift_id')::bigint AS shift_id,
               r.data->>'confirmed_by' AS confirmed_by
        FROM till_rows r JOIN tills t USING (till_id) WHERE r.tbl = 'attempts' AND NOT r.deleted;
      CREATE VIEW ho_refunds AS
        SELECT r.till_id, t.shop_id, (r.data->>'id')::bigint AS id, r.data->>'channel' AS channel, r.data->>'state' AS state,
               (r.data->>'amount_fen')::bigint AS amount_fen, r.data->>'business_date' AS business_date,
               (r.data->>'shift_id')::bigint AS shift_id
        FROM till_rows r JOIN tills t USING (till_id) WHERE r.tbl = 'refunds' AND NOT r.deleted;
      CREATE VIEW ho_shifts AS
        SELECT r.till_id, t.shop_id, (r.data->>'id')::bigint AS id, r.data->>'cashier_id' AS cashier_id,
               r.data->>'business_date' AS business_date, r.data->>'opened_at' AS opened_at, r.data->>'closed_at' AS closed_at,
               (r.data->>'float_fen')::bigint AS float_fen, (r.data->>'expected_fen')::bigint AS expected_fen,
               (r.data->>'counted_fen')::bigint AS counted_fen, (r.data->>'variance_fen')::bigint AS variance_fen,
               r.data->>'variance_reason' AS variance_reason
        FROM till_rows r JOIN tills t USING (till_id) WHERE r.tbl = 'shifts' AND NOT r.deleted;
      CREATE VIEW ho_till_cashiers AS
        SELECT r.till_id, r.data->>'id' AS id, r.data->>'name' AS name
        FROM till_rows r WHERE r.tbl = 'cashiers' AND NOT r.deleted;
      CREATE VIEW ho_reconciliations AS
        SELECT r.till_id, (r.data->>'id')::bigint AS id, r.data->>'scope' AS scope, (r.data->>'shift_id')::bigint AS shift_id,
               r.data->>'business_date' AS business_date, r.data->>'at' AS at, (r.data->>'checked')::bigint AS checked,
               (r.data->>'matches')::int = 1 AS matches, (r.data->>'confirmed')::bigint AS confirmed
        FROM till_rows r WHERE r.tbl = 'reconciliations' AND NOT r.deleted;
    `,
  },
];

export interface PgMigrateResult {
  applied: string[];
  version: number;
}

/** Applies what is missing, each migration in its own transaction. Connect as the admin. */
export async function migrateHeadOffice(client: pg.ClientBase, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<PgMigrateResult> {
  await client.query(`CREATE TABLE IF NOT EXISTS ho_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(7263001)');
    const have = new Set((await client.query<{ version: number }>('SELECT version FROM ho_migrations')).rows.map((r) => r.version));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...have].filter((v) => !known.has(v));
    if (unknown.length) throw new Error(`head office database has migration ${unknown.join(', ')} that this build does not know: it was set up by a newer version; upgrade this one`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  for (const m of migrations) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock(7263001)');
      const done = await client.query('SELECT 1 FROM ho_migrations WHERE version = $1', [m.version]);
      if (done.rowCount === 0) {
        await client.query(m.sql);
        await client.query('INSERT INTO ho_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        applied.push(`${m.version}_${m.name}`);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw new Error(`head office migration ${m.version}_${m.name}: ${(err as Error).message}`);
    }
  }
  return { applied, version: Math.max(0, ...migrations.map((m) => m.version)) };
}
