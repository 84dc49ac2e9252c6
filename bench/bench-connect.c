/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Time from connect to a bound session against a local Prosody: TCP,
 * STARTTLS (or Direct TLS), SCRAM and resource binding. Prints figures;
 * never fails on time. Usage: bench-connect [rounds] */
#include <stdlib.h>

#include "confab-test-server.h"
#include "confab-xmpp-stream.h"

typedef struct {
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
measure (ConfabTestServer *server,
         const char       *label,
         guint16           port,
         gboolean          direct_tls,
         const char       *mechanism,
         guint             rounds)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse ("bench@" CONFAB_TEST_DOMAIN, NULL);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  const char * const allowed[] = { mechanism, NULL };
  double sum = 0;

  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (jid);
      g_autoptr(GError) error = NULL;
      Waiter connected = { 0 }, closed = { 0 };
      gint64 start;
      double ms;

      confab_xmpp_stream_set_host (stream, "127.0.0.1", port);
      confab_xmpp_stream_set_direct_tls (stream, direct_tls);
      confab_xmpp_stream_set_tls_database (stream, confab_test_server_get_tls_database (server));
      if (mechanism != NULL)
        confab_xmpp_stream_set_allowed_mechanisms (stream, allowed);

      start = g_get_monotonic_time ();
      confab_xmpp_stream_connect_async (stream, "bench-password", NULL, done_cb, &connected);
      while (!connected.done)
        g_main_context_iteration (NULL, TRUE);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      if (!confab_xmpp_stream_connect_finish (stream, connected.result, &error))
        g_error ("connect failed: %s", error->message);
      g_object_unref (connected.result);
      g_array_append_val (times, ms);
      sum += ms;

      confab_xmpp_stream_close_async (stream, NULL, done_cb, &closed);
      while (!closed.done)
        g_main_context_iteration (NULL, TRUE);
      g_object_unref (closed.result);
    }

  g_array_sort (times, compare_doubles);
  g_print ("connect-to-bound %-28s rounds=%u median=%.1f ms mean=%.1f ms min=%.1f ms max=%.1f ms\n",
           label, rounds, g_array_index (times, double, rounds / 2), sum / rounds,
           g_array_index (times, double, 0), g_array_index (times, double, rounds - 1));
}

int
main (int argc, char **argv)
{
  g_autoptr(ConfabTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 20;

  if (rounds == 0)
    rounds = 1;
  server = confab_test_server_start (NULL, &error);
  if (server == NULL)
    {
      g_print ("connect-to-bound: skipped (%s)\n", error ? error->message : "no prosody");
      return 0;
    }
  if (!confab_test_server_create_account (server, "bench", "bench-password", &error))
    g_error ("%s", error->message);

  measure (server, "starttls scram-sha-256", confab_test_server_get_port (server), FALSE,
           "SCRAM-SHA-256", rounds);
  measure (server, "starttls scram-sha-1", confab_test_server_get_port (server), FALSE,
           "SCRAM-SHA-1", rounds);
  measure (server, "direct-tls scram-sha-256", confab_test_server_get_direct_tls_port (server), TRUE,
           "SCRAM-SHA-256", rounds);
  return 0;
}
