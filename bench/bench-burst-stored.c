/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A live burst of chat messages from one contact through a local Prosody,
 * received by an account on the full core: standard modules, stream
 * management, ConfabAccountSync and the history store. Every message is
 * stored (committed) before the stream acknowledges it (XEP-0198) and
 * before its receipt (XEP-0184) goes back.
 *
 * Prints the receiver's CPU time (getrusage(RUSAGE_SELF): every thread of
 * this process, the history writer included), wall time and RSS growth
 * from the first message sent to the last one stored. The sender runs in a
 * child process (this program re-executed), so its work is not counted.
 * Never fails on time.
 *
 *   bench-burst-stored [messages [batch-ms]]   (default 5000, the store's 5 ms)
 *   (internally: bench-burst-stored --send PORT CAFILE COUNT) */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bench-util.h"
#include "confab-account-sync.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-test-server.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-stream.h"
#include "core-test-util.h"

#define SENDER   "sender@" CONFAB_TEST_DOMAIN
#define RECEIVER "receiver@" CONFAB_TEST_DOMAIN

/* ---- The sender (child process, not measured) ------------------------------ */

static guint receipts;

/* Counted on the wire: the messages module only remembers its last
 * CONFAB_XMPP_MESSAGES_TABLE_SIZE sent ids, so it drops receipts for older
 * ones by design. */
static void
stanza_cb (ConfabXmppStream *stream,
           ConfabXmppNode   *stanza,
           gpointer          data)
{
  if (confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT)
      && confab_xmpp_node_get_child (stanza, "received", CONFAB_XMPP_NS_RECEIPTS) != NULL)
    receipts++;
}

static char *
burst_body (guint index)
{
  return g_strdup_printf ("Line %u of the burst, nothing special.", index);
}

static int
run_sender (guint16     port,
            const char *ca_file,
            guint       count)
{
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, NULL);
  g_autoptr(ConfabXmppStream) stream = bench_stream_new (SENDER, port, database);
  ConfabXmppChatOptions options = { .request_receipt = TRUE, .markable = TRUE };
  gint64 deadline;

  bench_connect (stream, "bench");
  g_signal_connect (stream, "stanza-received", G_CALLBACK (stanza_cb), NULL);
  bench_send_burst (stream, RECEIVER, count, burst_body, &options, G_MAXUINT);
  /* The receipts come once the receiver stored each message. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (receipts < count && g_get_monotonic_time () < deadline)
    bench_iterate_for (50);
  g_print ("burst-stored: sender got %u receipts for %u messages\n", receipts, count);
  return 0;
}

/* ---- The receiver (measured) --------------------------------------------------- */

/* CPU seconds of this process's thread named @name so far (Linux
 * /proc/self/task/TID/stat: utime and stime are fields 14 and 15). */
static double
thread_cpu_seconds (const char *name)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  double total = 0;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/proc/self/task/%s/stat", tid);
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *close_paren;

      if (!g_file_get_contents (path, &stat, NULL, NULL)
          || (close_paren = strrchr (stat, ')')) == NULL)
        continue;
      /* "TID (comm) S ..." : comm may hold spaces, so split after ')'. */
      if (strncmp (strchr (stat, '(') + 1, name, strlen (name)) != 0)
        continue;
      fields = g_strsplit (close_paren + 2, " ", 0);
      if (g_strv_length (fields) > 13)
        total += (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
                 / sysconf (_SC_CLK_TCK);
    }
  return total;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(ConfabTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(ConfabAccountSync) sync = NULL;
  g_autoptr(GSubprocess) sender = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GStatBuf st;
  guint count = 5000;
  guint16 port;
  const char *ca_file;
  guint batch_ms = 0;
  guint stored = 0;
  double writer_before, writer_after;
  gint64 account_id;
  double cpu_before, cpu_after;
  long rss_before, rss_after;
  gint64 start, end;

  if (bench_sender_args (argc, argv, &port, &ca_file, &count))
    return run_sender (port, ca_file, count);
  if (argc > 1)
    count = (guint) MAX (atoi (argv[1]), 1);
  if (argc > 2)
    batch_ms = (guint) MAX (atoi (argv[2]), 1);

  server = bench_server_start ("burst-stored", (const char * const[]) { "sender", "receiver", NULL });
  if (server == NULL)
    return 0;

  dir = g_dir_make_tmp ("confab-bench-burst-stored-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "confab.db", NULL);
  store = core_test_history_open (path, RECEIVER, &account_id);
  bench_count_stored (store, &stored);
  if (batch_ms != 0)
    confab_history_store_set_batch_limits (store, batch_ms, 1000);

  stream = bench_stream_new (RECEIVER, confab_test_server_get_port (server),
                             confab_test_server_get_tls_database (server));
  sync = confab_account_sync_new (stream, store, account_id);
  bench_connect (stream, "bench");
  confab_xmpp_presence_send_available (CONFAB_XMPP_PRESENCE (
    confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_PRESENCE)),
    CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0);
  /* Catch-up (an empty archive), carbons and stream management settle. */
  bench_iterate_for (1000);

  rss_before = bench_status_kib ("VmRSS:");
  cpu_before = bench_cpu_seconds ();
  writer_before = thread_cpu_seconds ("confab-history");
  start = g_get_monotonic_time ();
  sender = bench_spawn_sender (argv[0], server, count);
  while (stored < count || confab_account_sync_get_held_count (sync) > 0)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  cpu_after = bench_cpu_seconds ();
  writer_after = thread_cpu_seconds ("confab-history");
  rss_after = bench_status_kib ("VmRSS:");

  /* Keep serving the sender until it has its receipts. */
  while (g_subprocess_get_identifier (sender) != NULL)
    bench_iterate_for (50);
  g_subprocess_wait (sender, NULL, NULL);

  g_print ("burst-stored: %u messages stored before acknowledged, %u still held\n",
           stored, confab_account_sync_get_held_count (sync));
  g_print ("burst-stored: receiver cpu %.3f s in total (%.3f ms per message; aim < 1 s)\n",
           cpu_after - cpu_before, (cpu_after - cpu_before) * 1000.0 / count);
  g_print ("burst-stored:   of which the history writer thread %.3f s (batches of %u ms; "
           "/proc, clock-tick resolution)\n", writer_after - writer_before,
           batch_ms != 0 ? batch_ms : 5);
  g_print ("burst-stored: receiver rss growth %.2f MiB (%.1f -> %.1f MiB)\n",
           (rss_after - rss_before) / 1024.0, rss_before / 1024.0, rss_after / 1024.0);
  g_print ("burst-stored: wall %.2f s (%.0f messages/s as the server delivered them)\n",
           (end - start) / 1e6, count / ((end - start) / 1e6));

  bench_close (stream);
  g_clear_object (&sync);
  g_clear_object (&stream);
  g_clear_object (&store);
  if (g_stat (path, &st) == 0)
    g_print ("burst-stored: database %.2f MiB after %u messages\n",
             st.st_size / 1048576.0, count);
  core_test_remove_dir (dir);
  return 0;
}
