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
 *   bench-mam-catchup [messages]      (default 20000)
 *
 * The wall time is mostly the server's: Prosody's "internal" storage (the
 * harness raises its storage_archive_item_limit to 100,000) reads the whole
 * archive file for every page of 50 results. */
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "bench-util.h"
#include "confab-account-sync.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-test-server.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-stream.h"
#include "xep/xep-0313-mam.h"
#include "core-test-util.h"

#define SENDER "sender@" CONFAB_TEST_DOMAIN
#define OWNER  "owner@" CONFAB_TEST_DOMAIN

static ConfabTestServer *server;

static ConfabXmppStream *
stream_new (const char *address)
{
  return bench_stream_new (address, confab_test_server_get_port (server),
                           confab_test_server_get_tls_database (server));
}

/* ---- Setup ------------------------------------------------------------------- */

static char *
archived_body (guint index)
{
  return g_strdup_printf ("Archived line %u, with a few words in it.", index);
}

/* The contact sends @count messages to the (offline) owner. */
static void
fill_archive (guint count)
{
  g_autoptr(ConfabXmppStream) stream = stream_new (SENDER);
  gint64 start = g_get_monotonic_time ();

  bench_connect (stream, "bench");
  bench_send_burst (stream, OWNER, count, archived_body, NULL, 500);
  bench_close (stream);
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

  bench_connect (stream, "bench");
  mam = CONFAB_XEP_MAM (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XEP_MAM));
  confab_xep_mam_query_async (mam, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL, page_cb, &wait);
  bench_wait_for (&wait.done);
  if (wait.page == NULL)
    g_error ("seed query: %s", wait.error->message);
  if (confab_mam_page_get_results (wait.page)->len != 1)
    g_error ("seed query: %u results", confab_mam_page_get_results (wait.page)->len);
  first = g_ptr_array_index (confab_mam_page_get_results (wait.page), 0);
  confab_history_store_add_message_async (store, account_id, confab_mam_result_get_message (first),
                                          CONFAB_HISTORY_DIRECTION_IN,
                                          confab_mam_result_get_id (first), NULL,
                                          stored_cb, &stored);
  bench_wait_for (&stored);
  confab_mam_page_unref (wait.page);
  bench_close (stream);
}

/* ---- Measurement -------------------------------------------------------------- */

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
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabAccountSync) sync = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  guint count = 20000;
  guint stored = 0;
  guint rows;
  gint64 account_id;
  gint64 start, end;
  double cpu_before, cpu_after;
  long rss_before, rss_after;
  GStatBuf st;

  if (argc > 1)
    count = (guint) MAX (atoi (argv[1]), 2);

  server = bench_server_start ("mam-catchup", (const char * const[]) { "sender", "owner", NULL });
  if (server == NULL)
    return 0;

  fill_archive (count);

  dir = g_dir_make_tmp ("confab-bench-mam-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "confab.db", NULL);
  store = core_test_history_open (path, OWNER, &account_id);
  seed (store, account_id);
  bench_count_stored (store, &stored);

  stream = stream_new (OWNER);
  sync = confab_account_sync_new (stream, store, account_id);

  rss_before = bench_status_kib ("VmRSS:");
  cpu_before = bench_cpu_seconds ();
  start = g_get_monotonic_time ();
  bench_connect (stream, "bench");
  /* The catch-up starts from ::session-started, within connect. */
  while (confab_account_sync_get_catching_up (sync))
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  cpu_after = bench_cpu_seconds ();
  rss_after = bench_status_kib ("VmRSS:");

  rows = count_rows (store, account_id);
  g_print ("mam-catchup: %u archived messages fetched, %u stored (database holds %u of %u)\n",
           confab_account_sync_get_progress (sync), stored, rows, count);
  g_print ("mam-catchup: wall %.2f s from connect to caught up: %.0f messages/s\n",
           (end - start) / 1e6, stored / ((end - start) / 1e6));
  g_print ("mam-catchup: cpu %.3f s (%.3f ms per message; this process, all threads)\n",
           cpu_after - cpu_before, (cpu_after - cpu_before) * 1000.0 / MAX (stored, 1));
  g_print ("mam-catchup: rss %.1f -> %.1f MiB (growth %.2f MiB), peak %.1f MiB\n",
           rss_before / 1024.0, rss_after / 1024.0, (rss_after - rss_before) / 1024.0,
           bench_status_kib ("VmHWM:") / 1024.0);

  bench_close (stream);
  g_clear_object (&sync);
  g_clear_object (&stream);
  g_clear_object (&store);
  if (g_stat (path, &st) == 0)
    g_print ("mam-catchup: database %.2f MiB\n", st.st_size / 1048576.0);
  core_test_remove_dir (dir);
  g_clear_pointer (&server, confab_test_server_free);
  return 0;
}
