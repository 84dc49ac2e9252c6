/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stored before acknowledged, under fire: a real client process on the core
 * (kill-burst-client, "alice") is killed with SIGKILL at random points, 20
 * times, while Bob (in this process, also on the core) sends it a burst and
 * it sends its own. After every kill its database passes PRAGMA
 * integrity_check; in the end every message of both sides exists exactly
 * once in Alice's database and in Bob's, and Bob received each of Alice's
 * messages under one id only (resends after a crash reuse the stored id,
 * XEP-0359 origin-id), so nothing was lost and nothing doubled.
 *
 * The random points come from the GTest seed (rerun with --seed=… to
 * reproduce a failure's schedule). */
#include <signal.h>
#include <string.h>

#include <sqlite3.h>
#include <glib/gstdio.h>

#include "confab-account-sync.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "core-test-util.h"

#define KILLS            20
#define ALICE_COUNT      300   /* messages the client sends */
#define ALICE_INTERVAL   40    /* ms between them */
#define BOB_COUNT        300   /* messages Bob sends */
#define BOB_INTERVAL     60    /* ms between them */
#define KILL_MIN_MS      50    /* a kill comes this long ... */
#define KILL_MAX_MS      1500  /* ... to this long after the start */
#define FINAL_SECONDS    90

/* ---- Bob: in-process, on the core ------------------------------------------ */

typedef struct {
  CoreTestSession     core;
  char               *alice_bare;
  guint               sent;
  /* Alice's bodies as received on the wire → the distinct ids they came with. */
  GHashTable         *received;
  guint               received_total;
} Bob;

static void
bob_message_cb (ConfabXmppMessages *messages,
                ConfabXmppMessage  *message,
                gboolean            is_carbon,
                gboolean            is_sent_carbon,
                Bob                *bob)
{
  const char *body = confab_xmpp_message_get_body (message);
  const char *id = confab_xmpp_message_get_origin_id (message);
  GHashTable *ids;

  if (is_carbon || body == NULL || !g_str_has_prefix (body, "alice "))
    return;
  if (id == NULL)
    id = confab_xmpp_message_get_id (message);
  bob->received_total++;
  ids = g_hash_table_lookup (bob->received, body);
  if (ids == NULL)
    {
      ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (bob->received, g_strdup (body), ids);
    }
  g_hash_table_add (ids, g_strdup (id != NULL ? id : "(none)"));
}

static Bob *
bob_new (const char *alice_bare)
{
  Bob *bob = g_new0 (Bob, 1);

  bob->alice_bare = g_strdup (alice_bare);
  bob->received = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  core_test_session_init (&bob->core, "bob", NULL, "confab-test-kill-burst-XXXXXX", "bob.db");
  g_signal_connect (confab_xmpp_stream_get_module (bob->core.stream, CONFAB_TYPE_XMPP_MESSAGES),
                    "message-received", G_CALLBACK (bob_message_cb), bob);
  xmpp_test_connect_ok (bob->core.stream);
  core_test_send_available (bob->core.stream);
  return bob;
}

static void
bob_free (Bob *bob)
{
  g_signal_handlers_disconnect_by_data (
    confab_xmpp_stream_get_module (bob->core.stream, CONFAB_TYPE_XMPP_MESSAGES), bob);
  core_test_session_clear (&bob->core);
  g_hash_table_unref (bob->received);
  g_free (bob->alice_bare);
  g_free (bob);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Bob, bob_free)

static gboolean
bob_send_cb (gpointer user_data)
{
  Bob *bob = user_data;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;

  /* Stays installed until the test removes it. */
  if (bob->sent >= BOB_COUNT)
    return G_SOURCE_CONTINUE;
  body = g_strdup_printf ("bob %03u", bob->sent++);
  id = confab_account_sync_send_chat (bob->core.sync, bob->alice_bare, body);
  g_assert_nonnull (id);
  return G_SOURCE_CONTINUE;
}

/* ---- Alice's database, read directly (she runs in another process) -------- */

static gboolean
integrity_ok (const char *path,
              char      **problem)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean ok;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  ok = rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") == 0;
  if (!ok)
    *problem = g_strdup_printf ("%s (%s)", rc == SQLITE_ROW
                                ? (const char *) sqlite3_column_text (stmt, 0)
                                : sqlite3_errstr (rc),
                                db != NULL ? sqlite3_errmsg (db) : "");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return ok;
}

