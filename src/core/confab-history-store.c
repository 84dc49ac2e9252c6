/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-history-store.h"

#include <string.h>

#include "confab-core-error.h"
#include "confab-database.h"

#define DEFAULT_MAX_DELAY_MS 5
#define DEFAULT_MAX_ITEMS    1000
#define JID_CACHE_MAX        4096

/* ---- Plain values ---------------------------------------------------------- */

ConfabHistoryMessage *
confab_history_message_copy (const ConfabHistoryMessage *message)
{
  ConfabHistoryMessage *copy;

  g_return_val_if_fail (message != NULL, NULL);

  copy = g_memdup2 (message, sizeof *message);
  copy->peer = g_strdup (message->peer);
  copy->sender = g_strdup (message->sender);
  copy->body = g_strdup (message->body);
  copy->origin_id = g_strdup (message->origin_id);
  copy->stanza_id = g_strdup (message->stanza_id);
  copy->archive_id = g_strdup (message->archive_id);
  copy->reply_to = g_strdup (message->reply_to);
  return copy;
}

void
confab_history_message_free (ConfabHistoryMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->peer);
  g_free (message->sender);
  g_free (message->body);
  g_free (message->origin_id);
  g_free (message->stanza_id);
  g_free (message->archive_id);
  g_free (message->reply_to);
  g_free (message);
}

G_DEFINE_BOXED_TYPE (ConfabHistoryMessage, confab_history_message,
                     confab_history_message_copy, confab_history_message_free)

ConfabHistoryConversation *
confab_history_conversation_copy (const ConfabHistoryConversation *conversation)
{
  ConfabHistoryConversation *copy;

  g_return_val_if_fail (conversation != NULL, NULL);

  copy = g_memdup2 (conversation, sizeof *conversation);
  copy->peer = g_strdup (conversation->peer);
  copy->last_body = g_strdup (conversation->last_body);
  return copy;
}

void
confab_history_conversation_free (ConfabHistoryConversation *conversation)
{
  if (conversation == NULL)
    return;
  g_free (conversation->peer);
  g_free (conversation->last_body);
  g_free (conversation);
}

G_DEFINE_BOXED_TYPE (ConfabHistoryConversation, confab_history_conversation,
                     confab_history_conversation_copy, confab_history_conversation_free)

/* ---- Operations queued to the writer --------------------------------------- */

typedef enum {
  OP_ADD_MESSAGE,
  OP_ADD_PENDING,
  OP_SET_STATE,
  OP_CORRECTION,
  OP_RETRACTION,
  OP_REACTIONS,
  OP_MARK_READ,
  OP_SET_CATCH_UP_POSITION,
  OP_STOP,
} OpKind;

/* One write. It is the task data of its GTask; the queue and then the
 * completion idle own a reference to the task, never the writer thread
 * after it handed the op on (so the last reference to the store is never
 * dropped on the writer thread). */
typedef struct {
  OpKind                  kind;
  GTask                  *task;       /* not owned */
  gint64                  account_id;
  gint64                  conversation_id;
  ConfabXmppMessage      *message;
  ConfabHistoryDirection  direction;
  ConfabHistoryKind       conversation_kind;
  ConfabHistoryState      state;
  char                   *peer;
  char                   *sender;
  char                   *id;
  char                   *new_id;
  char                   *archive_id;
  char                   *body;
  char                  **reactions;
  gint64                  stamp;      /* µs; the archive's time, 0: none */

  /* Results, written by the writer thread before completion. */
  gint64                  row_id;
  gint64                  changed_conversation_id;  /* for the change signals */
  ConfabHistoryOutcome    outcome;
  GError                 *error;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_pointer (&op->message, confab_xmpp_message_unref);
  g_free (op->peer);
  g_free (op->sender);
  g_free (op->id);
  g_free (op->new_id);
  g_free (op->archive_id);
  g_free (op->body);
  g_strfreev (op->reactions);
  g_clear_error (&op->error);
  g_free (op);
}

/* ---- The writer ------------------------------------------------------------- */

typedef struct {
  GAsyncQueue    *queue;
  ConfabDatabase *db;
  GHashTable     *jid_ids;    /* jid → gint64 id (boxed in a pointer-sized gint64 *) */
  GHashTable     *own_jids;   /* gint64 account id → bare JID */
  GArray         *fts_pending; /* PendingText: new messages to index, see flush_fts() */
  GError         *fts_error;   /* indexing failed: the whole batch is rolled back */
  gint            max_delay_ms;
  gint            max_items;
} Writer;

typedef struct {
  gint64  row_id;
  char   *body;
} PendingText;

static void
pending_text_clear (gpointer data)
{
  g_free (((PendingText *) data)->body);
}

static void
writer_forget_caches (Writer *w)
{
  /* A rollback may have undone rows the caches point at. */
  g_hash_table_remove_all (w->jid_ids);
  g_hash_table_remove_all (w->own_jids);
}

