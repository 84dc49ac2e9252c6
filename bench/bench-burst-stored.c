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
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "confab-account-sync.h"
#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-test-server.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-stream.h"

#define SENDER   "sender@" CONFAB_TEST_DOMAIN
#define RECEIVER "receiver@" CONFAB_TEST_DOMAIN

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
run_connect (ConfabXmppStream *stream,
             const char       *password)
{
  gboolean done = FALSE;

  confab_xmpp_stream_connect_async (stream, password, NULL, connected_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static ConfabXmppStream *
stream_new (const char   *address,
            guint16       port,
            GTlsDatabase *database)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse (address, NULL);
  ConfabXmppStream *stream = confab_xmpp_stream_new (jid);

  confab_xmpp_stream_set_host (stream, "127.0.0.1", port);
  confab_xmpp_stream_set_tls_database (stream, database);
  confab_xmpp_add_standard_modules (stream);
  return stream;
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  confab_xmpp_stream_close_finish (CONFAB_XMPP_STREAM (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
run_close (ConfabXmppStream *stream)
{
  gboolean done = FALSE;

  confab_xmpp_stream_close_async (stream, NULL, closed_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
iterate_for (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* ---- The sender (child process, not measured) ------------------------------ */

static guint acked;
static guint receipts;

static void
acked_cb (ConfabXmppStream *stream,
          const char       *id,
          gpointer          data)
{
  acked++;
}

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

static int
run_sender (guint16     port,
            const char *ca_file,
            guint       count)
{
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, NULL);
  g_autoptr(ConfabXmppStream) stream = stream_new (SENDER, port, database);
  g_autoptr(ConfabJid) to = confab_jid_parse (RECEIVER, NULL);
  ConfabXmppChatOptions options = { .request_receipt = TRUE, .markable = TRUE };
  ConfabXmppMessages *messages;
  gint64 deadline;

  run_connect (stream, "bench");
  messages = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES));
  g_signal_connect (stream, "stanza-received", G_CALLBACK (stanza_cb), NULL);
  /* Let stream management come up so every message is acknowledged. */
  iterate_for (500);
  g_signal_connect (stream, "stanza-acked", G_CALLBACK (acked_cb), NULL);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *body = g_strdup_printf ("Line %u of the burst, nothing special.", i);

      g_free (confab_xmpp_messages_send_chat (messages, to, body, &options));
      /* Keep the write queue moving as a real client would. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  while (acked < count)
    g_main_context_iteration (NULL, TRUE);
  /* The receipts come once the receiver stored each message. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (receipts < count && g_get_monotonic_time () < deadline)
    iterate_for (50);
  g_print ("burst-stored: sender got %u receipts for %u messages\n", receipts, count);
  return 0;
}

/* ---- The receiver (measured) --------------------------------------------------- */

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + 6, NULL, 10) : 0;
}

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

int
main (int    argc,
      char **argv)
{
  g_autoptr(ConfabTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(ConfabAccountSync) sync = NULL;
  g_autoptr(ConfabDatabase) db = NULL;
  g_autoptr(GSubprocess) sender = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *count_text = NULL;
  GStatBuf st;
  guint count = 5000;
  guint batch_ms = 0;
  guint stored = 0;
  double writer_before, writer_after;
  gint64 account_id;
  double cpu_before, cpu_after;
  long rss_before, rss_after;
  gint64 start, end;

  if (argc == 5 && g_str_equal (argv[1], "--send"))
    return run_sender ((guint16) atoi (argv[2]), argv[3], (guint) atoi (argv[4]));
  if (argc > 1)
    count = (guint) MAX (atoi (argv[1]), 1);
  if (argc > 2)
    batch_ms = (guint) MAX (atoi (argv[2]), 1);

  server = confab_test_server_start (NULL, &error);
  if (server == NULL)
    {
      g_print ("burst-stored: skipped (%s)\n", error ? error->message : "no prosody");
      return 0;
    }
  if (!confab_test_server_create_account (server, "sender", "bench", &error)
      || !confab_test_server_create_account (server, "receiver", "bench", &error))
    g_error ("%s", error->message);

  dir = g_dir_make_tmp ("confab-bench-burst-stored-XXXXXX", &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  path = g_build_filename (dir, "confab.db", NULL);
  db = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, &error);
  if (db == NULL)
    g_error ("%s", error->message);
  account_id = confab_database_ensure_account (db, RECEIVER, &error);
  if (account_id == 0)
    g_error ("%s", error->message);
  g_clear_object (&db);
  store = confab_history_store_new (path, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  g_signal_connect (store, "message-changed", G_CALLBACK (message_changed_cb), &stored);
  if (batch_ms != 0)
    confab_history_store_set_batch_limits (store, batch_ms, 1000);

  stream = stream_new (RECEIVER, confab_test_server_get_port (server),
                       confab_test_server_get_tls_database (server));
  sync = confab_account_sync_new (stream, store, account_id);
  run_connect (stream, "bench");
  confab_xmpp_presence_send_available (CONFAB_XMPP_PRESENCE (
    confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_PRESENCE)),
    CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0);
  /* Catch-up (an empty archive), carbons and stream management settle. */
  iterate_for (1000);

  port_text = g_strdup_printf ("%u", confab_test_server_get_port (server));
  count_text = g_strdup_printf ("%u", count);
  rss_before = rss_kib ();
  cpu_before = cpu_seconds ();
  writer_before = thread_cpu_seconds ("confab-history");
  start = g_get_monotonic_time ();
  sender = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, argv[0], "--send", port_text,
                             confab_test_server_get_ca_file (server), count_text, NULL);
  if (sender == NULL)
    g_error ("%s", error->message);
  while (stored < count || confab_account_sync_get_held_count (sync) > 0)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  cpu_after = cpu_seconds ();
  writer_after = thread_cpu_seconds ("confab-history");
  rss_after = rss_kib ();

  /* Keep serving the sender until it has its receipts. */
  while (g_subprocess_get_identifier (sender) != NULL)
    iterate_for (50);
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

  run_close (stream);
  g_clear_object (&sync);
  g_clear_object (&stream);
  g_clear_object (&store);
  if (g_stat (path, &st) == 0)
    g_print ("burst-stored: database %.2f MiB after %u messages\n",
             st.st_size / 1048576.0, count);
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
  return 0;
}