typedef struct {
  guint out_total;    /* rows of ours */
  guint out_sent;     /* of those, acknowledged by the server (state ≥ SENT) */
  guint in_total;     /* rows from the peer */
} Counts;

/* Counts the rows in @path (Alice's database) with the peer. */
static Counts
count_rows (const char *path)
{
  Counts counts = { 0 };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db,
                             "SELECT count (*) FILTER (WHERE direction = 1),"
                             " count (*) FILTER (WHERE direction = 1 AND state >= 1),"
                             " count (*) FILTER (WHERE direction = 0) FROM messages",
                             -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    {
      counts.out_total = (guint) sqlite3_column_int (stmt, 0);
      counts.out_sent = (guint) sqlite3_column_int (stmt, 1);
      counts.in_total = (guint) sqlite3_column_int (stmt, 2);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return counts;
}

/* Each "<prefix> NNN" (NNN < @n) is in @messages exactly once, in
 * @direction, from @sender; nothing else is there from that side. */
static void
assert_each_once (const char             *who,
                  GPtrArray              *messages,
                  const char             *prefix,
                  guint                   n,
                  ConfabHistoryDirection  direction,
                  const char             *sender)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint missing = 0;
  guint doubled = 0;
  guint side = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (messages, i);

      if (m->direction != direction)
        continue;
      side++;
      g_assert_cmpstr (m->sender, ==, sender);
      g_assert_nonnull (m->body);
      g_assert_true (g_str_has_prefix (m->body, prefix));
      if (!g_hash_table_add (seen, m->body))
        {
          g_test_message ("%s: \"%s\" stored twice", who, m->body);
          doubled++;
        }
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("%s %03u", prefix, i);

      if (!g_hash_table_contains (seen, body))
        {
          g_test_message ("%s: \"%s\" missing", who, body);
          missing++;
        }
    }
  g_test_message ("%s: %u of %u \"%s\" messages, %u missing, %u doubled",
                  who, side, n, prefix, missing, doubled);
  g_assert_cmpuint (missing, ==, 0);
  g_assert_cmpuint (doubled, ==, 0);
  g_assert_cmpuint (side, ==, n);
}

static GPtrArray *
history_in (ConfabHistoryStore *store,
            gint64              account_id,
            const char         *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryConversation) conversation = NULL;
  GPtrArray *messages;

  conversation = confab_history_store_get_conversation (store, account_id, peer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conversation);
  messages = confab_history_store_list_newest (store, conversation->id, G_MAXINT, &error);
  g_assert_no_error (error);
  return messages;
}

/* Alice's history, once her process has exited. */
static GPtrArray *
history_of_file (const char *path,
                 const char *own,
                 const char *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  g_autoptr(ConfabHistoryStore) store = NULL;
  gint64 account_id;

  db = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  account_id = confab_database_ensure_account (db, own, &error);
  g_assert_no_error (error);
  g_clear_object (&db);
  store = confab_history_store_new (path, &error);
  g_assert_no_error (error);
  return history_in (store, account_id, peer);
}

/* ---- The client process ------------------------------------------------------ */

