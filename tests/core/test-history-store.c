/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "confab-core-error.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-xmpp-parser.h"
#include "core-test-util.h"

#define OWN   "alice@example.org"
#define BOB   "bob@example.org"
#define EVE   "eve@example.org"
#define ROOM  "room@muc.example.org"

static const char *self_path;

typedef CoreTestHistory Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  core_test_history_init (f, "confab-test-history-XXXXXX", OWN);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  core_test_history_clear (f);
}

/* ---- Helpers ------------------------------------------------------------------ */

/* A message as the stream would hand it over, through the real parser. */
static ConfabXmppMessage *
message (const char *xml)
{
  return core_test_parse_message (xml, OWN "/phone");
}

typedef struct {
  gboolean              done;
  gint64                row_id;
  ConfabHistoryOutcome  outcome;
  GError               *error;
  const char           *check_path;    /* for the after-commit test */
  const char           *check_origin;
  gint64                seen_rows;
} Wait;

static void
wait_for (Wait *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
}

static gint64
raw_count (const char *path,
           const char *sql,
           const char *arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = -1;

  /* A fresh connection, independent of the store's. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Wait *w = user_data;

  confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (object), result,
                                           &w->row_id, &w->outcome, &w->error);
  if (w->check_path != NULL)
    w->seen_rows = raw_count (w->check_path, "SELECT count(*) FROM messages WHERE origin_id = ?1",
                              w->check_origin);
  w->done = TRUE;
}

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Wait *w = user_data;

  confab_history_store_apply_finish (CONFAB_HISTORY_STORE (object), result, &w->outcome, &w->error);
  w->done = TRUE;
}

static gint64
add (Fixture                *f,
     const char             *xml,
     ConfabHistoryDirection  direction,
     const char             *archive_id,
     ConfabHistoryOutcome    expected)
{
  g_autoptr(ConfabXmppMessage) m = message (xml);
  Wait w = { 0 };

  confab_history_store_add_message_async (f->store, f->account_id, m, direction, archive_id,
                                          NULL, added_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome, ==, expected);
  return w.row_id;
}

static gint64
add_pending (Fixture    *f,
             const char *peer,
             const char *body,
             const char *origin_id)
{
  Wait w = { 0 };

  confab_history_store_add_outgoing_pending_async (f->store, f->account_id, peer,
                                                   CONFAB_HISTORY_KIND_CHAT, body, origin_id,
                                                   NULL, added_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome, ==, CONFAB_HISTORY_OUTCOME_STORED);
  return w.row_id;
}

static ConfabHistoryOutcome
set_state (Fixture            *f,
           const char         *peer,
           const char         *origin_id,
           ConfabHistoryState  state)
{
  Wait w = { 0 };

  confab_history_store_set_state_async (f->store, f->account_id, peer, origin_id, state,
                                        NULL, applied_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  return w.outcome;
}

static ConfabHistoryMessage *
get (Fixture *f,
     gint64   id)
{
  g_autoptr(GError) error = NULL;
  ConfabHistoryMessage *m = confab_history_store_get_message (f->store, id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (m);
  return m;
}

static gint64
conversation (Fixture    *f,
              const char *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryConversation) c = confab_history_store_get_conversation (f->store, f->account_id,
                                                                                  peer, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c->id;
}

static guint
count_messages (Fixture *f,
                gint64   conversation_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = confab_history_store_list_newest (f->store, conversation_id, 1000, &error);

  g_assert_no_error (error);
  return page->len;
}

/* ---- Dedup --------------------------------------------------------------------- */

static void
test_dedup_origin_id (Fixture       *f,
                      gconstpointer  data)
{
  const char *live = "<message from='" BOB "/laptop' to='" OWN "/phone' type='chat' id='m1'>"
                     "<body>hi alice</body><origin-id xmlns='urn:xmpp:sid:0' id='o-1'/></message>";
  gint64 first, again;
  g_autoptr(ConfabHistoryMessage) m = NULL;

  first = add (f, live, CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  g_assert_cmpint (first, >, 0);
  /* The same message as the inner message of a received carbon. */
  again = add (f, live, CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_DUPLICATE);
  g_assert_cmpint (again, ==, first);
  /* And from MAM, with a stanza-id from our server and the result id: the
   * missing ids are filled in. */
  again = add (f, "<message from='" BOB "/laptop' to='" OWN "/phone' type='chat' id='m1'>"
                  "<body>hi alice</body><origin-id xmlns='urn:xmpp:sid:0' id='o-1'/>"
                  "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='S-1'/>"
                  "<delay xmlns='urn:xmpp:delay' stamp='2024-01-01T10:00:00Z'/></message>",
               CONFAB_HISTORY_DIRECTION_IN, "S-1", CONFAB_HISTORY_OUTCOME_DUPLICATE);
  g_assert_cmpint (again, ==, first);

  m = get (f, first);
  g_assert_cmpstr (m->body, ==, "hi alice");
  g_assert_cmpstr (m->sender, ==, BOB);
  g_assert_cmpstr (m->peer, ==, BOB);
  g_assert_cmpstr (m->origin_id, ==, "o-1");
  g_assert_cmpstr (m->stanza_id, ==, "S-1");
  g_assert_cmpstr (m->archive_id, ==, "S-1");
  g_assert_cmpint (m->direction, ==, CONFAB_HISTORY_DIRECTION_IN);
  g_assert_cmpuint (count_messages (f, m->conversation_id), ==, 1);
}

static void
test_dedup_stanza_and_archive_id (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *last = NULL;
  gint64 live, archived;

  /* No origin-id and no id: only our server's stanza-id identifies it. */
  live = add (f, "<message from='" BOB "/laptop' to='" OWN "' type='chat'><body>one</body>"
                 "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='S-7'/></message>",
              CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  /* MAM result id = the stanza-id. */
  archived = add (f, "<message from='" BOB "/laptop' to='" OWN "' type='chat'><body>one</body></message>",
                  CONFAB_HISTORY_DIRECTION_IN, "S-7", CONFAB_HISTORY_OUTCOME_DUPLICATE);
  g_assert_cmpint (archived, ==, live);
  /* Seen twice in MAM. */
  add (f, "<message from='" BOB "/laptop' to='" OWN "' type='chat'><body>one</body></message>",
       CONFAB_HISTORY_DIRECTION_IN, "S-7", CONFAB_HISTORY_OUTCOME_DUPLICATE);
  /* A stanza-id by someone else is not trusted: it does not dedup. */
  add (f, "<message from='" BOB "/laptop' to='" OWN "' type='chat'><body>one</body>"
          "<stanza-id xmlns='urn:xmpp:sid:0' by='" BOB "' id='S-7'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);

  add (f, "<message from='" BOB "/laptop' to='" OWN "' type='chat'><body>two</body>"
          "<delay xmlns='urn:xmpp:delay' stamp='2030-01-01T00:00:00Z'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, "S-8", CONFAB_HISTORY_OUTCOME_STORED);
  last = confab_history_store_get_last_archive_id (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (last, ==, "S-8");
}

static void
test_stranger_reusing_id (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ConfabHistoryMessage) ours = NULL;
  g_autoptr(ConfabHistoryMessage) bobs = NULL;
  g_autoptr(ConfabHistoryMessage) first = NULL;
  gint64 our_id, bob_id, a, b;

  our_id = add_pending (f, BOB, "my words", "shared-id");
  /* Bob sends a message that claims our origin-id. */
  bob_id = add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='shared-id'><body>fake</body>"
                   "<origin-id xmlns='urn:xmpp:sid:0' id='shared-id'/></message>",
                CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  g_assert_cmpint (bob_id, !=, our_id);
  ours = get (f, our_id);
  bobs = get (f, bob_id);
  g_assert_cmpstr (ours->body, ==, "my words");
  g_assert_cmpstr (ours->sender, ==, OWN);
  g_assert_cmpstr (bobs->body, ==, "fake");
  g_assert_cmpstr (bobs->sender, ==, BOB);

  /* In a room, occupants are told apart by their full JID. */
  a = add (f, "<message from='" ROOM "/bob' to='" OWN "' type='groupchat'><body>real</body>"
              "<origin-id xmlns='urn:xmpp:sid:0' id='g-1'/></message>",
           CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  b = add (f, "<message from='" ROOM "/eve' to='" OWN "' type='groupchat'><body>imposter</body>"
              "<origin-id xmlns='urn:xmpp:sid:0' id='g-1'/></message>",
           CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  g_assert_cmpint (a, !=, b);
  first = get (f, a);
  g_assert_cmpstr (first->body, ==, "real");
  g_assert_cmpstr (first->sender, ==, ROOM "/bob");
  g_assert_cmpstr (first->peer, ==, ROOM);
}

/* ---- Corrections, retractions, reactions --------------------------------------- */

static gint64
add_archived (Fixture                *f,
              const char             *xml,
              const char             *archive_id,
              GDateTime              *stamp,
              ConfabHistoryOutcome    expected)
{
  g_autoptr(ConfabXmppMessage) m = message (xml);
  Wait w = { 0 };

  confab_history_store_add_archived_message_async (f->store, f->account_id, m,
                                                   CONFAB_HISTORY_DIRECTION_IN, archive_id,
                                                   stamp, NULL, added_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome, ==, expected);
  return w.row_id;
}

/* A correction replayed from the archive decides as it did live: Bob's
 * correction of our message was dropped when it came; a later message of
 * his that reuses our id must not become its target on replay. And an
 * archived message keeps the archive's time. */
static void
test_correction_replayed (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) earlier = g_date_time_add_minutes (now, -10);
  g_autoptr(ConfabHistoryMessage) reused = NULL;
  g_autoptr(ConfabHistoryMessage) archived = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 reused_id, archived_id;

  add_pending (f, BOB, "ours", "shared-id");
  /* Live, after the correction was archived: Bob reuses our id. */
  reused_id = add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='shared-id'>"
                      "<body>reused</body></message>",
                   CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  add_archived (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='fix-1'><body>forged</body>"
                   "<replace xmlns='urn:xmpp:message-correct:0' id='shared-id'/></message>",
                "arch-fix-1", earlier, CONFAB_HISTORY_OUTCOME_IGNORED);
  reused = get (f, reused_id);
  g_assert_cmpstr (reused->body, ==, "reused");
  g_assert_false (reused->edited);
  found = confab_history_store_search (f->store, 0, "forged", 10, NULL);
  g_assert_cmpuint (found->len, ==, 0);

  archived_id = add_archived (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='old-1'>"
                                 "<body>from the archive</body></message>",
                              "arch-old-1", earlier, CONFAB_HISTORY_OUTCOME_STORED);
  archived = get (f, archived_id);
  g_assert_cmpint (archived->timestamp, ==,
                   g_date_time_to_unix (earlier) * G_USEC_PER_SEC
                   + g_date_time_get_microsecond (earlier));
}

static void
test_correction (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ConfabHistoryMessage) m = NULL;
  g_autoptr(ConfabHistoryMessage) ours = NULL;
  gint64 id, our_id, other;
  Wait w = { 0 };

  id = add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='c-1'><body>helo</body></message>",
            CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  g_assert_cmpint (add (f, "<message from='" BOB "/y' to='" OWN "' type='chat' id='c-2'><body>hello</body>"
                           "<replace xmlns='urn:xmpp:message-correct:0' id='c-1'/></message>",
                        CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED), ==, id);
  /* A chain: the next correction names the previous one. */
  add (f, "<message from='" BOB "/y' to='" OWN "' type='chat' id='c-3'><body>hello!</body>"
          "<replace xmlns='urn:xmpp:message-correct:0' id='c-2'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  m = get (f, id);
  g_assert_cmpstr (m->body, ==, "hello!");
  g_assert_true (m->edited);

  /* Bob may not correct our message: dropped, live or from the archive,
   * as ConfabXmppMessages drops it live (XEP-0308 §5)... */
  our_id = add_pending (f, BOB, "original", "ours-1");
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='c-4'><body>hijacked</body>"
          "<replace xmlns='urn:xmpp:message-correct:0' id='ours-1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_IGNORED);
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='c-5'><body>hijacked</body>"
          "<replace xmlns='urn:xmpp:message-correct:0' id='ours-1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, "archive-c-5", CONFAB_HISTORY_OUTCOME_IGNORED);
  /* ... while one that names no message we know is kept as his message. */
  other = add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='c-6'><body>orphan</body>"
                  "<replace xmlns='urn:xmpp:message-correct:0' id='never-seen'/></message>",
               CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  g_assert_cmpint (other, !=, our_id);
  g_clear_pointer (&m, confab_history_message_free);
  m = get (f, other);
  g_assert_cmpstr (m->body, ==, "orphan");
  ours = get (f, our_id);
  g_assert_cmpstr (ours->body, ==, "original");
  g_assert_false (ours->edited);

  /* Through the explicit API: the wrong sender is refused... */
  confab_history_store_apply_correction_async (f->store, f->account_id, BOB, EVE, "ours-1", "e-1",
                                               "evil", NULL, applied_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.outcome, ==, CONFAB_HISTORY_OUTCOME_IGNORED);
  /* ... our own correction is applied. */
  w = (Wait) { 0 };
  confab_history_store_apply_correction_async (f->store, f->account_id, BOB, OWN, "ours-1", "ours-2",
                                               "fixed", NULL, applied_cb, &w);
  wait_for (&w);
  g_assert_cmpint (w.outcome, ==, CONFAB_HISTORY_OUTCOME_UPDATED);
  g_clear_pointer (&ours, confab_history_message_free);
  ours = get (f, our_id);
  g_assert_cmpstr (ours->body, ==, "fixed");
  g_assert_true (ours->edited);
}

static void
test_retraction (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ConfabHistoryMessage) ours = NULL;
  g_autoptr(ConfabHistoryMessage) bobs = NULL;
  g_autoptr(GPtrArray) found = NULL;
  gint64 our_id, bob_id;

  our_id = add_pending (f, BOB, "keep this unicorn", "r-ours");
  bob_id = add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='r-bob'><body>oops unicorn</body>"
                   "<origin-id xmlns='urn:xmpp:sid:0' id='r-bob'/></message>",
                CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);

  /* Bob cannot retract ours. */
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><retract xmlns='urn:xmpp:message-retract:1' id='r-ours'/>"
          "<body>This person attempted to retract a previous message</body>"
          "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_IGNORED);
  ours = get (f, our_id);
  g_assert_cmpstr (ours->body, ==, "keep this unicorn");
  g_assert_false (ours->retracted);

  /* He can retract his. */
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><retract xmlns='urn:xmpp:message-retract:1' id='r-bob'/>"
          "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"
          "<body>This person attempted to retract a previous message</body></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  bobs = get (f, bob_id);
  g_assert_null (bobs->body);
  g_assert_true (bobs->retracted);

  /* The text left the search index. */
  found = confab_history_store_search (f->store, 0, "unicorn", 10, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (((ConfabHistoryMessage *) found->pdata[0])->id, ==, our_id);
}

/* Messages are indexed for search once per batch (schema v6): a message
 * corrected or retracted in the same batch as it arrived leaves an index
 * that matches the stored text (FTS5's own integrity check). */
static void
test_search_index_in_one_batch (Fixture       *f,
                                gconstpointer  data)
{
  const char *stanzas[] = {
    "<message from='" BOB "/x' to='" OWN "' type='chat' id='b-1'><body>first unicorn</body>"
    "<origin-id xmlns='urn:xmpp:sid:0' id='b-1'/></message>",
    "<message from='" BOB "/x' to='" OWN "' type='chat' id='b-2'><body>second narwhal</body>"
    "<origin-id xmlns='urn:xmpp:sid:0' id='b-2'/></message>",
    "<message from='" BOB "/x' to='" OWN "' type='chat' id='b-3'><body>first pegasus</body>"
    "<replace xmlns='urn:xmpp:message-correct:0' id='b-1'/></message>",
    "<message from='" BOB "/x' to='" OWN "' type='chat' id='b-4'>"
    "<retract xmlns='urn:xmpp:message-retract:1' id='b-2'/>"
    "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"
    "<body>This person attempted to retract a previous message</body></message>",
    "<message from='" BOB "/x' to='" OWN "' type='chat' id='b-5'><body>third griffin</body>"
    "<origin-id xmlns='urn:xmpp:sid:0' id='b-5'/></message>",
  };
  Wait waits[G_N_ELEMENTS (stanzas)] = { { 0 } };
  g_autoptr(GPtrArray) found = NULL;

  /* Everything queued at once, in one transaction. */
  confab_history_store_set_batch_limits (f->store, 200, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (stanzas); i++)
    {
      g_autoptr(ConfabXmppMessage) m = message (stanzas[i]);

      confab_history_store_add_message_async (f->store, f->account_id, m, CONFAB_HISTORY_DIRECTION_IN,
                                              NULL, NULL, added_cb, &waits[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (stanzas); i++)
    {
      wait_for (&waits[i]);
      g_assert_no_error (waits[i].error);
    }

  found = confab_history_store_search (f->store, 0, "unicorn", 10, NULL);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = confab_history_store_search (f->store, 0, "pegasus", 10, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = confab_history_store_search (f->store, 0, "narwhal", 10, NULL);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = confab_history_store_search (f->store, 0, "griffin", 10, NULL);
  g_assert_cmpuint (found->len, ==, 1);

  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')",
                                   NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
}

static void
test_reactions (Fixture       *f,
                gconstpointer  data)
{
  g_auto(GStrv) reactions = NULL;
  gint64 id;
  Wait w = { 0 };
  const char * const ours[] = { "🎉", NULL };

  id = add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='x-1'><body>news</body></message>",
            CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><reactions xmlns='urn:xmpp:reactions:0' id='x-1'>"
          "<reaction>👍</reaction><reaction>❤</reaction></reactions></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  confab_history_store_apply_reactions_async (f->store, f->account_id, BOB, OWN, "x-1", ours,
                                              NULL, applied_cb, &w);
  wait_for (&w);
  g_assert_cmpint (w.outcome, ==, CONFAB_HISTORY_OUTCOME_UPDATED);

  reactions = confab_history_store_get_reactions (f->store, id, NULL);
  g_assert_cmpuint (g_strv_length (reactions), ==, 6);
  g_clear_pointer (&reactions, g_strfreev);

  /* Bob's new set replaces his old one; ours stays. */
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><reactions xmlns='urn:xmpp:reactions:0' id='x-1'>"
          "<reaction>😂</reaction></reactions></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  reactions = confab_history_store_get_reactions (f->store, id, NULL);
  g_assert_cmpuint (g_strv_length (reactions), ==, 4);
  g_assert_cmpstr (reactions[0], ==, OWN);
  g_assert_cmpstr (reactions[1], ==, "🎉");
  g_assert_cmpstr (reactions[2], ==, BOB);
  g_assert_cmpstr (reactions[3], ==, "😂");
  g_clear_pointer (&reactions, g_strfreev);

  /* An empty set removes his. */
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><reactions xmlns='urn:xmpp:reactions:0' id='x-1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  reactions = confab_history_store_get_reactions (f->store, id, NULL);
  g_assert_cmpuint (g_strv_length (reactions), ==, 2);

  /* Reactions to an unknown message change nothing. */
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><reactions xmlns='urn:xmpp:reactions:0' id='nope'>"
          "<reaction>👍</reaction></reactions></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_IGNORED);
}

/* ---- States ------------------------------------------------------------------ */

static ConfabHistoryState
state_of (Fixture *f,
          gint64   id)
{
  g_autoptr(ConfabHistoryMessage) m = get (f, id);

  return m->state;
}

static void
test_receipts_and_states (Fixture       *f,
                          gconstpointer  data)
{
  gint64 id = add_pending (f, BOB, "did you get this?", "s-1");

  g_assert_cmpint (state_of (f, id), ==, CONFAB_HISTORY_STATE_PENDING);
  g_assert_cmpint (set_state (f, BOB, "s-1", CONFAB_HISTORY_STATE_SENT), ==, CONFAB_HISTORY_OUTCOME_UPDATED);
  g_assert_cmpint (state_of (f, id), ==, CONFAB_HISTORY_STATE_SENT);

  /* A receipt from someone else does nothing. */
  add (f, "<message from='" EVE "/x' to='" OWN "'><received xmlns='urn:xmpp:receipts' id='s-1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_IGNORED);
  g_assert_cmpint (state_of (f, id), ==, CONFAB_HISTORY_STATE_SENT);

  /* From the peer: delivered. */
  add (f, "<message from='" BOB "/x' to='" OWN "'><received xmlns='urn:xmpp:receipts' id='s-1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  g_assert_cmpint (state_of (f, id), ==, CONFAB_HISTORY_STATE_DELIVERED);

  /* Displayed marker: read. */
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><displayed xmlns='urn:xmpp:chat-markers:0' id='s-1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  g_assert_cmpint (state_of (f, id), ==, CONFAB_HISTORY_STATE_READ);

  /* Never backwards. */
  g_assert_cmpint (set_state (f, BOB, "s-1", CONFAB_HISTORY_STATE_SENT), ==, CONFAB_HISTORY_OUTCOME_IGNORED);
  add (f, "<message from='" BOB "/x' to='" OWN "'><received xmlns='urn:xmpp:receipts' id='s-1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_IGNORED);
  g_assert_cmpint (state_of (f, id), ==, CONFAB_HISTORY_STATE_READ);

  /* A receipt only ever concerns our messages, not Bob's. */
  id = add (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='b-1'><body>mine</body></message>",
            CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  g_assert_cmpint (set_state (f, BOB, "b-1", CONFAB_HISTORY_STATE_READ), ==, CONFAB_HISTORY_OUTCOME_IGNORED);

  /* An error bounce fails a sent message. */
  id = add_pending (f, BOB, "lost", "s-2");
  set_state (f, BOB, "s-2", CONFAB_HISTORY_STATE_SENT);
  add (f, "<message from='" BOB "' to='" OWN "' type='error' id='s-2'><error type='cancel'>"
          "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  g_assert_cmpint (state_of (f, id), ==, CONFAB_HISTORY_STATE_FAILED);
}

static void
test_pending (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) pending = NULL;
  ConfabHistoryMessage *m;

  add_pending (f, BOB, "first", "p-1");
  add_pending (f, EVE, "second", "p-2");
  /* Sending it again (resend after a crash) is idempotent. */
  {
    Wait w = { 0 };

    confab_history_store_add_outgoing_pending_async (f->store, f->account_id, BOB,
                                                     CONFAB_HISTORY_KIND_CHAT, "first", "p-1",
                                                     NULL, added_cb, &w);
    wait_for (&w);
    g_assert_cmpint (w.outcome, ==, CONFAB_HISTORY_OUTCOME_DUPLICATE);
  }

  pending = confab_history_store_list_pending (f->store, f->account_id, NULL);
  g_assert_cmpuint (pending->len, ==, 2);
  m = pending->pdata[0];
  g_assert_cmpstr (m->origin_id, ==, "p-1");
  g_assert_cmpstr (m->peer, ==, BOB);
  g_assert_cmpstr (m->body, ==, "first");
  g_assert_cmpint (m->direction, ==, CONFAB_HISTORY_DIRECTION_OUT);
  g_clear_pointer (&pending, g_ptr_array_unref);

  set_state (f, BOB, "p-1", CONFAB_HISTORY_STATE_SENT);
  pending = confab_history_store_list_pending (f->store, f->account_id, NULL);
  g_assert_cmpuint (pending->len, ==, 1);
  g_assert_cmpstr (((ConfabHistoryMessage *) pending->pdata[0])->origin_id, ==, "p-2");
}

/* ---- Search ------------------------------------------------------------------- */

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  static const char * const hostile[] = {
    "\"", "\"\"", "*", "NEAR(", "NEAR(a b", "-foo", "OR", "AND", "NOT", "col:", "body:x",
    "^start", "a OR b", "(", ")", "{body}: x", "\"unterminated", "x*", "+", ":", "'", "\\",
    "  ", "", "NEAR(quick brown, 3)", "body : quick",
  };
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 bob_conv;

  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><body>The quick brown fox</body></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><body>Café au lait, s'il vous plaît</body></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  add (f, "<message from='" EVE "/x' to='" OWN "' type='chat'><body>a quick OR query -foo NEAR( col:x \"q\"</body></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  bob_conv = conversation (f, BOB);

  found = confab_history_store_search (f->store, 0, "quick", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  /* Newest first. */
  g_assert_cmpstr (((ConfabHistoryMessage *) found->pdata[0])->sender, ==, EVE);
  g_clear_pointer (&found, g_ptr_array_unref);

  found = confab_history_store_search (f->store, bob_conv, "quick", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* In one conversation too: newest by time, not by storage (the archive
   * fills in older messages later), and limited. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) old = g_date_time_add_hours (now, -2);
    g_autoptr(GDateTime) older = g_date_time_add_hours (now, -3);

    add_archived (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='q-old'>"
                     "<body>quick, two hours ago</body></message>",
                  "arch-q-old", old, CONFAB_HISTORY_OUTCOME_STORED);
    add_archived (f, "<message from='" BOB "/x' to='" OWN "' type='chat' id='q-older'>"
                     "<body>quick, three hours ago</body></message>",
                  "arch-q-older", older, CONFAB_HISTORY_OUTCOME_STORED);
    found = confab_history_store_search (f->store, bob_conv, "quick", 10, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 3);
    g_assert_cmpstr (((ConfabHistoryMessage *) found->pdata[0])->body, ==, "The quick brown fox");
    g_assert_cmpstr (((ConfabHistoryMessage *) found->pdata[1])->body, ==, "quick, two hours ago");
    g_assert_cmpstr (((ConfabHistoryMessage *) found->pdata[2])->body, ==, "quick, three hours ago");
    g_clear_pointer (&found, g_ptr_array_unref);
    found = confab_history_store_search (f->store, bob_conv, "quick", 2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 2);
    g_assert_cmpstr (((ConfabHistoryMessage *) found->pdata[1])->body, ==, "quick, two hours ago");
    g_clear_pointer (&found, g_ptr_array_unref);
  }

  /* Every word, any case, diacritics folded. */
  found = confab_history_store_search (f->store, 0, "BROWN quick", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = confab_history_store_search (f->store, 0, "cafe", 10, &error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = confab_history_store_search (f->store, 0, "quick fox zebra", 10, &error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Operators in user text are words, not syntax: "OR" must be in the text. */
  found = confab_history_store_search (f->store, 0, "quick OR", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);
  found = confab_history_store_search (f->store, 0, "-foo", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_clear_pointer (&found, g_ptr_array_unref);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      found = confab_history_store_search (f->store, 0, hostile[i], 10, &error);
      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_clear_pointer (&found, g_ptr_array_unref);
    }

  /* The quoting itself. */
  {
    g_autofree char *q = confab_history_fts_query_from_text ("say \"hi\" NEAR(x  *");

    g_assert_cmpstr (q, ==, "\"say\" \"\"\"hi\"\"\" \"NEAR(x\"");
  }
  g_assert_null (confab_history_fts_query_from_text ("  * \" "));
}

/* ---- Conversations and paging ------------------------------------------------- */

static void
test_conversations_unread (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  ConfabHistoryConversation *c;
  gint64 bob;
  Wait w = { 0 };

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *xml = g_strdup_printf ("<message from='" BOB "/x' to='" OWN "' type='chat'>"
                                              "<body>ping %u</body></message>", i);

      add (f, xml, CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
    }
  add (f, "<message from='" EVE "/x' to='" OWN "' type='chat'><body>hey</body></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  /* Old history filled in from MAM is not unread. */
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><body>ancient</body>"
          "<delay xmlns='urn:xmpp:delay' stamp='2001-01-01T00:00:00Z'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, "A-old", CONFAB_HISTORY_OUTCOME_STORED);
  /* Our reply (sent carbon) is the last message but not unread. */
  add (f, "<message from='" OWN "/laptop' to='" BOB "' type='chat' id='o-9'><body>pong</body></message>",
       CONFAB_HISTORY_DIRECTION_OUT, NULL, CONFAB_HISTORY_OUTCOME_STORED);

  list = confab_history_store_list_conversations (f->store, f->account_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  c = list->pdata[0];
  g_assert_cmpstr (c->peer, ==, BOB);
  g_assert_cmpuint (c->unread_count, ==, 3);
  g_assert_cmpstr (c->last_body, ==, "pong");
  g_assert_cmpint (c->kind, ==, CONFAB_HISTORY_KIND_CHAT);
  c = list->pdata[1];
  g_assert_cmpstr (c->peer, ==, EVE);
  g_assert_cmpuint (c->unread_count, ==, 1);
  g_assert_cmpstr (c->last_body, ==, "hey");
  bob = ((ConfabHistoryConversation *) list->pdata[0])->id;
  g_clear_pointer (&list, g_ptr_array_unref);

  confab_history_store_mark_read_async (f->store, bob, NULL, applied_cb, &w);
  wait_for (&w);
  g_assert_cmpint (w.outcome, ==, CONFAB_HISTORY_OUTCOME_UPDATED);
  list = confab_history_store_list_conversations (f->store, 0, &error);
  g_assert_cmpuint (((ConfabHistoryConversation *) list->pdata[0])->unread_count, ==, 0);
  g_assert_cmpuint (((ConfabHistoryConversation *) list->pdata[1])->unread_count, ==, 1);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  guint *left = user_data;

  g_assert_true (confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (object), result,
                                                          NULL, NULL, NULL));
  (*left)--;
}

static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) older = NULL;
  g_autoptr(GError) error = NULL;
  guint left = 200;
  gint64 conv;

  for (guint i = 0; i < 200; i++)
    {
      /* Timestamps out of arrival order, two per second (ties by row id). */
      g_autofree char *xml = g_strdup_printf ("<message from='" BOB "/x' to='" OWN "' type='chat'>"
                                              "<body>n%03u</body><delay xmlns='urn:xmpp:delay' "
                                              "stamp='2024-01-01T00:%02u:%02uZ'/></message>",
                                              199 - i, (199 - i) / 2 / 60, (199 - i) / 2 % 60);
      g_autoptr(ConfabXmppMessage) m = message (xml);

      confab_history_store_add_message_async (f->store, f->account_id, m, CONFAB_HISTORY_DIRECTION_IN,
                                              NULL, NULL, page_cb, &left);
    }
  while (left > 0)
    g_main_context_iteration (NULL, TRUE);
  conv = conversation (f, BOB);

  page = confab_history_store_list_newest (f->store, conv, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 50);
  for (guint i = 1; i < page->len; i++)
    {
      ConfabHistoryMessage *a = page->pdata[i - 1], *b = page->pdata[i];

      g_assert_true (a->timestamp < b->timestamp || (a->timestamp == b->timestamp && a->id < b->id));
    }
  /* Pairs share a second and the row id decides: n199 was inserted before
   * n198, so each pair reads n(2k+1), n(2k). */
  g_assert_cmpstr (((ConfabHistoryMessage *) page->pdata[49])->body, ==, "n198");
  g_assert_cmpstr (((ConfabHistoryMessage *) page->pdata[0])->body, ==, "n151");

  older = confab_history_store_list_before (f->store, conv, ((ConfabHistoryMessage *) page->pdata[0])->id,
                                            50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (older->len, ==, 50);
  g_assert_cmpstr (((ConfabHistoryMessage *) older->pdata[49])->body, ==, "n148");
  g_assert_cmpstr (((ConfabHistoryMessage *) older->pdata[0])->body, ==, "n101");
  g_clear_pointer (&page, g_ptr_array_unref);

  /* Down to the start. */
  page = confab_history_store_list_before (f->store, conv, ((ConfabHistoryMessage *) older->pdata[0])->id,
                                           500, &error);
  g_assert_cmpuint (page->len, ==, 100);
  g_clear_pointer (&older, g_ptr_array_unref);
  older = confab_history_store_list_before (f->store, conv, ((ConfabHistoryMessage *) page->pdata[0])->id,
                                            50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (older->len, ==, 0);
}

static void
test_query_plans (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const queries[] = {
    "SELECT id FROM messages WHERE conversation_id = 1 ORDER BY timestamp DESC, id DESC LIMIT 50",
    "SELECT id FROM messages m WHERE m.conversation_id = 1 AND (m.timestamp, m.id) < (5, 6)"
    " ORDER BY m.timestamp DESC, m.id DESC LIMIT 50",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = confab_database_open (f->path, CONFAB_DATABASE_READ_ONLY, &error);

  /* Opening a conversation must never scan or sort it. */
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *sql = g_strconcat ("EXPLAIN QUERY PLAN ", queries[i], NULL);
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (confab_database_get_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *detail = (const char *) sqlite3_column_text (stmt, 3);

          g_test_message ("plan: %s", detail);
          g_assert_nonnull (strstr (detail, "messages_by_time"));
          g_assert_null (strstr (detail, "TEMP B-TREE"));
        }
      sqlite3_finalize (stmt);
    }

  /* Searching one conversation starts from the full-text matches; it must
   * not walk the conversation's index probing the FTS per row (the form
   * confab_history_store_search() uses). */
  {
    sqlite3_stmt *stmt = NULL;
    gboolean from_fts = FALSE;

    g_assert_cmpint (sqlite3_prepare_v2 (confab_database_get_handle (db),
                                         "EXPLAIN QUERY PLAN SELECT m.id FROM messages m"
                                         " WHERE m.id IN (SELECT rowid FROM messages_fts"
                                         "                WHERE messages_fts MATCH '\"x\"')"
                                         " AND +m.conversation_id = 1"
                                         " ORDER BY m.timestamp DESC, m.id DESC LIMIT 50",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *detail = (const char *) sqlite3_column_text (stmt, 3);

        g_test_message ("plan: %s", detail);
        g_assert_null (strstr (detail, "messages_by_time"));
        from_fts |= strstr (detail, "VIRTUAL TABLE") != NULL;
      }
    sqlite3_finalize (stmt);
    g_assert_true (from_fts);
  }
}

/* ---- Commit before callback, cancellation, crash ------------------------------- */

static void
test_callback_after_commit (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ConfabXmppMessage) m = message ("<message from='" BOB "/x' to='" OWN "' type='chat'>"
                                            "<body>durable</body><origin-id xmlns='urn:xmpp:sid:0' id='d-1'/></message>");
  Wait w = { .check_path = f->path, .check_origin = "d-1" };

  /* Batch for a while so that a callback before commit would be caught. */
  confab_history_store_set_batch_limits (f->store, 50, 1000);
  confab_history_store_add_message_async (f->store, f->account_id, m, CONFAB_HISTORY_DIRECTION_IN, NULL,
                                          NULL, added_cb, &w);
  wait_for (&w);
  g_assert_no_error (w.error);
  g_assert_cmpint (w.seen_rows, ==, 1);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ConfabXmppMessage) m = message ("<message from='" BOB "/x' to='" OWN "' type='chat'>"
                                            "<body>never</body></message>");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait w = { 0 };

  g_cancellable_cancel (cancellable);
  confab_history_store_add_message_async (f->store, f->account_id, m, CONFAB_HISTORY_DIRECTION_IN, NULL,
                                          cancellable, added_cb, &w);
  wait_for (&w);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  g_assert_cmpint (raw_count (f->path, "SELECT count(*) FROM messages", NULL), ==, 0);
}

static void
test_unknown_account (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ConfabXmppMessage) m = message ("<message from='" BOB "/x' to='" OWN "' type='chat'>"
                                            "<body>to whom?</body></message>");
  Wait w = { 0 };

  confab_history_store_add_message_async (f->store, 9999, m, CONFAB_HISTORY_DIRECTION_IN, NULL,
                                          NULL, added_cb, &w);
  wait_for (&w);
  g_assert_error (w.error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND);
  g_clear_error (&w.error);
  /* The writer carries on. */
  add (f, "<message from='" BOB "/x' to='" OWN "' type='chat'><body>fine</body></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
}

/* The child of the kill test: inserts forever, keeping up to 32 writes in
 * flight, and reports each origin-id on stdout once its callback ran. */
static guint child_in_flight;

static void
child_added_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree char *origin = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize len;

  if (!confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (object), result, NULL, NULL, &error))
    g_error ("child: %s", error->message);
  child_in_flight--;
  line = g_strconcat (origin, "\n", NULL);
  len = strlen (line);
  if (write (1, line, len) != (gssize) len)
    _exit (3);
}

static int
kill_child_main (const char *path,
                 gint64      account_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryStore) store = confab_history_store_new (path, &error);

  if (store == NULL)
    g_error ("child: %s", error->message);
  for (guint64 i = 0;; i++)
    {
      char *origin = g_strdup_printf ("k-%" G_GUINT64_FORMAT, i);
      g_autofree char *xml = g_strdup_printf ("<message from='" BOB "/x' to='" OWN "' type='chat'>"
                                              "<body>crash test message %" G_GUINT64_FORMAT "</body>"
                                              "<origin-id xmlns='urn:xmpp:sid:0' id='%s'/></message>",
                                              i, origin);
      g_autoptr(ConfabXmppMessage) m = message (xml);

      confab_history_store_add_message_async (store, account_id, m, CONFAB_HISTORY_DIRECTION_IN, NULL,
                                              NULL, child_added_cb, origin);
      child_in_flight++;
      while (child_in_flight >= 32)
        g_main_context_iteration (NULL, TRUE);
    }
  return 0;
}

static void
test_process_kill (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GPtrArray) reported = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ConfabDatabase) db = NULL;
  g_autofree char *account = g_strdup_printf ("%" G_GINT64_FORMAT, f->account_id);
  guint kill_after = g_test_rand_int_range (50, 3000);
  char *line;

  /* The fixture's store must not be writing meanwhile. */
  g_clear_object (&f->store);

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                            self_path, "--kill-child", f->path, account, NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  while ((line = g_data_input_stream_read_line (in, NULL, NULL, &error)) != NULL)
    {
      g_ptr_array_add (reported, line);
      if (reported->len == kill_after)
        g_subprocess_force_exit (child);  /* SIGKILL, mid-stream */
    }
  g_assert_no_error (error);
  g_subprocess_wait (child, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (child));
  g_test_message ("killed after %u reported writes (%u read in total)", kill_after, reported->len);
  g_assert_cmpuint (reported->len, >=, kill_after);

  db = confab_database_open (f->path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (confab_database_check_integrity (db, &error));
  g_assert_no_error (error);
  g_clear_object (&db);

  for (guint i = 0; i < reported->len; i++)
    {
      if (raw_count (f->path, "SELECT count(*) FROM messages WHERE origin_id = ?1",
                     reported->pdata[i]) != 1)
        g_error ("reported as stored but missing: %s", (char *) reported->pdata[i]);
    }
}

/* ---- Change signals ------------------------------------------------------------ */

typedef struct {
  GString *log;          /* "m:<conv>:<row>:<outcome> c:<conv> done " */
  gboolean committed;    /* the row was visible to another connection */
  const char *path;
} Signals;

static void
message_changed_cb (ConfabHistoryStore *store,
                    gint64              conversation_id,
                    gint64              message_id,
                    int                 outcome,
                    Signals            *s)
{
  g_string_append_printf (s->log, "m:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%d ",
                          conversation_id, message_id, outcome);
  /* After commit: a fresh connection already sees it. */
  {
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, message_id);

    s->committed = raw_count (s->path, "SELECT count(*) FROM messages WHERE id = CAST (?1 AS INTEGER)",
                              id) == 1;
  }
}

static void
conversation_changed_cb (ConfabHistoryStore *store,
                         gint64              conversation_id,
                         Signals            *s)
{
  g_string_append_printf (s->log, "c:%" G_GINT64_FORMAT " ", conversation_id);
}

static void
test_change_signals (Fixture       *f,
                     gconstpointer  data)
{
  Signals s = { g_string_new (NULL), FALSE, f->path };
  g_autofree char *expected = NULL;
  gint64 row, conv;
  Wait w = { 0 };

  g_signal_connect (f->store, "message-changed", G_CALLBACK (message_changed_cb), &s);
  g_signal_connect (f->store, "conversation-changed", G_CALLBACK (conversation_changed_cb), &s);

  /* A new row: the message, then its conversation, before the callback. */
  row = add (f, "<message from='" BOB "/phone' type='chat' id='s-1'><body>signals</body></message>",
             CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_STORED);
  conv = conversation (f, BOB);
  expected = g_strdup_printf ("m:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%d c:%" G_GINT64_FORMAT " ",
                              conv, row, CONFAB_HISTORY_OUTCOME_STORED, conv);
  g_assert_cmpstr (s.log->str, ==, expected);
  g_assert_true (s.committed);

  /* A duplicate changes nothing visible: no signal. */
  g_string_truncate (s.log, 0);
  add (f, "<message from='" BOB "/phone' type='chat' id='s-1'><body>signals</body></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_DUPLICATE);
  g_assert_cmpstr (s.log->str, ==, "");

  /* A correction updates the row. */
  add (f, "<message from='" BOB "/phone' type='chat' id='s-2'><body>signals!</body>"
          "<replace xmlns='urn:xmpp:message-correct:0' id='s-1'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_UPDATED);
  g_free (expected);
  expected = g_strdup_printf ("m:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%d c:%" G_GINT64_FORMAT " ",
                              conv, row, CONFAB_HISTORY_OUTCOME_UPDATED, conv);
  g_assert_cmpstr (s.log->str, ==, expected);

  /* Marking read: the conversation only; again: nothing. */
  g_string_truncate (s.log, 0);
  confab_history_store_mark_read_async (f->store, conv, NULL, applied_cb, &w);
  wait_for (&w);
  g_free (expected);
  expected = g_strdup_printf ("c:%" G_GINT64_FORMAT " ", conv);
  g_assert_cmpstr (s.log->str, ==, expected);
  g_string_truncate (s.log, 0);
  w.done = FALSE;
  confab_history_store_mark_read_async (f->store, conv, NULL, applied_cb, &w);
  wait_for (&w);
  g_assert_cmpstr (s.log->str, ==, "");

  /* Something ignored (a receipt for nothing): no signal. */
  add (f, "<message from='" BOB "/phone' type='chat' id='s-3'>"
          "<received xmlns='urn:xmpp:receipts' id='unknown'/></message>",
       CONFAB_HISTORY_DIRECTION_IN, NULL, CONFAB_HISTORY_OUTCOME_IGNORED);
  g_assert_cmpstr (s.log->str, ==, "");

  g_signal_handlers_disconnect_by_data (f->store, &s);
  g_string_free (s.log, TRUE);
}

int
main (int argc, char **argv)
{
  self_path = argv[0];
  if (argc == 4 && g_str_equal (argv[1], "--kill-child"))
    return kill_child_main (argv[2], g_ascii_strtoll (argv[3], NULL, 10));

  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) \
  g_test_add ("/core/history/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("dedup-origin-id", test_dedup_origin_id);
  ADD ("dedup-stanza-and-archive-id", test_dedup_stanza_and_archive_id);
  ADD ("stranger-reusing-id", test_stranger_reusing_id);
  ADD ("correction", test_correction);
  ADD ("correction-replayed", test_correction_replayed);
  ADD ("retraction", test_retraction);
  ADD ("search-index-in-one-batch", test_search_index_in_one_batch);
  ADD ("reactions", test_reactions);
  ADD ("receipts-and-states", test_receipts_and_states);
  ADD ("pending", test_pending);
  ADD ("search", test_search);
  ADD ("conversations-unread", test_conversations_unread);
  ADD ("paging", test_paging);
  ADD ("query-plans", test_query_plans);
  ADD ("callback-after-commit", test_callback_after_commit);
  ADD ("cancelled", test_cancelled);
  ADD ("unknown-account", test_unknown_account);
  ADD ("process-kill", test_process_kill);
  ADD ("change-signals", test_change_signals);
#undef ADD

  return g_test_run ();
}
