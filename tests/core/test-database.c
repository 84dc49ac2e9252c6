/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "confab-core-error.h"
#include "confab-database.h"
#include "core-test-util.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("confab-test-db-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->path = g_build_filename (f->dir, "confab.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  core_test_remove_dir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* ---- Raw SQLite helpers (independent of the code under test) -------------- */

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  return db;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  g_assert_cmpint (rc, ==, SQLITE_OK);
}

static gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Builds a database at @version by running the first @version migrations,
 * exactly as the code that wrote it would have. */
static void
build_version (const char *path,
               guint       version)
{
  sqlite3 *db = raw_open (path);

  for (guint v = 1; v <= version; v++)
    {
      const char *sql = confab_database_get_migration_sql (v);
      g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %u", v);

      g_assert_nonnull (sql);
      raw_exec (db, "BEGIN");
      raw_exec (db, sql);
      raw_exec (db, pragma);
      raw_exec (db, "COMMIT");
    }
  /* Data every version has: an account, a conversation, messages. */
  if (version >= 1)
    {
      raw_exec (db,
                "INSERT INTO accounts (id, jid, host, port, created) VALUES (1, 'alice@example.org', 'xmpp.example.org', 5222, 1);"
                "INSERT INTO jids (id, jid) VALUES (1, 'alice@example.org'), (2, 'bob@example.org');"
                "INSERT INTO conversations (id, account_id, peer, unread_count) VALUES (1, 1, 'bob@example.org', 1);"
                "INSERT INTO messages (conversation_id, direction, sender_id, timestamp, body, origin_id)"
                "  VALUES (1, 0, 2, 1000, 'hello from the past', 'o-1'),"
                "         (1, 1, 1, 2000, 'an answer with zebras', 'o-2');");
      /* From v6 the history writer indexes what it stores (no trigger). */
      if (version >= 6)
        raw_exec (db, "INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages;");
    }
  sqlite3_close (db);
}

/* ---- Tests ------------------------------------------------------------------ */

static void
test_open_new (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  sqlite3 *raw;

  g_assert_no_error (error);
  g_assert_nonnull (db);
  g_assert_cmpint (confab_database_get_schema_version (db), ==, CONFAB_DATABASE_SCHEMA_VERSION);
  raw = confab_database_get_handle (db);
  g_assert_cmpint (raw_int (raw, "PRAGMA user_version"), ==, CONFAB_DATABASE_SCHEMA_VERSION);
  g_assert_cmpint (raw_int (raw, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (raw_int (raw, "PRAGMA synchronous"), ==, 1);  /* NORMAL */
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (raw, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
  }
  g_assert_true (confab_database_check_integrity (db, &error));
  g_assert_no_error (error);

  /* Reopening is a no-op. */
  g_clear_object (&db);
  db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (confab_database_get_schema_version (db), ==, CONFAB_DATABASE_SCHEMA_VERSION);
}

static void
test_migrate_from (Fixture       *f,
                   gconstpointer  data)
{
  guint from = GPOINTER_TO_UINT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  sqlite3 *raw;

  build_version (f->path, from);

  db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);
  raw = confab_database_get_handle (db);
  g_assert_cmpint (raw_int (raw, "PRAGMA user_version"), ==, CONFAB_DATABASE_SCHEMA_VERSION);

  /* The data is intact. */
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM messages"), ==, 2);
  g_assert_cmpint (raw_int (raw, "SELECT port FROM accounts WHERE jid = 'alice@example.org'"), ==, 5222);
  g_assert_cmpint (raw_int (raw, "SELECT unread_count FROM conversations WHERE id = 1"), ==, 1);
  g_assert_cmpint (raw_int (raw, "SELECT timestamp FROM messages WHERE origin_id = 'o-2'"), ==, 2000);
  /* Later columns exist with their defaults, and earlier text was indexed. */
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM messages WHERE reply_to IS NULL AND last_edit_id IS NULL"), ==, 2);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM reactions"), ==, 0);
  /* v4: the account has no private CA until one is set. */
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM accounts WHERE ca_file IS NULL"), ==, 1);
  g_assert_cmpint (sqlite3_exec (raw, "UPDATE accounts SET ca_file = '/etc/ca.pem' WHERE id = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  /* v5: no catch-up position until a catch-up stored a page. */
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM accounts WHERE mam_complete_id IS NULL"), ==, 1);
  g_assert_cmpint (sqlite3_exec (raw, "UPDATE accounts SET mam_complete_id = 'a-1' WHERE id = 1",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (raw_int (raw, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'zebras'"), ==,
                   raw_int (raw, "SELECT id FROM messages WHERE origin_id = 'o-2'"));
  /* v6: new rows are indexed by the writer, edits and deletions still by triggers. */
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts_insert'"), ==, 0);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM sqlite_master WHERE name = 'messages_fts_update'"), ==, 1);
  /* The dedup indexes hold for migrated rows too. */
  g_assert_cmpint (sqlite3_exec (raw,
                                 "INSERT INTO messages (conversation_id, direction, sender_id, timestamp, origin_id)"
                                 " VALUES (1, 0, 2, 3000, 'o-1')", NULL, NULL, NULL) & 0xff, ==, SQLITE_CONSTRAINT);

  g_assert_true (confab_database_check_integrity (db, &error));
  g_assert_no_error (error);
}

static void
test_too_new (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  g_autofree char *pragma = g_strdup_printf ("PRAGMA user_version = %d", CONFAB_DATABASE_SCHEMA_VERSION + 1);
  sqlite3 *raw;

  build_version (f->path, CONFAB_DATABASE_SCHEMA_VERSION);
  raw = raw_open (f->path);
  raw_exec (raw, pragma);
  raw_exec (raw, "CREATE TABLE from_the_future (x)");
  sqlite3_close (raw);

  db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_null (db);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE_TOO_NEW);
  g_clear_error (&error);

  db = confab_database_open (f->path, CONFAB_DATABASE_READ_ONLY, &error);
  g_assert_null (db);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE_TOO_NEW);

  /* Left untouched. */
  raw = raw_open (f->path);
  g_assert_cmpint (raw_int (raw, "PRAGMA user_version"), ==, CONFAB_DATABASE_SCHEMA_VERSION + 1);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM from_the_future"), ==, 0);
  sqlite3_close (raw);
}

static void
test_not_a_database (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  char junk[4096];

  memset (junk, 'x', sizeof junk);
  g_assert_true (g_file_set_contents (f->path, junk, sizeof junk, NULL));
  db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_null (db);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE_CORRUPT);
}

static void
test_integrity_detects_damage (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  sqlite3 *raw;

  build_version (f->path, CONFAB_DATABASE_SCHEMA_VERSION);
  /* A dangling reference, written with foreign keys off. */
  raw = raw_open (f->path);
  raw_exec (raw, "INSERT INTO messages (conversation_id, direction, sender_id, timestamp) VALUES (42, 0, 1, 5)");
  sqlite3_close (raw);

  db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_false (confab_database_check_integrity (db, &error));
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE_CORRUPT);
}