static gboolean
step_done (Writer        *w,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      confab_database_set_error (confab_database_get_handle (w->db), what, error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
run (Writer      *w,
     const char  *sql,
     GError     **error)
{
  sqlite3_stmt *stmt = confab_database_prepare (w->db, sql, error);

  return stmt != NULL && step_done (w, stmt, sql, error);
}

/* Runs @stmt (bound, expecting at most one row) and reads column 0 as an
 * integer into @value (0 when there is no row). */
static gboolean
query_id (Writer        *w,
          sqlite3_stmt  *stmt,
          gint64        *value,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  *value = 0;
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (w->db), "Could not read history", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static const char *
own_jid (Writer  *w,
         gint64   account_id,
         GError **error)
{
  const char *jid = g_hash_table_lookup (w->own_jids, &account_id);
  sqlite3_stmt *stmt;
  gint64 *key;

  if (jid != NULL)
    return jid;
  stmt = confab_database_prepare (w->db, "SELECT jid FROM accounts WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND,
                   "No account with id %" G_GINT64_FORMAT, account_id);
      return NULL;
    }
  key = g_new (gint64, 1);
  *key = account_id;
  jid = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  g_hash_table_insert (w->own_jids, key, (char *) jid);
  return jid;
}

/* The interned id of @jid; with @create FALSE, 0 when it was never seen. */
static gboolean
jid_id (Writer      *w,
        const char  *jid,
        gboolean     create,
        gint64      *id,
        GError     **error)
{
  gint64 *cached = g_hash_table_lookup (w->jid_ids, jid);
  sqlite3_stmt *stmt;

  if (cached != NULL)
    {
      *id = *cached;
      return TRUE;
    }
  if (create)
    {
      stmt = confab_database_prepare (w->db,
                                      "INSERT INTO jids (jid) VALUES (?1) ON CONFLICT (jid) DO NOTHING",
                                      error);
      if (stmt == NULL)
        return FALSE;
      bind_text (stmt, 1, jid);
      if (!step_done (w, stmt, "Could not store an address", error))
        return FALSE;
    }
  stmt = confab_database_prepare (w->db, "SELECT id FROM jids WHERE jid = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, jid);
  if (!query_id (w, stmt, id, error))
    return FALSE;
  if (*id != 0)
    {
      if (g_hash_table_size (w->jid_ids) >= JID_CACHE_MAX)
        g_hash_table_remove_all (w->jid_ids);
      g_hash_table_insert (w->jid_ids, g_strdup (jid), g_memdup2 (id, sizeof *id));
    }
  return TRUE;
}

/* The conversation of @account_id with @peer; created when @create. */
static gboolean
conversation_id (Writer             *w,
                 gint64              account_id,
                 const char         *peer,
                 ConfabHistoryKind   kind,
                 gboolean            create,
                 gint64             *id,
                 GError            **error)
{
  sqlite3_stmt *stmt;

  stmt = confab_database_prepare (w->db,
                                  "SELECT id FROM conversations WHERE account_id = ?1 AND peer = ?2",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, peer);
  if (!query_id (w, stmt, id, error))
    return FALSE;
  if (*id != 0 || !create)
    return TRUE;

  if (create)
    {
      stmt = confab_database_prepare (w->db,
                                      "INSERT INTO conversations (account_id, peer, kind)"
                                      " VALUES (?1, ?2, ?3) ON CONFLICT (account_id, peer) DO NOTHING",
                                      error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, account_id);
      bind_text (stmt, 2, peer);
      sqlite3_bind_int (stmt, 3, kind);
      if (!step_done (w, stmt, "Could not store a conversation", error))
        return FALSE;
    }
  stmt = confab_database_prepare (w->db,
                                  "SELECT id FROM conversations WHERE account_id = ?1 AND peer = ?2",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, peer);
  return query_id (w, stmt, id, error);
}

/* Id lookups are one SELECT per id column joined with UNION ALL: each arm
 * is a search on that column's (conversation, id, sender) index, where one
 * WHERE with ORs would make SQLite walk the whole conversation. ?1 is the
 * conversation, ?2 the sender. */
#define ID_ARM(column, param) \
  "SELECT id FROM messages WHERE conversation_id = ?1 AND " column " = " param " AND sender_id = ?2"
#define ANY_ARM(column) \
  "SELECT id FROM messages WHERE conversation_id = ?1 AND " column " = ?2"

typedef struct {
  gint64                  conversation_id;
  ConfabHistoryDirection  direction;
  gint64                  sender_id;
  gint64                  timestamp;
  const char             *body;
  const char             *origin_id;
  const char             *stanza_id;
  const char             *archive_id;
  const char             *reply_to;
  ConfabHistoryState      state;
} NewMessage;

static gboolean
insert_message (Writer                *w,
                const NewMessage      *m,
                gint64                *row_id,
                ConfabHistoryOutcome  *outcome,
                GError               **error)
{
  sqlite3_stmt *stmt;
  gint64 found = 0;

  /* The same message by carbon, MAM and live: any of its ids, always of the
   * same sender. Our archive's result ids are its stanza-ids, so those two
   * are compared crosswise. */
  if (m->origin_id != NULL || m->stanza_id != NULL || m->archive_id != NULL)
    {
      stmt = confab_database_prepare (w->db,
                                      "SELECT min (id) FROM ("
                                      ID_ARM ("origin_id", "?3") " UNION ALL "
                                      ID_ARM ("stanza_id", "?4") " UNION ALL "
                                      ID_ARM ("archive_id", "?4") " UNION ALL "
                                      ID_ARM ("stanza_id", "?5") " UNION ALL "
                                      ID_ARM ("archive_id", "?5") ")", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, m->conversation_id);
      sqlite3_bind_int64 (stmt, 2, m->sender_id);
      bind_text (stmt, 3, m->origin_id);
      bind_text (stmt, 4, m->stanza_id);
      bind_text (stmt, 5, m->archive_id);
      if (!query_id (w, stmt, &found, error))
        return FALSE;
    }

  if (found != 0)
    {
      /* OR IGNORE: an id that another row of this sender already holds is
       * simply not copied. */
      stmt = confab_database_prepare (w->db,
                                      "UPDATE OR IGNORE messages SET origin_id = coalesce (origin_id, ?2),"
                                      " stanza_id = coalesce (stanza_id, ?3),"
                                      " archive_id = coalesce (archive_id, ?4) WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, found);
      bind_text (stmt, 2, m->origin_id);
      bind_text (stmt, 3, m->stanza_id);
      bind_text (stmt, 4, m->archive_id);
      if (!step_done (w, stmt, "Could not update a message", error))
        return FALSE;
      *row_id = found;
      *outcome = CONFAB_HISTORY_OUTCOME_DUPLICATE;
      return TRUE;
    }

  stmt = confab_database_prepare (w->db,
                                  "INSERT INTO messages (conversation_id, direction, sender_id, timestamp,"
                                  " body, origin_id, stanza_id, archive_id, state, reply_to)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                                  " ON CONFLICT DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, m->conversation_id);
  sqlite3_bind_int (stmt, 2, m->direction);
  sqlite3_bind_int64 (stmt, 3, m->sender_id);
  sqlite3_bind_int64 (stmt, 4, m->timestamp);
  bind_text (stmt, 5, m->body);
  bind_text (stmt, 6, m->origin_id);
  bind_text (stmt, 7, m->stanza_id);
  bind_text (stmt, 8, m->archive_id);
  sqlite3_bind_int (stmt, 9, m->state);
  bind_text (stmt, 10, m->reply_to);
  if (!step_done (w, stmt, "Could not store a message", error))
    return FALSE;
  if (sqlite3_changes (confab_database_get_handle (w->db)) == 0)
    {
      /* Unreachable after the lookup above while we are the only writer. */
      *row_id = 0;
      *outcome = CONFAB_HISTORY_OUTCOME_DUPLICATE;
      return TRUE;
    }
  *row_id = sqlite3_last_insert_rowid (confab_database_get_handle (w->db));
  *outcome = CONFAB_HISTORY_OUTCOME_STORED;

  /* Full-text search: at the end of the batch (flush_fts()). */
  if (m->body != NULL)
    {
      PendingText text = { *row_id, g_strdup (m->body) };

      g_array_append_val (w->fts_pending, text);
    }

  /* The conversation list, maintained in the same transaction. A received
   * message counts as unread when it arrived live, or from MAM when it is
   * newer than anything seen (catch-up), not when it is old history being
   * filled in. */
  stmt = confab_database_prepare (w->db,
                                  "UPDATE conversations SET"
                                  " last_message_id = CASE WHEN ?3 >= last_activity THEN ?2"
                                  "                        ELSE last_message_id END,"
                                  " unread_count = unread_count +"
                                  "   (CASE WHEN ?4 AND (?5 OR ?3 > last_activity) THEN 1 ELSE 0 END),"
                                  " last_activity = max (last_activity, ?3)"
                                  " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, m->conversation_id);
  sqlite3_bind_int64 (stmt, 2, *row_id);
  sqlite3_bind_int64 (stmt, 3, m->timestamp);
  sqlite3_bind_int (stmt, 4, m->direction == CONFAB_HISTORY_DIRECTION_IN);
  sqlite3_bind_int (stmt, 5, m->archive_id == NULL);
  return step_done (w, stmt, "Could not update a conversation", error);
}

/* Our message @id in the conversation with @peer moves forward to @state. */
static gboolean
advance_state (Writer                *w,
               gint64                 account_id,
               const char            *peer,
               const char            *id,
               ConfabHistoryState     state,
               gint64                *row_id,
               ConfabHistoryOutcome  *outcome,
               GError               **error)
{
  const char *own = own_jid (w, account_id, error);
  gint64 conv = 0, own_id = 0, target = 0;
  sqlite3_stmt *stmt;

  *outcome = CONFAB_HISTORY_OUTCOME_IGNORED;
  if (own == NULL ||
      !conversation_id (w, account_id, peer, 0, FALSE, &conv, error) ||
      !jid_id (w, own, FALSE, &own_id, error))
    return FALSE;
  if (conv == 0 || own_id == 0 || id == NULL)
    return TRUE;

  stmt = confab_database_prepare (w->db,
                                  "SELECT id FROM messages WHERE conversation_id = ?1 AND origin_id = ?2"
                                  " AND sender_id = ?3 AND direction = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conv);
  bind_text (stmt, 2, id);
  sqlite3_bind_int64 (stmt, 3, own_id);
  if (!query_id (w, stmt, &target, error))
    return FALSE;
  if (target == 0)
    return TRUE;

  stmt = confab_database_prepare (w->db,
                                  "UPDATE messages SET state = ?2 WHERE id = ?1 AND state < ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target);
  sqlite3_bind_int (stmt, 2, state);
  if (!step_done (w, stmt, "Could not update a message", error))
    return FALSE;
  *row_id = target;
  if (sqlite3_changes (confab_database_get_handle (w->db)) > 0)
    *outcome = CONFAB_HISTORY_OUTCOME_UPDATED;
  return TRUE;
}

/* @sender's own message @id (any of its ids, or its latest correction's). */
static gboolean
find_authored (Writer      *w,
               gint64       account_id,
               const char  *peer,
               const char  *sender,
               const char  *id,
               gint64      *target,
               GError     **error)
{
  gint64 conv = 0, sender_id = 0;
  sqlite3_stmt *stmt;

  *target = 0;
  if (id == NULL ||
      !conversation_id (w, account_id, peer, 0, FALSE, &conv, error) ||
      !jid_id (w, sender, FALSE, &sender_id, error))
    return id == NULL;
  if (conv == 0 || sender_id == 0)
    return TRUE;

  stmt = confab_database_prepare (w->db,
                                  "SELECT min (id) FROM ("
                                  ID_ARM ("origin_id", "?3") " UNION ALL "
                                  ID_ARM ("stanza_id", "?3") " UNION ALL "
                                  ID_ARM ("archive_id", "?3") " UNION ALL "
                                  ID_ARM ("last_edit_id", "?3") ")", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conv);
  sqlite3_bind_int64 (stmt, 2, sender_id);
  bind_text (stmt, 3, id);
  return query_id (w, stmt, target, error);
}

/* The message of the conversation with @peer that was first called @id
 * (any of its ids, or its latest correction's), whoever sent it: the one
 * with the earliest timestamp. *target is 0 if there is none. */
static gboolean
find_first (Writer      *w,
            gint64       account_id,
            const char  *peer,
            const char  *id,
            gint64      *target,
            gint64      *owner,
            GError     **error)
{
  gint64 conv = 0;
  sqlite3_stmt *stmt;
  int rc;

  *target = *owner = 0;
  if (id == NULL || !conversation_id (w, account_id, peer, 0, FALSE, &conv, error))
    return id == NULL;
  if (conv == 0)
    return TRUE;

  stmt = confab_database_prepare (w->db,
                                  "SELECT m.id, m.sender_id FROM ("
                                  ANY_ARM ("origin_id") " UNION ALL "
                                  ANY_ARM ("stanza_id") " UNION ALL "
                                  ANY_ARM ("archive_id") " UNION ALL "
                                  ANY_ARM ("last_edit_id") ") u"
                                  " JOIN messages m ON m.id = u.id"
                                  " ORDER BY m.timestamp, m.id LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conv);
  bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *target = sqlite3_column_int64 (stmt, 0);
      *owner = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (w->db), "Could not read history",
                                 error);
      return FALSE;
    }
  return TRUE;
}

/* XEP-0308 §5: only the author of the original may correct it. An id
 * belongs to whoever used it first: a message that reuses someone else's
 * id (a stranger's collision) never makes a correction of it valid, in
 * whichever order the correction and the collision are seen (live, or
 * replayed from the archive after both were stored), so every device
 * decides the same. *known: some message of the conversation has that id
 * (the correction is then never kept as a message of its own). */
static gboolean
correct (Writer                *w,
         gint64                 account_id,
         const char            *peer,
         const char            *sender,
         const char            *replace_id,
         const char            *new_id,
         const char            *body,
         gboolean              *known,
         gint64                *row_id,
         ConfabHistoryOutcome  *outcome,
         GError               **error)
{
  gint64 target = 0, owner = 0, sender_id = 0;
  sqlite3_stmt *stmt;

  *outcome = CONFAB_HISTORY_OUTCOME_IGNORED;
  *known = FALSE;
  if (!find_first (w, account_id, peer, replace_id, &target, &owner, error) ||
      !jid_id (w, sender, FALSE, &sender_id, error))
    return FALSE;
  *known = target != 0;
  if (target == 0 || owner != sender_id || body == NULL)
    return TRUE;

  /* A retracted message stays retracted. */
  stmt = confab_database_prepare (w->db,
                                  "UPDATE OR IGNORE messages SET body = ?2, edited = 1,"
                                  " last_edit_id = coalesce (?3, last_edit_id)"
                                  " WHERE id = ?1 AND retracted = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target);
  bind_text (stmt, 2, body);
  bind_text (stmt, 3, new_id);
  if (!step_done (w, stmt, "Could not correct a message", error))
    return FALSE;
  *row_id = target;
  if (sqlite3_changes (confab_database_get_handle (w->db)) > 0)
    *outcome = CONFAB_HISTORY_OUTCOME_UPDATED;
  return TRUE;
}

/* XEP-0424: only the author may retract; the text is removed (and so
 * leaves the search index), the row stays as a tombstone. */
static gboolean
retract (Writer                *w,
         gint64                 account_id,
         const char            *peer,
         const char            *sender,
         const char            *retract_id,
         gint64                *row_id,
         ConfabHistoryOutcome  *outcome,
         GError               **error)
{
  gint64 target = 0;
  sqlite3_stmt *stmt;

  *outcome = CONFAB_HISTORY_OUTCOME_IGNORED;
  if (!find_authored (w, account_id, peer, sender, retract_id, &target, error))
    return FALSE;
  if (target == 0)
    return TRUE;

  stmt = confab_database_prepare (w->db,
                                  "UPDATE messages SET body = NULL, retracted = 1"
                                  " WHERE id = ?1 AND retracted = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target);
  if (!step_done (w, stmt, "Could not retract a message", error))
    return FALSE;
  *row_id = target;
  if (sqlite3_changes (confab_database_get_handle (w->db)) > 0)
    *outcome = CONFAB_HISTORY_OUTCOME_UPDATED;
  return TRUE;
}

/* XEP-0444 §3.2: the new set replaces the sender's previous one. */
static gboolean
react (Writer                *w,
       gint64                 account_id,
       const char            *peer,
       const char            *sender,
       const char            *message_id,
       const char * const    *reactions,
       gint64                *row_id,
       ConfabHistoryOutcome  *outcome,
       GError               **error)
{
  gint64 conv = 0, target = 0, sender_id = 0;
  sqlite3_stmt *stmt;

  *outcome = CONFAB_HISTORY_OUTCOME_IGNORED;
  if (message_id == NULL ||
      !conversation_id (w, account_id, peer, 0, FALSE, &conv, error))
    return message_id == NULL;
  if (conv == 0)
    return TRUE;

  /* Anyone in the conversation may react to any of its messages; if two
   * senders used the same id, the first stored one is meant. */
  stmt = confab_database_prepare (w->db,
                                  "SELECT min (id) FROM ("
                                  ANY_ARM ("origin_id") " UNION ALL "
                                  ANY_ARM ("stanza_id") " UNION ALL "
                                  ANY_ARM ("archive_id") ")", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conv);
  bind_text (stmt, 2, message_id);
  if (!query_id (w, stmt, &target, error))
    return FALSE;
  if (target == 0)
    return TRUE;
  if (!jid_id (w, sender, TRUE, &sender_id, error))
    return FALSE;

  stmt = confab_database_prepare (w->db,
                                  "DELETE FROM reactions WHERE message_id = ?1 AND sender_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, target);
  sqlite3_bind_int64 (stmt, 2, sender_id);
  if (!step_done (w, stmt, "Could not store reactions", error))
    return FALSE;

  for (guint i = 0; reactions != NULL && reactions[i] != NULL; i++)
    {
      if (reactions[i][0] == '\0')
        continue;
      stmt = confab_database_prepare (w->db,
                                      "INSERT INTO reactions (message_id, sender_id, emoji)"
                                      " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, target);
      sqlite3_bind_int64 (stmt, 2, sender_id);
      bind_text (stmt, 3, reactions[i]);
      if (!step_done (w, stmt, "Could not store reactions", error))
        return FALSE;
    }
  *row_id = target;
  *outcome = CONFAB_HISTORY_OUTCOME_UPDATED;
  return TRUE;
}

static gint64
datetime_to_usec (GDateTime *dt)
{
  /* g_date_time_to_unix_usec() is GLib 2.80; we target 2.74. */
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

static gboolean
apply_add_message (Writer  *w,
                   Op      *op,
                   GError **error)
{
  ConfabXmppMessage *msg = op->message;
  ConfabXmppMessageType type = confab_xmpp_message_get_message_type (msg);
  ConfabJid *from = confab_xmpp_message_get_from (msg);
  ConfabJid *to = confab_xmpp_message_get_to (msg);
  gboolean groupchat = type == CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT;
  const char *own, *peer, *sender, *body, *origin_id, *replace_id, *reactions_id;
  gboolean from_own;
  GDateTime *delay;
  gint64 timestamp;
  NewMessage m = { 0 };

  op->outcome = CONFAB_HISTORY_OUTCOME_IGNORED;
  own = own_jid (w, op->account_id, error);
  if (own == NULL)
    return FALSE;
  from_own = g_strcmp0 (confab_jid_get_bare_string (from), own) == 0;

  /* Who is the conversation with, and who wrote this. */
  if (groupchat)
    {
      /* The room; occupants share its bare JID and are told apart by their
       * full JID. */
      if (from_own && to == NULL)
        return TRUE;
      peer = confab_jid_get_bare_string (from_own ? to : from);
      sender = from_own ? own : confab_jid_to_string (from);
    }
  else if (op->direction == CONFAB_HISTORY_DIRECTION_OUT)
    {
      if (to == NULL)
        {
          g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                       "An outgoing message needs a recipient");
          return FALSE;
        }
      peer = confab_jid_get_bare_string (to);
      sender = own;
    }
  else
    {
      peer = confab_jid_get_bare_string (from);
      sender = peer;
    }

  /* RFC 6120 §8.3: a bounce of one of ours. */
  if (type == CONFAB_XMPP_MESSAGE_TYPE_ERROR)
    {
      if (op->direction != CONFAB_HISTORY_DIRECTION_IN)
        return TRUE;
      return advance_state (w, op->account_id, peer, confab_xmpp_message_get_id (msg),
                            CONFAB_HISTORY_STATE_FAILED, &op->row_id, &op->outcome, error);
    }

  if (confab_xmpp_message_get_retract_id (msg) != NULL)
    return retract (w, op->account_id, peer, sender, confab_xmpp_message_get_retract_id (msg),
                    &op->row_id, &op->outcome, error);

  body = confab_xmpp_message_get_display_body (msg);
  origin_id = confab_xmpp_message_get_origin_id (msg);
  if (origin_id == NULL)
    origin_id = confab_xmpp_message_get_id (msg);

  /* When it reached the server: the archive's stamp (XEP-0313 §4.2), else
   * the delay of offline storage (XEP-0203), else now (live). */
  delay = confab_xmpp_message_get_delay (msg);
  if (op->stamp != 0)
    timestamp = op->stamp;
  else
    timestamp = delay != NULL ? datetime_to_usec (delay) : g_get_real_time ();

  replace_id = confab_xmpp_message_get_replace_id (msg);
  if (replace_id != NULL && body != NULL)
    {
      gboolean known;

      if (!correct (w, op->account_id, peer, sender, replace_id, origin_id, body, &known,
                    &op->row_id, &op->outcome, error))
        return FALSE;
      /* Applied, or not allowed (another sender's message, or retracted):
       * done. Only a correction of no message we know keeps its text as a
       * message, live or from the archive alike. */
      if (op->outcome != CONFAB_HISTORY_OUTCOME_IGNORED || known)
        {
          if (op->outcome == CONFAB_HISTORY_OUTCOME_IGNORED)
            op->row_id = 0;
          return TRUE;
        }
    }

  reactions_id = confab_xmpp_message_get_reactions_id (msg);
  if (reactions_id != NULL)
    return react (w, op->account_id, peer, sender, reactions_id,
                  confab_xmpp_message_get_reactions (msg), &op->row_id, &op->outcome, error);

  /* Receipts and markers from the peer about our messages; the lookup is in
   * the conversation with the JID they came from, so nobody else's count. */
  if (op->direction == CONFAB_HISTORY_DIRECTION_IN && !groupchat)
    {
      const char *receipt_id = confab_xmpp_message_get_receipt_id (msg);
      ConfabXmppMarker marker = confab_xmpp_message_get_marker (msg);

      if (receipt_id != NULL &&
          !advance_state (w, op->account_id, peer, receipt_id, CONFAB_HISTORY_STATE_DELIVERED,
                          &op->row_id, &op->outcome, error))
        return FALSE;
      if (marker != CONFAB_XMPP_MARKER_NONE &&
          !advance_state (w, op->account_id, peer, confab_xmpp_message_get_marker_id (msg),
                          marker == CONFAB_XMPP_MARKER_RECEIVED ? CONFAB_HISTORY_STATE_DELIVERED
                                                                : CONFAB_HISTORY_STATE_READ,
                          &op->row_id, &op->outcome, error))
        return FALSE;
    }

  if (body == NULL)
    return TRUE;

  if (!conversation_id (w, op->account_id, peer,
                        groupchat ? CONFAB_HISTORY_KIND_GROUPCHAT : CONFAB_HISTORY_KIND_CHAT,
                        TRUE, &m.conversation_id, error) ||
      !jid_id (w, sender, TRUE, &m.sender_id, error))
    return FALSE;

  m.direction = op->direction;
  m.timestamp = timestamp;
  m.body = body;
  m.origin_id = origin_id;
  m.stanza_id = confab_xmpp_message_get_stanza_id (msg);
  m.archive_id = op->archive_id;
  m.reply_to = confab_xmpp_message_get_reply_id (msg);
  /* Our own message seen in a carbon or the archive went out already. */
  m.state = op->direction == CONFAB_HISTORY_DIRECTION_OUT ? CONFAB_HISTORY_STATE_SENT
                                                          : CONFAB_HISTORY_STATE_DELIVERED;
  return insert_message (w, &m, &op->row_id, &op->outcome, error);
}

static gboolean
apply_op (Writer  *w,
          Op      *op,
          GError **error)
{
  switch (op->kind)
    {
    case OP_ADD_MESSAGE:
      return apply_add_message (w, op, error);

    case OP_ADD_PENDING:
      {
        const char *own = own_jid (w, op->account_id, error);
        NewMessage m = { 0 };

        if (own == NULL ||
            !conversation_id (w, op->account_id, op->peer, op->conversation_kind, TRUE,
                              &m.conversation_id, error) ||
            !jid_id (w, own, TRUE, &m.sender_id, error))
          return FALSE;
        m.direction = CONFAB_HISTORY_DIRECTION_OUT;
        m.timestamp = g_get_real_time ();
        m.body = op->body;
        m.origin_id = op->id;
        m.reply_to = op->new_id;
        m.state = CONFAB_HISTORY_STATE_PENDING;
        return insert_message (w, &m, &op->row_id, &op->outcome, error);
      }

    case OP_SET_STATE:
      return advance_state (w, op->account_id, op->peer, op->id, op->state,
                            &op->row_id, &op->outcome, error);

    case OP_CORRECTION:
      {
        gboolean known;

        return correct (w, op->account_id, op->peer, op->sender, op->id, op->new_id, op->body,
                        &known, &op->row_id, &op->outcome, error);
      }

    case OP_RETRACTION:
      return retract (w, op->account_id, op->peer, op->sender, op->id,
                      &op->row_id, &op->outcome, error);

    case OP_REACTIONS:
      return react (w, op->account_id, op->peer, op->sender, op->id,
                    (const char * const *) op->reactions, &op->row_id, &op->outcome, error);

    case OP_MARK_READ:
      {
        sqlite3_stmt *stmt = confab_database_prepare (w->db,
                                                      "UPDATE conversations SET unread_count = 0"
                                                      " WHERE id = ?1 AND unread_count != 0", error);

        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_int64 (stmt, 1, op->conversation_id);
        if (!step_done (w, stmt, "Could not update a conversation", error))
          return FALSE;
        op->outcome = sqlite3_changes (confab_database_get_handle (w->db)) > 0
                      ? CONFAB_HISTORY_OUTCOME_UPDATED : CONFAB_HISTORY_OUTCOME_IGNORED;
        return TRUE;
      }

    case OP_SET_CATCH_UP_POSITION:
      {
        sqlite3_stmt *stmt = confab_database_prepare (w->db,
                                                      "UPDATE accounts SET mam_complete_id = ?2"
                                                      " WHERE id = ?1", error);

        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_int64 (stmt, 1, op->account_id);
        bind_text (stmt, 2, op->archive_id);
        if (!step_done (w, stmt, "Could not update an account", error))
          return FALSE;
        /* Not a message change: no signal (note_changed_conversation()). */
        op->outcome = CONFAB_HISTORY_OUTCOME_IGNORED;
        return TRUE;
      }

    case OP_STOP:
    default:
      g_assert_not_reached ();
    }
}

/* Which conversation the ::message-changed / ::conversation-changed
 * signals name for @op (0: nothing visible changed). */
static void
note_changed_conversation (Writer *w,
                           Op     *op)
{
  sqlite3_stmt *stmt;

  op->changed_conversation_id = 0;
  if (op->outcome != CONFAB_HISTORY_OUTCOME_STORED &&
      op->outcome != CONFAB_HISTORY_OUTCOME_UPDATED)
    return;
  if (op->kind == OP_MARK_READ)
    {
      op->changed_conversation_id = op->conversation_id;
      return;
    }
  if (op->row_id == 0)
    return;
  stmt = confab_database_prepare (w->db, "SELECT conversation_id FROM messages WHERE id = ?1", NULL);
  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, op->row_id);
  query_id (w, stmt, &op->changed_conversation_id, NULL);
}

/* Indexes the batch's new messages for search (schema v6). Not per
 * message: FTS5 writes what it has pending as a new segment whenever a
 * savepoint begins or ends, and every op runs in one; so the index is
 * written once, at the end of the batch, and before any op that may
 * change or remove a message's text (the update trigger takes the indexed
 * text out). A failure here fails the whole batch (writer_thread()). */
static gboolean
flush_fts (Writer  *w,
           GError **error)
{
  g_autoptr(GError) local_error = NULL;

  if (w->fts_error == NULL && w->fts_pending->len > 0)
    {
      sqlite3_stmt *stmt = confab_database_prepare (w->db,
                                                    "INSERT INTO messages_fts (rowid, body) VALUES (?1, ?2)",
                                                    &local_error);

      for (guint i = 0; stmt != NULL && i < w->fts_pending->len; i++)
        {
          PendingText *text = &g_array_index (w->fts_pending, PendingText, i);

          sqlite3_bind_int64 (stmt, 1, text->row_id);
          bind_text (stmt, 2, text->body);
          if (!step_done (w, stmt, "Could not index a message", &local_error))
            break;
        }
      if (local_error != NULL)
        g_propagate_error (&w->fts_error, g_steal_pointer (&local_error));
    }
  g_array_set_size (w->fts_pending, 0);
  if (w->fts_error != NULL)
    {
      g_set_error_literal (error, w->fts_error->domain, w->fts_error->code, w->fts_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Whether @op may change or remove the text of a stored message, maybe
 * one added earlier in this batch and not indexed yet (see flush_fts()). */
static gboolean
may_change_text (const Op *op)
{
  switch (op->kind)
    {
    case OP_ADD_MESSAGE:
      /* XEP-0308 corrections and XEP-0424 retractions come as messages. */
      return confab_xmpp_message_get_replace_id (op->message) != NULL
             || confab_xmpp_message_get_retract_id (op->message) != NULL;
    case OP_ADD_PENDING:
    case OP_SET_STATE:
    case OP_REACTIONS:
    case OP_MARK_READ:
    case OP_SET_CATCH_UP_POSITION:
      return FALSE;
    case OP_CORRECTION:
    case OP_RETRACTION:
    case OP_STOP:
    default:
      return TRUE;
    }
}

/* Applies @op inside the open transaction, in a savepoint of its own. */
static void
writer_apply (Writer *w,
              Op     *op)
{
  GCancellable *cancellable = g_task_get_cancellable (op->task);
  guint fts_mark;

  if (g_cancellable_set_error_if_cancelled (cancellable, &op->error))
    return;
  if (may_change_text (op) && !flush_fts (w, &op->error))
    return;
  fts_mark = w->fts_pending->len;
  if (!run (w, "SAVEPOINT op", &op->error))
    return;
  if (apply_op (w, op, &op->error))
    {
      run (w, "RELEASE op", NULL);
      note_changed_conversation (w, op);
      return;
    }
  /* What the op queued for the index was undone with it. */
  g_array_set_size (w->fts_pending, fts_mark);
  run (w, "ROLLBACK TO op", NULL);
  run (w, "RELEASE op", NULL);
  writer_forget_caches (w);
}

static void emit_changes (ConfabHistoryStore   *self,
                          gint64                conversation_id,
                          gint64                message_id,
                          OpKind                kind,
                          ConfabHistoryOutcome  outcome);

static void
complete_op (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  /* Committed: the models learn it before the caller's callback runs. */
  if (op->error == NULL && op->changed_conversation_id != 0)
    emit_changes (g_task_get_source_object (task), op->changed_conversation_id,
                  op->row_id, op->kind, op->outcome);

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
complete_ops_cb (gpointer user_data)
{
  GPtrArray *tasks = user_data;

  /* In the order they were applied. */
  for (guint i = 0; i < tasks->len; i++)
    complete_op (g_ptr_array_index (tasks, i));
  g_ptr_array_set_size (tasks, 0);
  return G_SOURCE_REMOVE;
}

/* Hands the results of @batch (ops[from, to), all of one main context) to
 * that context in ONE source: one wake-up per batch rather than per write
 * (a burst of thousands of messages). The references to the tasks go with
 * it. */
static void
writer_complete (GPtrArray *batch,
                 guint      from,
                 guint      to)
{
  GPtrArray *tasks = g_ptr_array_sized_new (to - from);
  GSource *source = g_idle_source_new ();

  for (guint i = from; i < to; i++)
    g_ptr_array_add (tasks, ((Op *) g_ptr_array_index (batch, i))->task);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, complete_ops_cb, tasks, (GDestroyNotify) g_ptr_array_unref);
  g_source_set_static_name (source, "[confab] history writes done");
  g_source_attach (source, g_task_get_context (((Op *) g_ptr_array_index (batch, from))->task));
  g_source_unref (source);
}

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  gboolean stop = FALSE;

  while (!stop)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();
      g_autoptr(GError) tx_error = NULL;
      Op *op = g_async_queue_pop (w->queue);
      guint max_items = MAX (1, g_atomic_int_get (&w->max_items));
      gint64 deadline;
      gboolean in_tx;

      if (op->kind == OP_STOP)
        {
          op_free (op);
          break;
        }

      deadline = g_get_monotonic_time () + g_atomic_int_get (&w->max_delay_ms) * G_TIME_SPAN_MILLISECOND;
      in_tx = confab_database_begin (w->db, &tx_error);

      /* Collect what is queued until the batch is full or its time is up. */
      while (op != NULL)
        {
          gint64 now;

          if (in_tx)
            writer_apply (w, op);
          else
            op->error = g_error_copy (tx_error);
          g_ptr_array_add (batch, op);
          if (batch->len >= max_items)
            break;

          now = g_get_monotonic_time ();
          if (now < deadline)
            op = g_async_queue_timeout_pop (w->queue, deadline - now);
          else
            op = g_async_queue_try_pop (w->queue);
          if (op != NULL && op->kind == OP_STOP)
            {
              op_free (op);
              op = NULL;
              stop = TRUE;
            }
        }

      if (in_tx && (!flush_fts (w, &tx_error) || !confab_database_commit (w->db, &tx_error)))
        {
          confab_database_rollback (w->db);
          writer_forget_caches (w);
          for (guint i = 0; i < batch->len; i++)
            {
              Op *done = g_ptr_array_index (batch, i);

              if (done->error == NULL)
                done->error = g_error_copy (tx_error);
            }
        }
      g_clear_error (&w->fts_error);

      /* Only now, after the commit, is anyone told; consecutive ops of
       * one main context together. */
      for (guint from = 0, to = 0; from < batch->len; from = to)
        {
          GMainContext *context = g_task_get_context (((Op *) g_ptr_array_index (batch, from))->task);

          for (to = from + 1;
               to < batch->len
               && g_task_get_context (((Op *) g_ptr_array_index (batch, to))->task) == context;
               to++)
            ;
          writer_complete (batch, from, to);
        }
    }

  return NULL;
}

static void
writer_free (Writer *w)
{
  g_clear_pointer (&w->queue, g_async_queue_unref);
  g_clear_object (&w->db);
  g_clear_pointer (&w->jid_ids, g_hash_table_unref);
  g_clear_pointer (&w->own_jids, g_hash_table_unref);
  g_clear_pointer (&w->fts_pending, g_array_unref);
  g_clear_error (&w->fts_error);
  g_free (w);
}

/* ---- The store --------------------------------------------------------------- */

struct _ConfabHistoryStore
{
  GObject         parent_instance;

  ConfabDatabase *reader;
  Writer         *writer;
  GThread        *thread;
  GMainContext   *context;   /* where the change signals are emitted */
};

G_DEFINE_FINAL_TYPE (ConfabHistoryStore, confab_history_store, G_TYPE_OBJECT)

enum {
  MESSAGE_CHANGED,
  CONVERSATION_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
  ConfabHistoryStore   *self;
  gint64                conversation_id;
  gint64                message_id;
  OpKind                kind;
  ConfabHistoryOutcome  outcome;
} Change;

static gboolean
emit_change_cb (gpointer user_data)
{
  Change *change = user_data;

  if (change->kind != OP_MARK_READ && change->message_id != 0)
    g_signal_emit (change->self, signals[MESSAGE_CHANGED], 0,
                   change->conversation_id, change->message_id, change->outcome);
  g_signal_emit (change->self, signals[CONVERSATION_CHANGED], 0, change->conversation_id);
  return G_SOURCE_REMOVE;
}

static void
change_free (gpointer data)
{
  Change *change = data;

  g_object_unref (change->self);
  g_free (change);
}

static void
emit_changes (ConfabHistoryStore   *self,
              gint64                conversation_id,
              gint64                message_id,
              OpKind                kind,
              ConfabHistoryOutcome  outcome)
{
  Change *change = g_new0 (Change, 1);

  change->self = g_object_ref (self);
  change->conversation_id = conversation_id;
  change->message_id = message_id;
  change->kind = kind;
  change->outcome = outcome;

  /* Usually the caller's context is the store's: emit right away, so the
   * models have the row before the write's callback runs. */
  if (self->context == NULL || g_main_context_is_owner (self->context))
    {
      emit_change_cb (change);
      change_free (change);
    }
  else
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, emit_change_cb, change, change_free);
      g_source_set_static_name (source, "[confab] history change");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

static void
confab_history_store_dispose (GObject *object)
{
  ConfabHistoryStore *self = CONFAB_HISTORY_STORE (object);

  /* The reader first: the writer's connection is then the last one, and
   * closing it checkpoints the WAL into the database (a read-only
   * connection cannot). */
  g_clear_object (&self->reader);
  if (self->thread != NULL)
    {
      Op *stop = g_new0 (Op, 1);

      /* Every queued op holds a reference to us through its task, so the
       * queue is empty here; STOP just ends the thread. */
      stop->kind = OP_STOP;
      g_async_queue_push (self->writer->queue, stop);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  g_clear_pointer (&self->writer, writer_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (confab_history_store_parent_class)->dispose (object);
}

static void
confab_history_store_class_init (ConfabHistoryStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = confab_history_store_dispose;

  /**
   * ConfabHistoryStore::message-changed:
   * @conversation_id: the message's conversation
   * @message_id: the message row
   * @outcome: %CONFAB_HISTORY_OUTCOME_STORED (a new row) or
   *   %CONFAB_HISTORY_OUTCOME_UPDATED (correction, retraction, state,
   *   reactions)
   *
   * Emitted on the store's main context after the change committed.
   */
  signals[MESSAGE_CHANGED] =
    g_signal_new ("message-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_INT64, G_TYPE_INT64, G_TYPE_INT);
  /**
   * ConfabHistoryStore::conversation-changed:
   * @conversation_id: the conversation whose last message, activity or
   *   unread count may have changed
   *
   * Emitted on the store's main context after the change committed.
   */
  signals[CONVERSATION_CHANGED] =
    g_signal_new ("conversation-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
confab_history_store_init (ConfabHistoryStore *self)
{
  self->context = g_main_context_ref_thread_default ();
}

ConfabHistoryStore *
confab_history_store_new (const char  *path,
                          GError     **error)
{
  g_autoptr(ConfabHistoryStore) self = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  Writer *w;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The writer's connection first: it creates and migrates. */
  db = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, error);
  if (db == NULL)
    return NULL;

  self = g_object_new (CONFAB_TYPE_HISTORY_STORE, NULL);
  self->reader = confab_database_open (path, CONFAB_DATABASE_READ_ONLY, error);
  if (self->reader == NULL)
    return NULL;

  w = g_new0 (Writer, 1);
  w->queue = g_async_queue_new ();
  w->db = g_steal_pointer (&db);
  w->jid_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w->fts_pending = g_array_new (FALSE, FALSE, sizeof (PendingText));
  g_array_set_clear_func (w->fts_pending, pending_text_clear);
  w->own_jids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  w->max_delay_ms = DEFAULT_MAX_DELAY_MS;
  w->max_items = DEFAULT_MAX_ITEMS;
  /* A bigger page cache for the writer (index pages of bulk catch-up); the
   * reader keeps SQLite's default 2 MiB. */
  confab_database_exec (w->db, "PRAGMA cache_size = -16384", NULL);
  self->writer = w;
  self->thread = g_thread_new ("confab-history", writer_thread, w);

  return g_steal_pointer (&self);
}

void
confab_history_store_set_batch_limits (ConfabHistoryStore *self,
                                       guint               max_delay_ms,
                                       guint               max_items)
{
  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));

  g_atomic_int_set (&self->writer->max_delay_ms, (gint) MIN (max_delay_ms, 10000));
  g_atomic_int_set (&self->writer->max_items, (gint) CLAMP (max_items, 1, 100000));
}

/* ---- Writes ------------------------------------------------------------------ */

static Op *
queue_op (ConfabHistoryStore  *self,
          OpKind               kind,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  /* A write that was applied is reported as applied, even if cancelled
   * meanwhile: the caller must know it is stored. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, op, op_free);
  op->kind = kind;
  op->task = task;
  op->outcome = CONFAB_HISTORY_OUTCOME_IGNORED;
  return op;
}

static void
push_op (ConfabHistoryStore *self,
         Op                 *op)
{
  /* The queue owns the task's reference from here on. */
  g_async_queue_push (self->writer->queue, op);
}

void
confab_history_store_add_message_async (ConfabHistoryStore     *self,
                                        gint64                  account_id,
                                        ConfabXmppMessage      *message,
                                        ConfabHistoryDirection  direction,
                                        const char             *archive_id,
                                        GCancellable           *cancellable,
                                        GAsyncReadyCallback     callback,
                                        gpointer                user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (message != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op = queue_op (self, OP_ADD_MESSAGE, confab_history_store_add_message_async,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->message = confab_xmpp_message_ref (message);
  op->direction = direction;
  op->archive_id = g_strdup (archive_id);
  push_op (self, op);
}

void
confab_history_store_add_archived_message_async (ConfabHistoryStore     *self,
                                                 gint64                  account_id,
                                                 ConfabXmppMessage      *message,
                                                 ConfabHistoryDirection  direction,
                                                 const char             *archive_id,
                                                 GDateTime              *stamp,
                                                 GCancellable           *cancellable,
                                                 GAsyncReadyCallback     callback,
                                                 gpointer                user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (message != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  /* Same source tag: finished by add_message_finish(). */
  op = queue_op (self, OP_ADD_MESSAGE, confab_history_store_add_message_async,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->message = confab_xmpp_message_ref (message);
  op->direction = direction;
  op->archive_id = g_strdup (archive_id);
  op->stamp = stamp != NULL ? datetime_to_usec (stamp) : 0;
  push_op (self, op);
}

gboolean
confab_history_store_add_message_finish (ConfabHistoryStore    *self,
                                         GAsyncResult          *result,
                                         gint64                *row_id,
                                         ConfabHistoryOutcome  *outcome,
                                         GError               **error)
{
  Op *op;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  op = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (row_id != NULL)
    *row_id = op->row_id;
  if (outcome != NULL)
    *outcome = op->outcome;
  return TRUE;
}

void
confab_history_store_add_outgoing_pending_async (ConfabHistoryStore  *self,
                                                 gint64               account_id,
                                                 const char          *peer,
                                                 ConfabHistoryKind    kind,
                                                 const char          *body,
                                                 const char          *origin_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (origin_id != NULL);

  op = queue_op (self, OP_ADD_PENDING, confab_history_store_add_message_async,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->peer = g_strdup (peer);
  op->conversation_kind = kind;
  op->body = g_strdup (body);
  op->id = g_strdup (origin_id);
  push_op (self, op);
}

void
confab_history_store_add_outgoing_reply_pending_async (ConfabHistoryStore  *self,
                                                       gint64               account_id,
                                                       const char          *peer,
                                                       ConfabHistoryKind    kind,
                                                       const char          *body,
                                                       const char          *origin_id,
                                                       const char          *reply_to,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (origin_id != NULL);

  op = queue_op (self, OP_ADD_PENDING, confab_history_store_add_message_async,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->peer = g_strdup (peer);
  op->conversation_kind = kind;
  op->body = g_strdup (body);
  op->id = g_strdup (origin_id);
  op->new_id = g_strdup (reply_to);  /* the replied-to id, for OP_ADD_PENDING */
  push_op (self, op);
}

void
confab_history_store_set_catch_up_position_async (ConfabHistoryStore  *self,
                                                  gint64               account_id,
                                                  const char          *archive_id,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (account_id > 0);

  op = queue_op (self, OP_SET_CATCH_UP_POSITION, confab_history_store_apply_finish,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->archive_id = g_strdup (archive_id);
  push_op (self, op);
}

void
confab_history_store_set_state_async (ConfabHistoryStore  *self,
                                      gint64               account_id,
                                      const char          *peer,
                                      const char          *origin_id,
                                      ConfabHistoryState   state,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (origin_id != NULL);

  op = queue_op (self, OP_SET_STATE, confab_history_store_apply_finish,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->peer = g_strdup (peer);
  op->id = g_strdup (origin_id);
  op->state = state;
  push_op (self, op);
}

void
confab_history_store_apply_correction_async (ConfabHistoryStore  *self,
                                             gint64               account_id,
                                             const char          *peer,
                                             const char          *sender,
                                             const char          *replace_id,
                                             const char          *new_id,
                                             const char          *body,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (peer != NULL && sender != NULL && replace_id != NULL && body != NULL);

  op = queue_op (self, OP_CORRECTION, confab_history_store_apply_finish,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->peer = g_strdup (peer);
  op->sender = g_strdup (sender);
  op->id = g_strdup (replace_id);
  op->new_id = g_strdup (new_id);
  op->body = g_strdup (body);
  push_op (self, op);
}

void
confab_history_store_apply_retraction_async (ConfabHistoryStore  *self,
                                             gint64               account_id,
                                             const char          *peer,
                                             const char          *sender,
                                             const char          *retract_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (peer != NULL && sender != NULL && retract_id != NULL);

  op = queue_op (self, OP_RETRACTION, confab_history_store_apply_finish,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->peer = g_strdup (peer);
  op->sender = g_strdup (sender);
  op->id = g_strdup (retract_id);
  push_op (self, op);
}

void
confab_history_store_apply_reactions_async (ConfabHistoryStore  *self,
                                            gint64               account_id,
                                            const char          *peer,
                                            const char          *sender,
                                            const char          *message_id,
                                            const char * const  *reactions,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));
  g_return_if_fail (peer != NULL && sender != NULL && message_id != NULL);

  op = queue_op (self, OP_REACTIONS, confab_history_store_apply_finish,
                 cancellable, callback, user_data);
  op->account_id = account_id;
  op->peer = g_strdup (peer);
  op->sender = g_strdup (sender);
  op->id = g_strdup (message_id);
  op->reactions = g_strdupv ((char **) reactions);
  push_op (self, op);
}

void
confab_history_store_mark_read_async (ConfabHistoryStore  *self,
                                      gint64               conversation_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONFAB_IS_HISTORY_STORE (self));

  op = queue_op (self, OP_MARK_READ, confab_history_store_apply_finish,
                 cancellable, callback, user_data);
  op->conversation_id = conversation_id;
  push_op (self, op);
}

gboolean
confab_history_store_apply_finish (ConfabHistoryStore    *self,
                                   GAsyncResult          *result,
                                   ConfabHistoryOutcome  *outcome,
                                   GError               **error)
{
  Op *op;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  op = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (outcome != NULL)
    *outcome = op->outcome;
  return TRUE;
}

/* ---- Reads ------------------------------------------------------------------- */

#define MESSAGE_COLUMNS \
  "m.id, m.conversation_id, c.peer, m.direction, j.jid, m.timestamp, m.body, m.origin_id," \
  " m.stanza_id, m.archive_id, m.state, m.edited, m.retracted, m.reply_to"
#define MESSAGE_JOINS \
  " JOIN conversations c ON c.id = m.conversation_id JOIN jids j ON j.id = m.sender_id"

static char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static ConfabHistoryMessage *
message_from_row (sqlite3_stmt *stmt)
{
  ConfabHistoryMessage *m = g_new0 (ConfabHistoryMessage, 1);

  m->id = sqlite3_column_int64 (stmt, 0);
  m->conversation_id = sqlite3_column_int64 (stmt, 1);
  m->peer = column_strdup (stmt, 2);
  m->direction = sqlite3_column_int (stmt, 3);
  m->sender = column_strdup (stmt, 4);
  m->timestamp = sqlite3_column_int64 (stmt, 5);
  m->body = column_strdup (stmt, 6);
  m->origin_id = column_strdup (stmt, 7);
  m->stanza_id = column_strdup (stmt, 8);
  m->archive_id = column_strdup (stmt, 9);
  m->state = sqlite3_column_int (stmt, 10);
  m->edited = sqlite3_column_int (stmt, 11) != 0;
  m->retracted = sqlite3_column_int (stmt, 12) != 0;
  m->reply_to = column_strdup (stmt, 13);
  return m;
}

/* Steps @stmt to the end, collecting messages; resets it either way. */
static GPtrArray *
collect_messages (ConfabHistoryStore  *self,
                  sqlite3_stmt        *stmt,
                  gboolean             reverse,
                  GError             **error)
{
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_history_message_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (messages, message_from_row (stmt));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (self->reader),
                                 "Could not read history", error);
      return NULL;
    }
  if (reverse)
    {
      for (guint i = 0, j = messages->len; i + 1 < j; i++, j--)
        {
          gpointer tmp = messages->pdata[i];

          messages->pdata[i] = messages->pdata[j - 1];
          messages->pdata[j - 1] = tmp;
        }
    }
  return g_steal_pointer (&messages);
}

ConfabHistoryMessage *
confab_history_store_get_message (ConfabHistoryStore  *self,
                                  gint64               message_id,
                                  GError             **error)
{
  g_autoptr(GPtrArray) found = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  stmt = confab_database_prepare (self->reader,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages m" MESSAGE_JOINS
                                  " WHERE m.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  found = collect_messages (self, stmt, FALSE, error);
  if (found == NULL)
    return NULL;
  if (found->len == 0)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND,
                   "No message with id %" G_GINT64_FORMAT, message_id);
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}

GPtrArray *
confab_history_store_list_newest (ConfabHistoryStore  *self,
                                  gint64               conversation_id,
                                  guint                limit,
                                  GError             **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  /* Walks messages_by_time backwards from the end: reads only @limit rows. */
  stmt = confab_database_prepare (self->reader,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages m" MESSAGE_JOINS
                                  " WHERE m.conversation_id = ?1"
                                  " ORDER BY m.timestamp DESC, m.id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  return collect_messages (self, stmt, TRUE, error);
}

GPtrArray *
confab_history_store_list_before (ConfabHistoryStore  *self,
                                  gint64               conversation_id,
                                  gint64               message_id,
                                  guint                limit,
                                  GError             **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  /* (timestamp, id) is the order of messages_by_time (the rowid ends every
   * index entry), so the row value comparison is a range on the index. */
  stmt = confab_database_prepare (self->reader,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages m" MESSAGE_JOINS
                                  " WHERE m.conversation_id = ?1"
                                  " AND (m.timestamp, m.id) < (SELECT timestamp, id FROM messages"
                                  "                           WHERE id = ?2 AND conversation_id = ?1)"
                                  " ORDER BY m.timestamp DESC, m.id DESC LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, message_id);
  sqlite3_bind_int64 (stmt, 3, limit);
  return collect_messages (self, stmt, TRUE, error);
}

GPtrArray *
confab_history_store_list_after (ConfabHistoryStore  *self,
                                 gint64               conversation_id,
                                 gint64               message_id,
                                 guint                limit,
                                 GError             **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  stmt = confab_database_prepare (self->reader,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages m" MESSAGE_JOINS
                                  " WHERE m.conversation_id = ?1"
                                  " AND (m.timestamp, m.id) > (SELECT timestamp, id FROM messages"
                                  "                           WHERE id = ?2 AND conversation_id = ?1)"
                                  " ORDER BY m.timestamp, m.id LIMIT ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int64 (stmt, 2, message_id);
  sqlite3_bind_int64 (stmt, 3, limit);
  return collect_messages (self, stmt, FALSE, error);
}

char *
confab_history_fts_query_from_text (const char *text)
{
  g_autoptr(GString) query = g_string_new (NULL);
  const char *p = text;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  while (*p != '\0')
    {
      const char *start, *q;
      gboolean has_token_char = FALSE;

      while (*p != '\0' && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && !g_unichar_isspace (g_utf8_get_char (p)))
        {
          if (g_unichar_isalnum (g_utf8_get_char (p)))
            has_token_char = TRUE;
          p = g_utf8_next_char (p);
        }
      /* A word without letters or digits yields no token; as a phrase it
       * would match nothing at all, so it is left out. */
      if (!has_token_char)
        continue;

      /* Every word is an FTS5 string: inside "…" nothing is syntax (no
       * operators, columns, prefixes or NEAR) and " is written "". */
      if (query->len > 0)
        g_string_append_c (query, ' ');
      g_string_append_c (query, '"');
      for (q = start; q < p; q++)
        {
          if (*q == '"')
            g_string_append_c (query, '"');
          g_string_append_c (query, *q);
        }
      g_string_append_c (query, '"');
    }

  if (query->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&query), FALSE);
}

GPtrArray *
confab_history_store_search (ConfabHistoryStore  *self,
                             gint64               conversation_id,
                             const char          *text,
                             guint                limit,
                             GError             **error)
{
  g_autofree char *query = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  query = confab_history_fts_query_from_text (text);
  if (query == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) confab_history_message_free);

  /* Newest first by time (MAM fills in old messages after new ones, so
   * storage order is not time order); ties by row. */
  if (conversation_id != 0)
    /* The matches first, then their conversation: the unary + keeps the
     * planner from walking the whole conversation's index and probing FTS
     * per row (1.7 s against 0.9 ms for 100k messages). */
    stmt = confab_database_prepare (self->reader,
                                    "SELECT " MESSAGE_COLUMNS " FROM messages m" MESSAGE_JOINS
                                    " WHERE m.id IN (SELECT rowid FROM messages_fts"
                                    "                WHERE messages_fts MATCH ?1)"
                                    " AND +m.conversation_id = ?3"
                                    " ORDER BY m.timestamp DESC, m.id DESC LIMIT ?2", error);
  else
    stmt = confab_database_prepare (self->reader,
                                    "SELECT " MESSAGE_COLUMNS " FROM messages_fts f"
                                    " JOIN messages m ON m.id = f.rowid" MESSAGE_JOINS
                                    " WHERE messages_fts MATCH ?1"
                                    " ORDER BY m.timestamp DESC, m.id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, query);
  sqlite3_bind_int64 (stmt, 2, limit);
  if (conversation_id != 0)
    sqlite3_bind_int64 (stmt, 3, conversation_id);
  return collect_messages (self, stmt, FALSE, error);
}

GPtrArray *
confab_history_store_list_pending (ConfabHistoryStore  *self,
                                   gint64               account_id,
                                   GError             **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  /* state = 0 literally, so the partial index messages_pending applies. */
  stmt = confab_database_prepare (self->reader,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages m" MESSAGE_JOINS
                                  " WHERE c.account_id = ?1 AND m.state = 0 AND m.direction = 1"
                                  " ORDER BY m.timestamp, m.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  return collect_messages (self, stmt, FALSE, error);
}

static GPtrArray *
collect_conversations (ConfabHistoryStore  *self,
                       sqlite3_stmt        *stmt,
                       GError             **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_history_conversation_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConfabHistoryConversation *c = g_new0 (ConfabHistoryConversation, 1);

      c->id = sqlite3_column_int64 (stmt, 0);
      c->account_id = sqlite3_column_int64 (stmt, 1);
      c->peer = column_strdup (stmt, 2);
      c->kind = sqlite3_column_int (stmt, 3);
      c->last_message_id = sqlite3_column_int64 (stmt, 4);
      c->last_activity = sqlite3_column_int64 (stmt, 5);
      c->unread_count = (guint) sqlite3_column_int64 (stmt, 6);
      c->last_body = column_strdup (stmt, 7);
      g_ptr_array_add (list, c);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (self->reader),
                                 "Could not read conversations", error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

#define CONVERSATION_SELECT \
  "SELECT c.id, c.account_id, c.peer, c.kind, c.last_message_id, c.last_activity," \
  " c.unread_count, m.body FROM conversations c LEFT JOIN messages m ON m.id = c.last_message_id"

ConfabHistoryConversation *
confab_history_store_get_conversation (ConfabHistoryStore  *self,
                                       gint64               account_id,
                                       const char          *peer,
                                       GError             **error)
{
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  stmt = confab_database_prepare (self->reader,
                                  CONVERSATION_SELECT " WHERE c.account_id = ?1 AND c.peer = ?2",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  bind_text (stmt, 2, peer);
  list = collect_conversations (self, stmt, error);
  if (list == NULL || list->len == 0)
    return NULL;
  return g_ptr_array_steal_index (list, 0);
}

ConfabHistoryConversation *
confab_history_store_get_conversation_by_id (ConfabHistoryStore  *self,
                                             gint64               conversation_id,
                                             GError             **error)
{
  g_autoptr(GPtrArray) list = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  stmt = confab_database_prepare (self->reader, CONVERSATION_SELECT " WHERE c.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  list = collect_conversations (self, stmt, error);
  if (list == NULL)
    return NULL;
  if (list->len == 0)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND,
                   "No conversation with id %" G_GINT64_FORMAT, conversation_id);
      return NULL;
    }
  return g_ptr_array_steal_index (list, 0);
}

GPtrArray *
confab_history_store_list_conversations (ConfabHistoryStore  *self,
                                         gint64               account_id,
                                         GError             **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  stmt = confab_database_prepare (self->reader,
                                  CONVERSATION_SELECT " WHERE ?1 = 0 OR c.account_id = ?1"
                                  " ORDER BY c.last_activity DESC, c.id DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  return collect_conversations (self, stmt, error);
}

char **
confab_history_store_get_reactions (ConfabHistoryStore  *self,
                                    gint64               message_id,
                                    GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  stmt = confab_database_prepare (self->reader,
                                  "SELECT j.jid, r.emoji FROM reactions r JOIN jids j ON j.id = r.sender_id"
                                  " WHERE r.message_id = ?1 ORDER BY j.jid, r.emoji", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
      g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (self->reader),
                                 "Could not read reactions", error);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

ConfabHistoryMessage *
confab_history_store_find_by_ref (ConfabHistoryStore  *self,
                                  gint64               conversation_id,
                                  const char          *ref,
                                  GError             **error)
{
  g_autoptr(GPtrArray) found = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  if (ref == NULL)
    return NULL;
  /* One indexed search per id column, as in the writer. */
  stmt = confab_database_prepare (self->reader,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages m" MESSAGE_JOINS
                                  " WHERE m.id = (SELECT min (id) FROM ("
                                  ANY_ARM ("origin_id") " UNION ALL "
                                  ANY_ARM ("stanza_id") " UNION ALL "
                                  ANY_ARM ("archive_id") "))", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  bind_text (stmt, 2, ref);
  found = collect_messages (self, stmt, FALSE, error);
  if (found == NULL || found->len == 0)
    return NULL;
  return g_ptr_array_steal_index (found, 0);
}

ConfabHistoryMessage *
confab_history_store_get_last_outgoing (ConfabHistoryStore  *self,
                                        gint64               conversation_id,
                                        GError             **error)
{
  g_autoptr(GPtrArray) found = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  /* From the end of messages_by_time; in practice a few rows. */
  stmt = confab_database_prepare (self->reader,
                                  "SELECT " MESSAGE_COLUMNS " FROM messages m" MESSAGE_JOINS
                                  " WHERE m.conversation_id = ?1 AND m.direction = 1"
                                  " AND m.retracted = 0"
                                  " ORDER BY m.timestamp DESC, m.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  found = collect_messages (self, stmt, FALSE, error);
  if (found == NULL || found->len == 0)
    return NULL;
  return g_ptr_array_steal_index (found, 0);
}

char **
confab_history_store_get_reactions_of (ConfabHistoryStore  *self,
                                       gint64               message_id,
                                       const char          *sender,
                                       GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);
  g_return_val_if_fail (sender != NULL, NULL);

  stmt = confab_database_prepare (self->reader,
                                  "SELECT r.emoji FROM reactions r JOIN jids j ON j.id = r.sender_id"
                                  " WHERE r.message_id = ?1 AND j.jid = ?2 ORDER BY r.emoji", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  bind_text (stmt, 2, sender);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (self->reader),
                                 "Could not read reactions", error);
      return NULL;
    }
  return g_strv_builder_end (builder);
}

char *
confab_history_store_get_catch_up_position (ConfabHistoryStore  *self,
                                            gint64               account_id,
                                            GError             **error)
{
  sqlite3_stmt *stmt;
  char *id = NULL;
  int rc;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  stmt = confab_database_prepare (self->reader,
                                  "SELECT mam_complete_id FROM accounts WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    id = column_strdup (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    confab_database_set_error (confab_database_get_handle (self->reader),
                               "Could not read an account", error);
  return id;
}

/* Steps @stmt (bound, from the reader) once: the id in column 0 of its
 * row, and column 1 into *@column1 when asked; NULL without error when
 * there is no row. */
static char *
read_one_id (ConfabHistoryStore  *self,
             sqlite3_stmt        *stmt,
             gint64              *column1,
             GError             **error)
{
  char *id = NULL;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      id = column_strdup (stmt, 0);
      if (column1 != NULL)
        *column1 = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    confab_database_set_error (confab_database_get_handle (self->reader),
                               "Could not read history", error);
  return id;
}

char *
confab_history_store_get_oldest_archive_id (ConfabHistoryStore  *self,
                                            gint64               conversation_id,
                                            gint64              *timestamp,
                                            GError             **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  /* From the bottom of messages_by_time up to the first row that came with
   * an id of our archive. */
  stmt = confab_database_prepare (self->reader,
                                  "SELECT coalesce (archive_id, stanza_id), timestamp FROM messages"
                                  " WHERE conversation_id = ?1"
                                  " AND (archive_id IS NOT NULL OR stanza_id IS NOT NULL)"
                                  " ORDER BY timestamp ASC, id ASC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  return read_one_id (self, stmt, timestamp, error);
}

char *
confab_history_store_get_last_archive_id (ConfabHistoryStore  *self,
                                          gint64               account_id,
                                          GError             **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (self), NULL);

  /* Per chat, the newest message with an id from our archive (found from
   * the top of messages_by_time), then the newest of those. */
  stmt = confab_database_prepare (self->reader,
                                  "SELECT coalesce (m.archive_id, m.stanza_id) FROM conversations c"
                                  " JOIN messages m ON m.id = (SELECT m2.id FROM messages m2"
                                  "   WHERE m2.conversation_id = c.id"
                                  "   AND (m2.archive_id IS NOT NULL OR m2.stanza_id IS NOT NULL)"
                                  "   ORDER BY m2.timestamp DESC, m2.id DESC LIMIT 1)"
                                  " WHERE c.account_id = ?1 AND c.kind = 0"
                                  " ORDER BY m.timestamp DESC, m.id DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  return read_one_id (self, stmt, NULL, error);
}
