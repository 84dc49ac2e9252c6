/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The benchmark's message burst (see demo-burst.h). */
#include "config.h"

#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-stream.h"
#include "demo-burst.h"

/* Bounds on waiting, so a broken server ends the run instead of hanging. */
#define CONNECT_TIMEOUT_SECONDS 30
#define ACK_TIMEOUT_SECONDS 300

typedef struct {
  gboolean  done;
  GError   *error;
  guint     acked;
} Burst;

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Burst *burst = user_data;

  confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result, &burst->error);
  burst->done = TRUE;
}

static void
on_stanza_acked_cb (ConfabXmppStream *stream,
                    const char       *id,
                    gpointer          user_data)
{
  ((Burst *) user_data)->acked++;
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  confab_xmpp_stream_close_finish (CONFAB_XMPP_STREAM (object), result, NULL);
  ((Burst *) user_data)->done = TRUE;
}

/* Iterates the main context until @flag is set or @seconds pass. */
static gboolean
wait_for (gboolean *flag,
          guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  return *flag;
}

gboolean
demo_burst_send (const char   *jid,
                 const char   *password,
                 guint16       port,
                 GTlsDatabase *database,
                 const char   *to,
                 guint         count,
                 GError      **error)
{
  g_autoptr(ConfabJid) own = confab_jid_parse (jid, error);
  g_autoptr(ConfabJid) recipient = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  ConfabXmppMessages *messages;
  ConfabXmppChatOptions options = { .request_receipt = TRUE, .markable = TRUE };
  Burst burst = { FALSE, NULL, 0 };
  gint64 start, end;

  if (own == NULL || (recipient = confab_jid_parse (to, error)) == NULL)
    return FALSE;

  stream = confab_xmpp_stream_new (own);
  confab_xmpp_stream_set_host (stream, "127.0.0.1", port);
  confab_xmpp_stream_set_tls_database (stream, database);
  confab_xmpp_stream_set_resource (stream, "burst");
  confab_xmpp_add_standard_modules (stream);
  confab_xmpp_stream_connect_async (stream, password, NULL, connected_cb, &burst);
  if (!wait_for (&burst.done, CONNECT_TIMEOUT_SECONDS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "Could not log in as %s in time", jid);
      return FALSE;
    }
  if (burst.error != NULL)
    {
      g_propagate_error (error, burst.error);
      return FALSE;
    }

  /* Stream management is enabled just after binding: let it come up, so
   * that every message is acknowledged and counted. */
  {
    gboolean never = FALSE;

    wait_for (&never, 1);
  }

  messages = CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES));
  g_signal_connect (stream, "stanza-acked", G_CALLBACK (on_stanza_acked_cb), &burst);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < count; i++)
    {
      g_autofree char *body = g_strdup_printf ("Burst message %u of %u: nothing to see here.", i + 1, count);

      g_free (confab_xmpp_messages_send_chat (messages, recipient, body, &options));
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  {
    gint64 deadline = g_get_monotonic_time () + ACK_TIMEOUT_SECONDS * G_USEC_PER_SEC;

    while (burst.acked < count && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  end = g_get_monotonic_time ();
  g_printerr ("confab-demo-server: sent %u messages, %u acknowledged, in %.2f s\n",
              count, burst.acked, (end - start) / 1e6);

  burst.done = FALSE;
  confab_xmpp_stream_close_async (stream, NULL, closed_cb, &burst);
  wait_for (&burst.done, 5);
  g_signal_handlers_disconnect_by_data (stream, &burst);
  return TRUE;
}
