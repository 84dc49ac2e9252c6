/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-database.h"

#include "confab-core-error.h"

/*
 * Durability. "Stored before acknowledged" (ARCHITECTURE.md) needs a
 * committed transaction to survive the death of the process (SIGKILL, a
 * crash), not a power loss. In WAL mode a COMMIT appends the frames to the
 * -wal file with write(2) before returning; with synchronous=NORMAL only the
 * fsync at commit is skipped (the WAL is synced at checkpoints). Data written
 * with write(2) is in the kernel's page cache and survives the process being
 * killed, so WAL + NORMAL is durable against process crashes and merely may
 * lose the last transactions on power loss or a kernel panic, never
 * corrupting the database. That trade is what SQLite documents for WAL
 * ("WAL mode is always consistent with synchronous=NORMAL") and it keeps a
 * commit at microseconds instead of an fsync per batch.
 */

#define BUSY_TIMEOUT_MS 5000

struct _ConfabDatabase
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *statements;  /* const char *sql → sqlite3_stmt * */
  int         schema_version;
  guint       read_only : 1;
};

G_DEFINE_FINAL_TYPE (ConfabDatabase, confab_database, G_TYPE_OBJECT)

/* ---- Migrations ------------------------------------------------------------
 *
 * Never edit a released step: add a new one. Each runs in one transaction
 * together with the PRAGMA user_version that records it.
 */

/* v1: accounts, conversations and messages with their dedup indexes. Senders
 * are interned in jids so that rows and the unique indexes carry an integer,
 * not the address text, for every message. */
static const char migration_v1[] =
  "CREATE TABLE jids ("
  "  id INTEGER PRIMARY KEY,"
  "  jid TEXT NOT NULL UNIQUE"
  ");"
  /* No password column, ever: secrets live in libsecret only. */
  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  jid TEXT NOT NULL UNIQUE,"
  "  enabled INTEGER NOT NULL DEFAULT 1,"
  "  host TEXT,"
  "  port INTEGER,"
  "  direct_tls INTEGER NOT NULL DEFAULT 0,"
  "  resource TEXT,"
  "  pinned_fingerprints TEXT,"
  "  created INTEGER NOT NULL"
  ");"
  "CREATE TABLE conversations ("
  "  id INTEGER PRIMARY KEY,"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  peer TEXT NOT NULL,"
  "  kind INTEGER NOT NULL DEFAULT 0,"
  "  last_message_id INTEGER,"
  "  last_activity INTEGER NOT NULL DEFAULT 0,"
  "  unread_count INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (account_id, peer)"
  ");"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY,"
  "  conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,"
  "  direction INTEGER NOT NULL,"
  "  sender_id INTEGER NOT NULL REFERENCES jids (id),"
  "  timestamp INTEGER NOT NULL,"
  "  body TEXT,"
  "  origin_id TEXT,"
  "  stanza_id TEXT,"
  "  archive_id TEXT,"
  "  state INTEGER NOT NULL DEFAULT 0,"
  "  edited INTEGER NOT NULL DEFAULT 0,"
  "  retracted INTEGER NOT NULL DEFAULT 0"
  ");"
  /* Paging: (conversation, timestamp, rowid) walks a conversation in order. */
  "CREATE INDEX messages_by_time ON messages (conversation_id, timestamp);"
  /* Dedup, always keyed by the sender too: a stranger who reuses someone
   * else's id gets a row of their own instead of hiding or replacing it.
   * The id comes before the sender so that lookups by (conversation, id)
   * alone, e.g. for a reaction's target, use the same index. */
  "CREATE UNIQUE INDEX messages_by_origin_id ON messages (conversation_id, origin_id, sender_id)"
  "  WHERE origin_id IS NOT NULL;"
  "CREATE UNIQUE INDEX messages_by_stanza_id ON messages (conversation_id, stanza_id, sender_id)"
  "  WHERE stanza_id IS NOT NULL;"
  "CREATE UNIQUE INDEX messages_by_archive_id ON messages (conversation_id, archive_id, sender_id)"
  "  WHERE archive_id IS NOT NULL;"
  "CREATE INDEX messages_pending ON messages (conversation_id) WHERE state = 0;";