static void
test_no_password_column (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  sqlite3_stmt *stmt = NULL;
  guint n_columns = 0;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_prepare_v2 (confab_database_get_handle (db),
                                       "SELECT name FROM pragma_table_info ('accounts')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *name = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 0), -1);

      n_columns++;
      g_assert_null (strstr (name, "password"));
      g_assert_null (strstr (name, "secret"));
      g_assert_null (strstr (name, "token"));
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (n_columns, ==, 11);
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) rw = NULL;
  g_autoptr(ConfabDatabase) ro = NULL;
  gint64 id;

  /* A read-only open neither creates nor migrates. */
  ro = confab_database_open (f->path, CONFAB_DATABASE_READ_ONLY, &error);
  g_assert_null (ro);
  g_assert_nonnull (error);
  g_clear_error (&error);

  build_version (f->path, 1);
  ro = confab_database_open (f->path, CONFAB_DATABASE_READ_ONLY, &error);
  g_assert_null (ro);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE);
  g_clear_error (&error);

  rw = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  id = confab_database_ensure_account (rw, "carol@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 1);
  g_assert_cmpint (confab_database_ensure_account (rw, "carol@example.org", &error), ==, id);

  ro = confab_database_open (f->path, CONFAB_DATABASE_READ_ONLY, &error);
  g_assert_no_error (error);
  g_assert_true (confab_database_is_read_only (ro));
  g_assert_cmpint (raw_int (confab_database_get_handle (ro), "SELECT count(*) FROM accounts"), ==, 2);
  g_assert_cmpint (sqlite3_exec (confab_database_get_handle (ro), "DELETE FROM accounts", NULL, NULL, NULL) & 0xff,
                   ==, SQLITE_READONLY);
}

static void
test_statement_cache (Fixture       *f,
                      gconstpointer  data)
{
  static const char sql[] = "SELECT ?1 + 1";
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  sqlite3_stmt *a, *b;

  g_assert_no_error (error);
  a = confab_database_prepare (db, sql, &error);
  g_assert_nonnull (a);
  sqlite3_bind_int (a, 1, 41);
  g_assert_cmpint (sqlite3_step (a), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (a, 0), ==, 42);
  b = confab_database_prepare (db, sql, &error);
  g_assert_true (a == b);
  /* Bindings were cleared. */
  g_assert_cmpint (sqlite3_step (b), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (b, 0), ==, SQLITE_NULL);
  sqlite3_reset (b);

  g_assert_null (confab_database_prepare (db, "SELECT FROM nothing", &error));
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DATABASE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/database/open-new", Fixture, NULL,
              fixture_set_up, test_open_new, fixture_tear_down);
  for (guint v = 1; v <= CONFAB_DATABASE_SCHEMA_VERSION; v++)
    {
      g_autofree char *name = g_strdup_printf ("/core/database/migrate-from-v%u", v);

      g_test_add (name, Fixture, GUINT_TO_POINTER (v),
                  fixture_set_up, test_migrate_from, fixture_tear_down);
    }
  g_test_add ("/core/database/too-new", Fixture, NULL,
              fixture_set_up, test_too_new, fixture_tear_down);
  g_test_add ("/core/database/not-a-database", Fixture, NULL,
              fixture_set_up, test_not_a_database, fixture_tear_down);
  g_test_add ("/core/database/integrity-detects-damage", Fixture, NULL,
              fixture_set_up, test_integrity_detects_damage, fixture_tear_down);
  g_test_add ("/core/database/no-password-column", Fixture, NULL,
              fixture_set_up, test_no_password_column, fixture_tear_down);
  g_test_add ("/core/database/read-only", Fixture, NULL,
              fixture_set_up, test_read_only, fixture_tear_down);
  g_test_add ("/core/database/statement-cache", Fixture, NULL,
              fixture_set_up, test_statement_cache, fixture_tear_down);

  return g_test_run ();
}
