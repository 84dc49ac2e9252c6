/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/*
 * One SQLite connection to a profile's database (the app uses
 * $XDG_DATA_HOME/confab/confab.db).
 *
 * A read-write open configures the connection (WAL, synchronous=NORMAL,
 * foreign keys) and brings the schema up to CONFAB_DATABASE_SCHEMA_VERSION
 * by running the missing migrations, each in its own transaction. A database
 * written by a newer Confab is refused with CONFAB_CORE_ERROR_DATABASE_TOO_NEW
 * and left untouched. A read-only open never migrates: it needs the current
 * version.
 *
 * A ConfabDatabase is not thread-safe: one thread uses it at a time (the
 * history store gives its writer thread one connection and the main thread
 * another, read-only one). Prepared statements are cached per connection.
 *
 * Schema (current version):
 *   jids           (id, jid UNIQUE)  -- senders, so rows and indexes hold an integer
 *   accounts       (id, jid UNIQUE, enabled, host, port, direct_tls, resource,
 *                   pinned_fingerprints, created, ca_file)  -- never a password
 *   conversations  (id, account_id, peer, kind, last_message_id,
 *                   last_activity, unread_count, UNIQUE (account_id, peer))
 *   messages       (id, conversation_id, direction, sender_id, timestamp, body,
 *                   origin_id, stanza_id, archive_id, state, edited,
 *                   last_edit_id, retracted, reply_to)
 *   reactions      (message_id, sender_id, emoji) primary key of all three
 *   messages_fts   FTS5, external content over messages.body, kept in sync
 *                  by triggers
 */

/* The schema version this code writes (PRAGMA user_version). */
#define CONFAB_DATABASE_SCHEMA_VERSION 6

typedef enum {
  CONFAB_DATABASE_FLAGS_NONE = 0,
  CONFAB_DATABASE_READ_ONLY  = 1 << 0,
} ConfabDatabaseFlags;

#define CONFAB_TYPE_DATABASE (confab_database_get_type ())
G_DECLARE_FINAL_TYPE (ConfabDatabase, confab_database, CONFAB, DATABASE, GObject)

/* Opens (creating it unless READ_ONLY) the database at @path. Errors are
 * CONFAB_CORE_ERROR_DATABASE, _DATABASE_CORRUPT (not a database) or
 * _DATABASE_TOO_NEW; a SQLite without FTS5 fails with _DATABASE and says so. */
ConfabDatabase *confab_database_open                (const char          *path,
                                                     ConfabDatabaseFlags  flags,
                                                     GError             **error);

const char     *confab_database_get_path            (ConfabDatabase      *self);
gboolean        confab_database_is_read_only        (ConfabDatabase      *self);
/* The raw connection, for the history store and tests. */
sqlite3        *confab_database_get_handle          (ConfabDatabase      *self);
/* PRAGMA user_version as read at open (after migrating). */
int             confab_database_get_schema_version  (ConfabDatabase      *self);

/* A cached statement for @sql (which must be a string that lives as long as
 * the connection, normally a literal), reset and with its bindings cleared.
 * The caller must sqlite3_reset() it once done so it holds no read lock. */
sqlite3_stmt   *confab_database_prepare             (ConfabDatabase      *self,
                                                     const char          *sql,
                                                     GError             **error);
/* Runs @sql (no user data: it is not bound). */
gboolean        confab_database_exec                (ConfabDatabase      *self,
                                                     const char          *sql,
                                                     GError             **error);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
gboolean        confab_database_begin               (ConfabDatabase      *self,
                                                     GError             **error);
gboolean        confab_database_commit              (ConfabDatabase      *self,
                                                     GError             **error);
void            confab_database_rollback            (ConfabDatabase      *self);

/* PRAGMA integrity_check and foreign_key_check; CONFAB_CORE_ERROR_DATABASE_CORRUPT
 * with the first problem when either finds one. */
gboolean        confab_database_check_integrity     (ConfabDatabase      *self,
                                                     GError             **error);

/* The id of the account with bare JID @jid, inserting it (enabled, default
 * settings) when missing; 0 and @error on failure. */
gint64          confab_database_ensure_account      (ConfabDatabase      *self,
                                                     const char          *jid,
                                                     GError             **error);

/* The migration list, kept whole so tests can build every earlier version:
 * the SQL that takes version @version - 1 to @version (1 ≤ @version ≤
 * CONFAB_DATABASE_SCHEMA_VERSION), or NULL. */
const char     *confab_database_get_migration_sql   (guint                version);

/* Sets @error from the connection's last error (@what says what failed). */
void            confab_database_set_error           (sqlite3             *db,
                                                     const char          *what,
                                                     GError             **error);

G_END_DECLS