/* v2: XEP-0308 correction chains, XEP-0461 replies, XEP-0444 reactions. */
static const char migration_v2[] =
  "ALTER TABLE messages ADD COLUMN last_edit_id TEXT;"
  "ALTER TABLE messages ADD COLUMN reply_to TEXT;"
  "CREATE INDEX messages_by_edit_id ON messages (conversation_id, last_edit_id, sender_id)"
  "  WHERE last_edit_id IS NOT NULL;"
  "CREATE TABLE reactions ("
  "  message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,"
  "  sender_id INTEGER NOT NULL REFERENCES jids (id),"
  "  emoji TEXT NOT NULL,"
  "  PRIMARY KEY (message_id, sender_id, emoji)"
  ") WITHOUT ROWID;";

/* v3: full-text search. External content (the text is stored once, in
 * messages), no per-row sizes (we never rank by bm25), kept in sync by
 * triggers; 'rebuild' indexes what earlier versions stored. */
static const char migration_v3[] =
  "CREATE VIRTUAL TABLE messages_fts USING fts5 ("
  "  body, content='messages', content_rowid='id', columnsize=0,"
  "  tokenize='unicode61 remove_diacritics 2');"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
  "  WHEN new.body IS NOT NULL BEGIN"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);"
  "END;"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
  "  WHEN old.body IS NOT NULL BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);"
  "END;"
  /* One trigger so that the old text is removed before the new is added. */
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN"
  "  INSERT INTO messages_fts (messages_fts, rowid, body)"
  "    SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL;"
  "  INSERT INTO messages_fts (rowid, body)"
  "    SELECT new.id, new.body WHERE new.body IS NOT NULL;"
  "END;"
  "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');";

/* v4: a private CA per account (the only trust anchor for it). */
static const char migration_v4[] =
  "ALTER TABLE accounts ADD COLUMN ca_file TEXT;";

/* v5: how far the account's archive (XEP-0313) is known to be stored
 * completely: the id of the last result of the last catch-up page stored.
 * NULL until a first catch-up stored a page (see confab-account-sync.c). */
static const char migration_v5[] =
  "ALTER TABLE accounts ADD COLUMN mam_complete_id TEXT;";

/* v6: new messages are indexed by the history writer itself, not by a
 * trigger. A trigger's write into the FTS5 table makes SQLite wrap each
 * INSERT in a statement savepoint, and FTS5 writes its pending terms out
 * as a new segment at every savepoint release: a segment per message. Done
 * by the writer, the terms of a whole transaction go out as one (a
 * message's share of the writer's work falls by about a third). The delete
 * and update triggers stay: they are rare. */
static const char migration_v6[] =
  "DROP TRIGGER messages_fts_insert;";

static const char * const migrations[] = {
  migration_v1,
  migration_v2,
  migration_v3,
  migration_v4,
  migration_v5,
  migration_v6,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CONFAB_DATABASE_SCHEMA_VERSION);

const char *
confab_database_get_migration_sql (guint version)
{
  if (version < 1 || version > G_N_ELEMENTS (migrations))
    return NULL;
  return migrations[version - 1];
}

/* ---- Errors ---------------------------------------------------------------- */

void
confab_database_set_error (sqlite3     *db,
                           const char  *what,
                           GError     **error)
{
  int code = db != NULL ? sqlite3_errcode (db) : SQLITE_ERROR;
  ConfabCoreError core_code = CONFAB_CORE_ERROR_DATABASE;

  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    core_code = CONFAB_CORE_ERROR_DATABASE_CORRUPT;
  g_set_error (error, CONFAB_CORE_ERROR, core_code, "%s: %s",
               what, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (code));
}

/* ---- GObject --------------------------------------------------------------- */

static void
finalize_statement (gpointer data)
{
  sqlite3_finalize (data);
}

static void
confab_database_finalize (GObject *object)
{
  ConfabDatabase *self = CONFAB_DATABASE (object);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      /* Closing the last connection checkpoints and removes the WAL. */
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (confab_database_parent_class)->finalize (object);
}

