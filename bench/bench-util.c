/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-util.h"
#include "confab-xmpp-modules.h"

double
bench_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

long
bench_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line != NULL ? strtol (line + strlen (field), NULL, 10) : 0;
}

ConfabTestServer *
bench_server_start (const char         *bench_name,
                    const char * const *localparts)
{
  g_autoptr(GError) error = NULL;
  ConfabTestServer *server = confab_test_server_start (NULL, &error);

  if (server == NULL)
    {
      g_print ("%s: skipped (%s)\n", bench_name, error ? error->message : "no prosody");
      return NULL;
    }
  for (guint i = 0; localparts[i] != NULL; i++)
    if (!confab_test_server_create_account (server, localparts[i], "bench", &error))
      g_error ("%s", error->message);
  return server;
}

ConfabXmppStream *
bench_stream_new (const char   *address,
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
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result, &error))
    g_error ("connect: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

void
bench_connect (ConfabXmppStream *stream,
               const char       *password)
{
  gboolean done = FALSE;

  confab_xmpp_stream_connect_async (stream, password, NULL, connected_cb, &done);
  bench_wait_for (&done);
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  confab_xmpp_stream_close_finish (CONFAB_XMPP_STREAM (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

void
bench_close (ConfabXmppStream *stream)
{
  gboolean done = FALSE;

  confab_xmpp_stream_close_async (stream, NULL, closed_cb, &done);
  bench_wait_for (&done);
}

void
bench_iterate_for (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

void
bench_wait_for (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static void
count_acked_cb (ConfabXmppStream *stream,
                const char       *id,
                guint            *acked)
{
  (*acked)++;
}

void
bench_send_burst (ConfabXmppStream            *stream,
                  const char                  *to,
                  guint                        count,
                  BenchBodyFunc                body,
                  const ConfabXmppChatOptions *options,
                  guint                        window)
{
  g_autoptr(ConfabJid) to_jid = confab_jid_parse (to, NULL);
  ConfabXmppMessages *messages =
    CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES));
  guint acked = 0;
  gulong handler;

  /* Let stream management come up so every message is acknowledged. */
  bench_iterate_for (500);
  handler = g_signal_connect (stream, "stanza-acked", G_CALLBACK (count_acked_cb), &acked);
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *text = body (i);

      g_free (confab_xmpp_messages_send_chat (messages, to_jid, text, options));
      /* Do not run far ahead of the server. */
      while (window != G_MAXUINT && i + 1 > acked + window)
        g_main_context_iteration (NULL, TRUE);
      /* Keep the write queue moving as a real client would. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  while (acked < count)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (stream, handler);
}

GSubprocess *
bench_spawn_sender (const char       *program,
                    ConfabTestServer *server,
                    guint             count)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", confab_test_server_get_port (server));
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  GSubprocess *sender;

  sender = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, program, "--send", port_text,
                             confab_test_server_get_ca_file (server), count_text, NULL);
  if (sender == NULL)
    g_error ("%s", error->message);
  return sender;
}

gboolean
bench_sender_args (int           argc,
                   char        **argv,
                   guint16      *port,
                   const char  **ca_file,
                   guint        *count)
{
  if (argc != 5 || !g_str_equal (argv[1], "--send"))
    return FALSE;
  *port = (guint16) atoi (argv[2]);
  *ca_file = argv[3];
  *count = (guint) atoi (argv[4]);
  return TRUE;
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

void
bench_count_stored (ConfabHistoryStore *store,
                    guint              *stored)
{
  g_signal_connect (store, "message-changed", G_CALLBACK (message_changed_cb), stored);
}