static GSubprocess *
spawn_client_full (const char *db_path,
                   const char *localpart,
                   const char *peer,
                   guint       count,
                   gboolean    pipe_stdout)
{
  g_autoptr(GError) error = NULL;
  const char *client = g_getenv ("KILL_BURST_CLIENT");
  g_autofree char *port = g_strdup_printf ("%u", confab_test_server_get_port (xmpp_test_server ()));
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  g_autofree char *interval = g_strdup_printf ("%u", ALICE_INTERVAL);
  g_autofree char *password = xmpp_test_password (localpart);
  GSubprocess *process;

  g_assert_nonnull (client);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                              | (pipe_stdout ? G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                             : G_SUBPROCESS_FLAGS_STDOUT_SILENCE),
                              &error, client, port,
                              confab_test_server_get_ca_file (xmpp_test_server ()), db_path,
                              localpart, password, peer, count_text, interval, NULL);
  g_assert_no_error (error);
  return process;
}

static GSubprocess *
spawn_client (const char *db_path,
              const char *peer)
{
  return spawn_client_full (db_path, "alice", peer, ALICE_COUNT, FALSE);
}

static void
kill_and_check (GSubprocess *client,
                const char  *db_path,
                const char  *when)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;

  g_subprocess_send_signal (client, SIGKILL);
  g_assert_true (g_subprocess_wait (client, NULL, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_signaled (client))
    g_error ("%s: the client exited by itself (status %d) before it was killed",
             when, g_subprocess_get_exit_status (client));
  g_assert_cmpint (g_subprocess_get_term_sig (client), ==, SIGKILL);
  if (g_file_test (db_path, G_FILE_TEST_EXISTS) && !integrity_ok (db_path, &problem))
    g_error ("%s: integrity_check: %s", when, problem);
}