static void
confab_database_class_init (ConfabDatabaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = confab_database_finalize;
}

static void
confab_database_init (ConfabDatabase *self)
{
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_statement);
}

/* ---- Statements ------------------------------------------------------------ */

sqlite3_stmt *
confab_database_prepare (ConfabDatabase  *self,
                         const char      *sql,
                         GError         **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_DATABASE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      confab_database_set_error (self->db, "Could not prepare a statement", error);
      return NULL;
    }
  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

gboolean
confab_database_exec (ConfabDatabase  *self,
                      const char      *sql,
                      GError         **error)
{
  g_return_val_if_fail (CONFAB_IS_DATABASE (self), FALSE);

  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      confab_database_set_error (self->db, "Could not run SQL", error);
      return FALSE;
    }
  return TRUE;
}

gboolean
confab_database_begin (ConfabDatabase  *self,
                       GError         **error)
{
  /* IMMEDIATE takes the write lock now, so a busy database is waited for
   * here (busy_timeout) instead of failing halfway through. */
  return confab_database_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
confab_database_commit (ConfabDatabase  *self,
                        GError         **error)
{
  return confab_database_exec (self, "COMMIT", error);
}

void
confab_database_rollback (ConfabDatabase *self)
{
  g_return_if_fail (CONFAB_IS_DATABASE (self));

  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- Opening --------------------------------------------------------------- */

static gboolean
query_int (ConfabDatabase  *self,
           const char      *sql,
           int             *value,
           GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      confab_database_set_error (self->db, "Could not read the database", error);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int (stmt, 0);
  else if (rc != SQLITE_DONE)
    confab_database_set_error (self->db, "Could not read the database", error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Debian 12 ships SQLite 3.40 with FTS5, but a distribution may build it
 * without: probe by creating a throwaway FTS5 table in the temp schema. */
static gboolean
check_fts5 (ConfabDatabase  *self,
            GError         **error)
{
  if (sqlite3_exec (self->db,
                    "CREATE VIRTUAL TABLE temp.confab_fts5_probe USING fts5 (x);"
                    "DROP TABLE temp.confab_fts5_probe;",
                    NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE,
                   "This SQLite (%s) has no FTS5 full-text search, which Confab needs "
                   "(build it with SQLITE_ENABLE_FTS5): %s",
                   sqlite3_libversion (), sqlite3_errmsg (self->db));
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (ConfabDatabase  *self,
         GError         **error)
{
  for (guint version = self->schema_version + 1; version <= CONFAB_DATABASE_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %u", version);

      if (!confab_database_begin (self, error))
        return FALSE;
      if (sqlite3_exec (self->db, migrations[version - 1], NULL, NULL, NULL) != SQLITE_OK ||
          sqlite3_exec (self->db, set_version, NULL, NULL, NULL) != SQLITE_OK)
        {
          g_autofree char *what = g_strdup_printf ("Could not migrate the database to version %u",
                                                   version);

          confab_database_set_error (self->db, what, error);
          confab_database_rollback (self);
          return FALSE;
        }
      if (!confab_database_commit (self, error))
        {
          confab_database_rollback (self);
          return FALSE;
        }
      self->schema_version = version;
    }
  return TRUE;
}

ConfabDatabase *
confab_database_open (const char          *path,
                      ConfabDatabaseFlags  flags,
                      GError             **error)
{
  g_autoptr(ConfabDatabase) self = NULL;
  gboolean read_only = (flags & CONFAB_DATABASE_READ_ONLY) != 0;
  int open_flags;
  int version = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CONFAB_TYPE_DATABASE, NULL);
  self->path = g_strdup (path);
  self->read_only = read_only;

  open_flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2 (path, &self->db, open_flags, NULL) != SQLITE_OK)
    {
      confab_database_set_error (self->db, "Could not open the database", error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* The version first: a newer Confab's database is left exactly as it is
   * (and a file that is no database at all fails here as corrupt). */
  if (!query_int (self, "PRAGMA user_version", &version, error))
    return NULL;
  if (!check_fts5 (self, error))
    return NULL;
  if (version > CONFAB_DATABASE_SCHEMA_VERSION)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE_TOO_NEW,
                   "The database %s has schema version %d; this Confab knows up to %d",
                   path, version, CONFAB_DATABASE_SCHEMA_VERSION);
      return NULL;
    }
  self->schema_version = version;

  if (!confab_database_exec (self, "PRAGMA foreign_keys = ON", error))
    return NULL;

  if (read_only)
    {
      if (version != CONFAB_DATABASE_SCHEMA_VERSION)
        {
          g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE,
                       "The database %s has schema version %d, not %d (open it for writing first)",
                       path, version, CONFAB_DATABASE_SCHEMA_VERSION);
          return NULL;
        }
      return g_steal_pointer (&self);
    }

  {
    sqlite3_stmt *stmt = NULL;
    gboolean wal = FALSE;

    /* journal_mode answers with the mode now in effect. */
    if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step (stmt) == SQLITE_ROW)
      wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
    sqlite3_finalize (stmt);
    if (!wal)
      {
        confab_database_set_error (self->db, "Could not switch the database to WAL mode", error);
        return NULL;
      }
  }
  /* See "Durability" at the top. */
  if (!confab_database_exec (self, "PRAGMA synchronous = NORMAL", error))
    return NULL;

  if (!migrate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
confab_database_get_path (ConfabDatabase *self)
{
  g_return_val_if_fail (CONFAB_IS_DATABASE (self), NULL);
  return self->path;
}

gboolean
confab_database_is_read_only (ConfabDatabase *self)
{
  g_return_val_if_fail (CONFAB_IS_DATABASE (self), FALSE);
  return self->read_only;
}

sqlite3 *
confab_database_get_handle (ConfabDatabase *self)
{
  g_return_val_if_fail (CONFAB_IS_DATABASE (self), NULL);
  return self->db;
}

int
confab_database_get_schema_version (ConfabDatabase *self)
{
  g_return_val_if_fail (CONFAB_IS_DATABASE (self), 0);
  return self->schema_version;
}

/* ---- Checks and accounts --------------------------------------------------- */

gboolean
confab_database_check_integrity (ConfabDatabase  *self,
                                 GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (CONFAB_IS_DATABASE (self), FALSE);

  /* integrity_check answers one row "ok" or one row per problem. */
  if (sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &stmt, NULL) != SQLITE_OK)
    {
      confab_database_set_error (self->db, "Could not check the database", error);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      confab_database_set_error (self->db, "Could not check the database", error);
      sqlite3_finalize (stmt);
      return FALSE;
    }
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE_CORRUPT,
                   "The database %s is damaged: %s",
                   self->path, (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);

  /* foreign_key_check answers nothing when every reference holds. */
  if (sqlite3_prepare_v2 (self->db, "PRAGMA foreign_key_check", -1, &stmt, NULL) != SQLITE_OK)
    {
      confab_database_set_error (self->db, "Could not check the database", error);
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE_CORRUPT,
                   "The database %s has a dangling reference in table %s",
                   self->path, (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      return FALSE;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      confab_database_set_error (self->db, "Could not check the database", error);
      return FALSE;
    }
  return TRUE;
}

gint64
confab_database_ensure_account (ConfabDatabase  *self,
                                const char      *jid,
                                GError         **error)
{
  sqlite3_stmt *stmt;
  gint64 id = 0;

  g_return_val_if_fail (CONFAB_IS_DATABASE (self), 0);
  g_return_val_if_fail (jid != NULL, 0);

  stmt = confab_database_prepare (self,
                                  "INSERT INTO accounts (jid, created) VALUES (?1, ?2)"
                                  " ON CONFLICT (jid) DO NOTHING", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, jid, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      confab_database_set_error (self->db, "Could not add the account", error);
      sqlite3_reset (stmt);
      return 0;
    }
  sqlite3_reset (stmt);

  stmt = confab_database_prepare (self, "SELECT id FROM accounts WHERE jid = ?1", error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, jid, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else
    confab_database_set_error (self->db, "Could not find the account", error);
  sqlite3_reset (stmt);
  return id;
}
