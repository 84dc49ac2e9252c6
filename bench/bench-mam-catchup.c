/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Archive catch-up (XEP-0313, paged with XEP-0059) of N messages from a
 * local Prosody into a history database, through the core exactly as an
 * account does it: ConfabAccountSync pages from the last stored archive id,
 * each page stored (one writer thread, batched transactions) before the next
 * is asked for.
 *
 * Setup (not measured): the contact sends N messages while the account is
 * offline, so the server archives them. A database with no archive id at
 * all only takes the newest page (older history is fetched as the user
 * scrolls back), so the database is seeded with the oldest archived message
 * and its archive id, as if an earlier session had stopped right there; the
 * catch-up then has N - 1 messages to fetch.
 *
 * Measured, from connect to the end of the catch-up: wall time, messages
 * per second, CPU time of this process (getrusage: every thread, the
 * writer included; the sender's work is over before and not counted) and
 * RSS. The account sends no presence, so the server's offline storage is
 * not replayed: everything comes from the archive. Never fails on time.
 *
 *   bench-mam-catchup [messages]      (default 9900)
 *
 * Why not the issue's 20,000: the test server stores archives with
 * Prosody's "internal" storage, which keeps at most 10,000 items per
 * archive (storage_archive_item_limit) and, once over it, truncates the
 * archive on every further message (slowing the server to a crawl). Until
 * the harness raises that limit, 9,900 is the largest honest figure. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "confab-account-sync.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-test-server.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-stream.h"
#include "xep/xep-0313-mam.h"

#define SENDER "sender@" CONFAB_TEST_DOMAIN
#define OWNER  "owner@" CONFAB_TEST_DOMAIN

static ConfabTestServer *server;

static void
wait_for (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result, &error))
    g_error ("connect: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  confab_xmpp_stream_close_finish (CONFAB_XMPP_STREAM (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static ConfabXmppStream *
stream_new (const char *address)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse (address, NULL);
  ConfabXmppStream *stream = confab_xmpp_stream_new (jid);

  confab_xmpp_stream_set_host (stream, "127.0.0.1", confab_test_server_get_port (server));
  confab_xmpp_stream_set_tls_database (stream, confab_test_server_get_tls_database (server));
  confab_xmpp_add_standard_modules (stream);
  return stream;
}

static void
run_connect (ConfabXmppStream *stream)
{
  gboolean done = FALSE;

  confab_xmpp_stream_connect_async (stream, "bench", NULL, connected_cb, &done);
  wait_for (&done);
}

static void
run_close (ConfabXmppStream *stream)
{
  gboolean done = FALSE;

  confab_xmpp_stream_close_async (stream, NULL, closed_cb, &done);
  wait_for (&done);
}

static void
iterate_for (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* ---- Setup ------------------------------------------------------------------- */

static void
count_acked_cb (ConfabXmppStream *stream,
                const char       *id,
                guint            *acked)
{
  (*acked)++;
}

/* The contact sends @count messages to the (offline) owner. */
static void
fill_archive (guint count)
{
  g_autoptr(ConfabXmppStream) stream = stream_new (SENDER);
  g_autoptr(ConfabJid) to = confab_jid_parse (OWNER, NULL);
  ConfabXmppMessages *messages;
  guint acked = 0;
  gint64 start = g_get_monotonic_time ();

  run_connect (stream);
  messages = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES));
  iterate_for (500);  /* stream management comes up */
  g_signal_connect (stream, "stanza-acked", G_CALLBACK (count_acked_cb), &acked);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *body = g_strdup_printf ("Archived line %u, with a few words in it.", i);

      g_free (confab_xmpp_messages_send_chat (messages, to, body, NULL));
      /* Do not run far ahead of the server. */
      while (i + 1 > acked + 500)
        g_main_context_iteration (NULL, TRUE);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  while (acked < count)
    g_main_context_iteration (NULL, TRUE);
  run_close (stream);
  g_print ("mam-catchup: archive filled with %u messages in %.1f s (not measured)\n",
           count, (g_get_monotonic_time () - start) / 1e6);
}

