/** The on-disk format of a vault (SECURITY-NOTES §2). Changing anything here needs a new version. */
export const MAGIC = 'LTCHKEY1';
/**
 * 2: the manifest MAC covers the meta row and every slot too (1 covered only the rows, so a slot could be
 * deleted and the unkeyed header sum rewritten unnoticed). A format-1 vault is migrated on its next unlock.
 */
export const FORMAT_VERSION = 2;
/** The oldest format this code reads (and migrates). */
export const OLDEST_FORMAT_VERSION = 1;
/**
 * The version bound into every slot's associated data: the layout of a slot, unchanged since format 1.
 * It is not the vault's format: a recovery slot can't be re-wrapped without its secret, so a format bump
 * that leaves the slots alone must leave their associated data alone too.
 */
export const SLOT_AD_VERSION = 1;
export const KDF_ID = 'argon2id13';
export const KDF_CONTEXT = 'LKvault1';
export const SUBKEY_ROWS = 1;
export const SUBKEY_MANIFEST = 2;
export const LABEL_PAD_BLOCK = 64;

/** Bytes that bind a sealed value to where it is stored (row associated data). */
export const TABLE_CODE = { entries: 1, groups: 2, records: 3 } as const;
export const FIELD_CODE = { meta: 1, seed: 2, extra: 3, group: 4, record: 5 } as const;

export type SlotKind = 'password' | 'password+yubikey' | 'recovery' | 'keyring';

/**
 * The exact schema. On open, sqlite_master must match it: an injected trigger or view (which could
 * run code or leak rows on the next write) makes the open fail. STRICT tables refuse mistyped values.
 */
export const SCHEMA: readonly { readonly type: 'table' | 'index'; readonly name: string; readonly sql: string }[] = [
  {
    type: 'table',
    name: 'meta',
    sql: 'CREATE TABLE meta (id INTEGER PRIMARY KEY CHECK (id = 1), magic TEXT NOT NULL, format_version INTEGER NOT NULL, vault_id BLOB NOT NULL, header_sum BLOB NOT NULL) STRICT',
  },
  {
    type: 'table',
    name: 'slots',
    sql: 'CREATE TABLE slots (slot_id BLOB PRIMARY KEY, kind TEXT NOT NULL, kdf TEXT NOT NULL, ops INTEGER NOT NULL, mem INTEGER NOT NULL, salt BLOB NOT NULL, challenge BLOB NOT NULL, nonce BLOB NOT NULL, wrapped_mk BLOB NOT NULL) STRICT',
  },
  {
    type: 'table',
    name: 'entries',
    sql: 'CREATE TABLE entries (id BLOB PRIMARY KEY, rev INTEGER NOT NULL, position INTEGER NOT NULL, meta_nonce BLOB NOT NULL, meta_ct BLOB NOT NULL, seed_nonce BLOB NOT NULL, seed_ct BLOB NOT NULL, extra_nonce BLOB, extra_ct BLOB) STRICT',
  },
  {
    type: 'table',
    name: 'groups',
    sql: 'CREATE TABLE groups (id BLOB PRIMARY KEY, rev INTEGER NOT NULL, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT',
  },
  {
    type: 'table',
    name: 'records',
    sql: 'CREATE TABLE records (id BLOB PRIMARY KEY, rev INTEGER NOT NULL, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT',
  },
  {
    type: 'table',
    name: 'manifest',
    sql: 'CREATE TABLE manifest (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, mac BLOB NOT NULL) STRICT',
  },
];

/** Inserts a SlotRow (named parameters match its fields). */
export const INSERT_SLOT_SQL =
  'INSERT INTO slots (slot_id, kind, kdf, ops, mem, salt, challenge, nonce, wrapped_mk) VALUES (@slotId, @kind, @kdf, @ops, @mem, @salt, @challenge, @nonce, @wrappedMk)';
