/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A burst of one-line chat messages from one contact through a local
 * Prosody, received by a session with every standard module attached
 * (carbons on, stream management on) that answers each receipt request.
 * Prints the receiver's CPU time and memory growth for the whole burst; the
 * sender runs in a separate process so its work is not counted.
 * Never fails on time.   Usage: bench-burst [messages]
 * (Internally re-executed as: bench-burst --send PORT CAFILE COUNT.) */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "confab-test-server.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-stream.h"

typedef struct {
  gboolean done;
} Flag;

static void
connected_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result, &error))
    g_error ("connect: %s", error->message);
  ((Flag *) user_data)->done = TRUE;
}

static ConfabXmppStream *
connect_stream (const char   *address,
                const char   *password,
                guint16       port,
                GTlsDatabase *database)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse (address, NULL);
  ConfabXmppStream *stream = confab_xmpp_stream_new (jid);
  Flag flag = { FALSE };

  confab_xmpp_stream_set_host (stream, "127.0.0.1", port);
  confab_xmpp_stream_set_tls_database (stream, database);
  confab_xmpp_add_standard_modules (stream);
  confab_xmpp_stream_connect_async (stream, password, NULL, connected_cb, &flag);
  while (!flag.done)
    g_main_context_iteration (NULL, TRUE);
  return stream;
}

/* ---- The sender (child process) ------------------------------------------ */

static guint acked;

static void
acked_cb (ConfabXmppStream *stream, const char *id, gpointer data)
{
  acked++;
}

static int
run_sender (guint16 port, const char *ca_file, guint count)
{
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, NULL);
  g_autoptr(ConfabXmppStream) stream = connect_stream ("sender@" CONFAB_TEST_DOMAIN, "bench", port, database);
  ConfabXmppMessages *messages = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES));
  g_autoptr(ConfabJid) to = confab_jid_parse ("receiver@" CONFAB_TEST_DOMAIN, NULL);
  ConfabXmppChatOptions options = { .request_receipt = TRUE, .markable = TRUE };

  /* Let stream management come up so every message is acknowledged. */
  for (gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC / 2; g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, FALSE);
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
  return 0;
}

/* ---- The receiver (measured) ----------------------------------------------- */

typedef struct {
  guint               received;
  guint               receipts_sent;
  ConfabXmppMessages *messages;
} Receiver;

static void
message_received_cb (ConfabXmppMessages *messages,
                     ConfabXmppMessage  *message,
                     gboolean            is_carbon,
                     gboolean            is_sent_carbon,
                     Receiver           *receiver)
{
  const char *id = confab_xmpp_message_get_id (message);

  if (confab_xmpp_message_get_body (message) == NULL)
    return;
  receiver->received++;
  if (confab_xmpp_message_get_receipt_requested (message) && id != NULL)
    {
      confab_xmpp_messages_send_receipt (messages, confab_xmpp_message_get_from (message), id);
      receiver->receipts_sent++;
    }
}

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

int
main (int argc, char **argv)
{
  g_autoptr(ConfabTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(GSubprocess) sender = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *count_text = NULL;
  ConfabXmppPresence *presence;
  Receiver receiver = { 0 };
  guint count = 5000;
  double cpu_before, cpu_after;
  long rss_before, rss_after;
  gint64 start, end;

  if (argc == 5 && g_str_equal (argv[1], "--send"))
    return run_sender ((guint16) atoi (argv[2]), argv[3], (guint) atoi (argv[4]));
  if (argc > 1)
    count = (guint) MAX (atoi (argv[1]), 1);

  server = confab_test_server_start (NULL, &error);
  if (server == NULL)
    {
      g_print ("burst: skipped (%s)\n", error ? error->message : "no prosody");
      return 0;
    }
  if (!confab_test_server_create_account (server, "sender", "bench", &error)
      || !confab_test_server_create_account (server, "receiver", "bench", &error))
    g_error ("%s", error->message);

  stream = connect_stream ("receiver@" CONFAB_TEST_DOMAIN, "bench", confab_test_server_get_port (server),
                           confab_test_server_get_tls_database (server));
  receiver.messages = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES));
  g_signal_connect (receiver.messages, "message-received", G_CALLBACK (message_received_cb), &receiver);
  presence = CONFAB_XMPP_PRESENCE (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_PRESENCE));
  confab_xmpp_presence_send_available (presence, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0);
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);

  port_text = g_strdup_printf ("%u", confab_test_server_get_port (server));
  count_text = g_strdup_printf ("%u", count);
  rss_before = rss_kib ();
  cpu_before = cpu_seconds ();
  start = g_get_monotonic_time ();
  sender = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, argv[0], "--send", port_text,
                             confab_test_server_get_ca_file (server), count_text, NULL);
  if (sender == NULL)
    g_error ("%s", error->message);
  while (receiver.received < count)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  cpu_after = cpu_seconds ();
  rss_after = rss_kib ();
  g_subprocess_wait (sender, NULL, NULL);

  g_print ("burst: %u messages received, %u receipts sent\n", receiver.received, receiver.receipts_sent);
  g_print ("burst: receiver cpu %.3f s (%.3f ms per message)\n", cpu_after - cpu_before,
           (cpu_after - cpu_before) * 1000.0 / count);
  g_print ("burst: receiver rss growth %.2f MiB (%.1f -> %.1f MiB)\n",
           (rss_after - rss_before) / 1024.0, rss_before / 1024.0, rss_after / 1024.0);
  g_print ("burst: wall %.2f s (%.0f messages/s as the server delivered them)\n",
           (end - start) / 1e6, count / ((end - start) / 1e6));
  return 0;
}