typedef struct {
  gboolean       done;
  ConfabMamPage *page;
  GError        *error;
} PageWait;

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  PageWait *wait = user_data;

  wait->page = confab_xep_mam_query_finish (CONFAB_XEP_MAM (object), result, &wait->error);
  wait->done = TRUE;
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (object), result,
                                                NULL, NULL, &error))
    g_error ("seed: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

/* Stores the oldest archived message with its archive id. */
static void
seed (ConfabHistoryStore *store,
      gint64              account_id)
{
  g_autoptr(ConfabXmppStream) stream = stream_new (OWNER);
  ConfabXepMam *mam;
  ConfabMamResult *first;
  PageWait wait = { 0 };
  gboolean stored = FALSE;

  run_connect (stream);
  mam = CONFAB_XEP_MAM (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XEP_MAM));
  confab_xep_mam_query_async (mam, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL, page_cb, &wait);
  wait_for (&wait.done);
  if (wait.page == NULL)
    g_error ("seed query: %s", wait.error->message);
  if (confab_mam_page_get_results (wait.page)->len != 1)
    g_error ("seed query: %u results", confab_mam_page_get_results (wait.page)->len);
  first = g_ptr_array_index (confab_mam_page_get_results (wait.page), 0);
  confab_history_store_add_message_async (store, account_id, confab_mam_result_get_message (first),
                                          CONFAB_HISTORY_DIRECTION_IN,
                                          confab_mam_result_get_id (first), NULL,
                                          stored_cb, &stored);
  wait_for (&stored);
  confab_mam_page_unref (wait.page);
  run_close (stream);
}

/* ---- Measurement -------------------------------------------------------------- */

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static long
status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line != NULL ? strtol (line + strlen (field), NULL, 10) : 0;
}

static void
message_changed_cb (ConfabHistoryStore   *store,
                    gint64                conversation_id,
                    gint64                message_id,
                    ConfabHistoryOutcome  outcome,
                    guint                *stored)
{
  if (outcome == CONFAB_HISTORY_OUTCOME_STORED)
    (*stored)++;
}

static guint
count_rows (ConfabHistoryStore *store,
            gint64              account_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabHistoryConversation) conversation = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  conversation = confab_history_store_get_conversation (store, account_id, SENDER, &error);
  if (conversation == NULL)
    return 0;
  messages = confab_history_store_list_newest (store, conversation->id, G_MAXINT, &error);
  return messages != NULL ? messages->len : 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabAccountSync) sync = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  guint count = 9900;
  guint stored = 0;
  guint rows;
  gint64 account_id;
  gint64 start, end;
  double cpu_before, cpu_after;
  long rss_before, rss_after;
  GStatBuf st;

  if (argc > 1)
    count = (guint) MAX (atoi (argv[1]), 2);

  server = confab_test_server_start (NULL, &error);
  if (server == NULL)
    {
      g_print ("mam-catchup: skipped (%s)\n", error ? error->message : "no prosody");
      return 0;
    }
  if (!confab_test_server_create_account (server, "sender", "bench", &error)
      || !confab_test_server_create_account (server, "owner", "bench", &error))
    g_error ("%s", error->message);

  if (count >= 10000)
    g_print ("mam-catchup: warning: the test server keeps at most 10000 archived messages "
             "per account; the catch-up will see fewer than %u\n", count);
  fill_archive (count);

  dir = g_dir_make_tmp ("confab-bench-mam-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "confab.db", NULL);
  db = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, &error);
  if (db == NULL)
    g_error ("%s", error->message);
  account_id = confab_database_ensure_account (db, OWNER, &error);
  if (account_id == 0)
    g_error ("%s", error->message);
  g_clear_object (&db);
  store = confab_history_store_new (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  seed (store, account_id);
  g_signal_connect (store, "message-changed", G_CALLBACK (message_changed_cb), &stored);

  stream = stream_new (OWNER);
  sync = confab_account_sync_new (stream, store, account_id);

  rss_before = status_kib ("VmRSS:");
  cpu_before = cpu_seconds ();
  start = g_get_monotonic_time ();
  run_connect (stream);
  /* The catch-up starts from ::session-started, within connect. */
  while (confab_account_sync_get_catching_up (sync))
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  cpu_after = cpu_seconds ();
  rss_after = status_kib ("VmRSS:");

  rows = count_rows (store, account_id);
  g_print ("mam-catchup: %u archived messages fetched, %u stored (database holds %u of %u)\n",
           confab_account_sync_get_progress (sync), stored, rows, count);
  g_print ("mam-catchup: wall %.2f s from connect to caught up: %.0f messages/s\n",
           (end - start) / 1e6, stored / ((end - start) / 1e6));
  g_print ("mam-catchup: cpu %.3f s (%.3f ms per message; this process, all threads)\n",
           cpu_after - cpu_before, (cpu_after - cpu_before) * 1000.0 / MAX (stored, 1));
  g_print ("mam-catchup: rss %.1f -> %.1f MiB (growth %.2f MiB), peak %.1f MiB\n",
           rss_before / 1024.0, rss_after / 1024.0, (rss_after - rss_before) / 1024.0,
           status_kib ("VmHWM:") / 1024.0);

  run_close (stream);
  g_clear_object (&sync);
  g_clear_object (&stream);
  g_clear_object (&store);
  if (g_stat (path, &st) == 0)
    g_print ("mam-catchup: database %.2f MiB\n", st.st_size / 1048576.0);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, name, NULL);

        g_remove (child);
      }
    g_rmdir (dir);
  }
  g_clear_pointer (&server, confab_test_server_free);
  return 0;
}
