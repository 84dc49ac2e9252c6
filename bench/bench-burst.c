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

#include "bench-util.h"
#include "confab-test-server.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-stream.h"

/* ---- The sender (child process) ------------------------------------------ */

static char *
burst_body (guint index)
{
  return g_strdup_printf ("Line %u of the burst, nothing special.", index);
}

static int
run_sender (guint16 port, const char *ca_file, guint count)
{
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, NULL);
  g_autoptr(ConfabXmppStream) stream = bench_stream_new ("sender@" CONFAB_TEST_DOMAIN, port, database);
  ConfabXmppChatOptions options = { .request_receipt = TRUE, .markable = TRUE };

  bench_connect (stream, "bench");
  bench_send_burst (stream, "receiver@" CONFAB_TEST_DOMAIN, count, burst_body, &options, G_MAXUINT);
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

int
main (int argc, char **argv)
{
  g_autoptr(ConfabTestServer) server = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(GSubprocess) sender = NULL;
  ConfabXmppPresence *presence;
  Receiver receiver = { 0 };
  guint count = 5000;
  guint16 port;
  const char *ca_file;
  double cpu_before, cpu_after;
  long rss_before, rss_after;
  gint64 start, end;

  if (bench_sender_args (argc, argv, &port, &ca_file, &count))
    return run_sender (port, ca_file, count);
  if (argc > 1)
    count = (guint) MAX (atoi (argv[1]), 1);

  server = bench_server_start ("burst", (const char * const[]) { "sender", "receiver", NULL });
  if (server == NULL)
    return 0;

  stream = bench_stream_new ("receiver@" CONFAB_TEST_DOMAIN, confab_test_server_get_port (server),
                             confab_test_server_get_tls_database (server));
  bench_connect (stream, "bench");
  receiver.messages = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES));
  g_signal_connect (receiver.messages, "message-received", G_CALLBACK (message_received_cb), &receiver);
  presence = CONFAB_XMPP_PRESENCE (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_PRESENCE));
  confab_xmpp_presence_send_available (presence, CONFAB_XMPP_PRESENCE_SHOW_NONE, NULL, 0);
  bench_iterate_for (1000);

  rss_before = bench_status_kib ("VmRSS:");
  cpu_before = bench_cpu_seconds ();
  start = g_get_monotonic_time ();
  sender = bench_spawn_sender (argv[0], server, count);
  while (receiver.received < count)
    g_main_context_iteration (NULL, TRUE);
  end = g_get_monotonic_time ();
  cpu_after = bench_cpu_seconds ();
  rss_after = bench_status_kib ("VmRSS:");
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