static void
test_kill_burst (void)
{
  g_autofree char *dir = g_dir_make_tmp ("confab-test-kill-burst-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "alice.db", NULL);
  g_autofree char *alice_bare = g_strdup ("alice@" CONFAB_TEST_DOMAIN);
  g_autoptr(Bob) bob = bob_new (alice_bare);
  g_autoptr(GSubprocess) final = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) alice_history = NULL;
  g_autoptr(GPtrArray) bob_history = NULL;
  guint bob_timer;
  guint checked = 0;
  Counts counts;
  gint64 deadline;

  if (g_getenv ("KILL_BURST_CLIENT") == NULL)
    {
      g_test_skip ("KILL_BURST_CLIENT is not set (run through meson test)");
      return;
    }

  bob_timer = g_timeout_add (BOB_INTERVAL, bob_send_cb, bob);

  /* A first run that has synced: it is killed only once it stored one of
   * Bob's messages. (A database that never completed a first sync only
   * takes the archive's newest page; what a killed first session had
   * received is then lost: /core/kill-burst/killed-before-first-sync.) */
  {
    g_autoptr(GSubprocess) client = spawn_client (db_path, bob->core.bare);

    deadline = g_get_monotonic_time () + FINAL_SECONDS * G_USEC_PER_SEC;
    do
      xmpp_test_run_for (50);
    while (count_rows (db_path).in_total == 0 && g_get_monotonic_time () < deadline);
    g_assert_cmpuint (count_rows (db_path).in_total, >, 0);
    kill_and_check (client, db_path, "after the first sync");
  }

  for (guint kill = 0; kill < KILLS; kill++)
    {
      g_autoptr(GSubprocess) client = spawn_client (db_path, bob->core.bare);
      guint delay = (guint) g_test_rand_int_range (KILL_MIN_MS, KILL_MAX_MS);
      g_autofree char *when = g_strdup_printf ("kill %u after %u ms", kill + 1, delay);

      xmpp_test_run_for (delay);
      kill_and_check (client, db_path, when);
      counts = count_rows (db_path);
      checked++;
      g_test_message ("kill %2u after %4u ms: integrity ok; alice has %u of hers (%u sent), "
                      "%u of Bob's; Bob sent %u", kill + 1, delay, counts.out_total,
                      counts.out_sent, counts.in_total, bob->sent);
    }
  g_assert_cmpuint (checked, >, 0);

  /* The last run is left alone until everything is through. */
  final = spawn_client (db_path, bob->core.bare);
  deadline = g_get_monotonic_time () + FINAL_SECONDS * G_USEC_PER_SEC;
  do
    {
      xmpp_test_run_for (200);
      counts = count_rows (db_path);
    }
  while ((bob->sent < BOB_COUNT || counts.out_sent < ALICE_COUNT || counts.in_total < BOB_COUNT
          || g_hash_table_size (bob->received) < ALICE_COUNT)
         && g_get_monotonic_time () < deadline);
  /* Let late resends and duplicates arrive before counting. */
  xmpp_test_run_for (1000);
  counts = count_rows (db_path);
  g_test_message ("final: alice has %u of hers (%u sent), %u of Bob's; Bob received %u "
                  "distinct of %u deliveries", counts.out_total, counts.out_sent,
                  counts.in_total, g_hash_table_size (bob->received), bob->received_total);
  g_assert_cmpuint (bob->sent, ==, BOB_COUNT);

  g_subprocess_communicate_utf8 (final, "quit\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (final));
  g_assert_cmpint (g_subprocess_get_exit_status (final), ==, 0);
  g_source_remove (bob_timer);

  /* Alice: each of her messages once, sent; each of Bob's once. */
  {
    g_autofree char *problem = NULL;

    if (!integrity_ok (db_path, &problem))
      g_error ("at the end: integrity_check: %s", problem);
  }
  alice_history = history_of_file (db_path, alice_bare, bob->core.bare);
  assert_each_once ("alice", alice_history, "alice", ALICE_COUNT,
                    CONFAB_HISTORY_DIRECTION_OUT, alice_bare);
  assert_each_once ("alice", alice_history, "bob", BOB_COUNT,
                    CONFAB_HISTORY_DIRECTION_IN, bob->core.bare);
  for (guint i = 0; i < alice_history->len; i++)
    {
      ConfabHistoryMessage *m = g_ptr_array_index (alice_history, i);

      if (m->direction == CONFAB_HISTORY_DIRECTION_OUT)
        g_assert_cmpint (m->state, >=, CONFAB_HISTORY_STATE_SENT);
    }

  /* Bob: each of Alice's received, each under one id only (a resend after
   * a crash carries the stored id), and stored once. */
  for (guint i = 0; i < ALICE_COUNT; i++)
    {
      g_autofree char *body = g_strdup_printf ("alice %03u", i);
      GHashTable *ids = g_hash_table_lookup (bob->received, body);

      if (ids == NULL)
        g_error ("Bob never received \"%s\"", body);
      g_assert_cmpuint (g_hash_table_size (ids), ==, 1);
    }
  g_test_message ("bob: %u deliveries of %u messages (%u resent after a kill)",
                  bob->received_total, ALICE_COUNT, bob->received_total - ALICE_COUNT);
  bob_history = history_in (bob->core.store, bob->core.account_id, alice_bare);
  assert_each_once ("bob", bob_history, "alice", ALICE_COUNT,
                    CONFAB_HISTORY_DIRECTION_IN, alice_bare);
  assert_each_once ("bob", bob_history, "bob", BOB_COUNT,
                    CONFAB_HISTORY_DIRECTION_OUT, bob->core.bare);

  core_test_remove_dir (dir);
}

/* The first session of a new database receives the backlog (offline
 * storage, RFC 6121 §8.5.2.1.1 as Prosody does it) and is killed before it
 * stored it; the server then no longer has it anywhere but in the archive.
 * The next session must still end up with all of it. */
static void
count_acked_cb (ConfabXmppStream *stream,
                const char       *id,
                guint            *acked)
{
  (*acked)++;
}

static void
test_killed_before_first_sync (void)
{
  g_autofree char *dir = g_dir_make_tmp ("confab-test-kill-first-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "alice.db", NULL);
  g_autofree char *alice_password = xmpp_test_password ("first-alice");
  g_autofree char *bob_password = xmpp_test_password ("first-bob");
  g_autoptr(ConfabXmppStream) bob = NULL;
  g_autoptr(ConfabJid) alice_jid = confab_jid_parse ("first-alice@" CONFAB_TEST_DOMAIN, NULL);
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(GSubprocess) final = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bob_bare = NULL;
  const guint backlog = 120;  /* more than two of Prosody's 50-message pages */
  ConfabXmppMessages *messages;
  guint acked = 0;
  guint missing = 0;
  gint64 deadline;

  if (g_getenv ("KILL_BURST_CLIENT") == NULL)
    {
      g_test_skip ("KILL_BURST_CLIENT is not set (run through meson test)");
      return;
    }
  g_assert_true (confab_test_server_create_account (xmpp_test_server (), "first-alice",
                                                    alice_password, &error));
  g_assert_true (confab_test_server_create_account (xmpp_test_server (), "first-bob",
                                                    bob_password, &error));
  g_assert_no_error (error);

  /* The backlog, while Alice has never been online. */
  bob = xmpp_test_stream_new ("first-bob", 0);
  bob_bare = g_strdup (confab_jid_get_bare_string (confab_xmpp_stream_get_jid (bob)));
  confab_xmpp_add_standard_modules (bob);
  xmpp_test_connect_ok (bob);
  xmpp_test_run_for (300);  /* stream management */
  g_signal_connect (bob, "stanza-acked", G_CALLBACK (count_acked_cb), &acked);
  messages = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (bob, CONFAB_TYPE_XMPP_MESSAGES));
  for (guint i = 0; i < backlog; i++)
    {
      g_autofree char *body = g_strdup_printf ("early %03u", i);

      g_free (confab_xmpp_messages_send_chat (messages, alice_jid, body, NULL));
    }
  deadline = g_get_monotonic_time () + FINAL_SECONDS * G_USEC_PER_SEC;
  while (acked < backlog && g_get_monotonic_time () < deadline)
    xmpp_test_run_for (20);
  g_assert_cmpuint (acked, >=, backlog);

  /* The first run is killed as soon as it is online (its presence makes
   * the server hand it the backlog). */
  client = spawn_client_full (db_path, "first-alice", bob_bare, 0, TRUE);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (client));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_equal (line, "online"))
        break;
    }
  kill_and_check (client, db_path, "first session");
  g_test_message ("first session killed with %u of the backlog stored",
                  count_rows (db_path).in_total);

  final = spawn_client_full (db_path, "first-alice", bob_bare, 0, FALSE);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (count_rows (db_path).in_total < backlog && g_get_monotonic_time () < deadline)
    xmpp_test_run_for (100);
  xmpp_test_run_for (1000);
  g_subprocess_communicate_utf8 (final, "quit\n", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (final), ==, 0);
  xmpp_test_close (bob);

  history = history_of_file (db_path, "first-alice@" CONFAB_TEST_DOMAIN, bob_bare);
  for (guint i = 0; i < backlog; i++)
    {
      g_autofree char *body = g_strdup_printf ("early %03u", i);
      guint copies = 0;

      for (guint j = 0; j < history->len; j++)
        copies += g_strcmp0 (((ConfabHistoryMessage *) g_ptr_array_index (history, j))->body,
                             body) == 0;
      g_assert_cmpuint (copies, <=, 1);
      missing += copies == 0;
    }
  g_test_message ("second session: %u of %u stored, %u missing", backlog - missing, backlog,
                  missing);
  core_test_remove_dir (dir);
  /* The first catch-up pages the archive's recent window, not just its
   * newest page, so the backlog the killed session was handed is back. */
  g_assert_cmpuint (missing, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  if (!core_test_init_with_server (&argc, &argv))
    return g_test_run ();

  g_test_add_func ("/core/kill-burst/twenty-sigkills", test_kill_burst);
  g_test_add_func ("/core/kill-burst/killed-before-first-sync", test_killed_before_first_sync);

  return core_test_run_with_server_log (80);
}
