/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xmpp-test-util.h"

#define ASYNC_LIMIT_SECONDS 60

static ConfabTestServer *server;

gboolean
xmpp_test_start_server (const ConfabTestServerOptions *options)
{
  g_autoptr(GError) error = NULL;
  const char * const accounts[] = { "alice", "bob", "carol" };

  server = confab_test_server_start (options, &error);
  if (server == NULL && error == NULL)
    return FALSE;  /* skipped: no Prosody */
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autofree char *password = xmpp_test_password (accounts[i]);

      confab_test_server_create_account (server, accounts[i], password, &error);
      g_assert_no_error (error);
    }
  return TRUE;
}

ConfabTestServer *
xmpp_test_server (void)
{
  return server;
}

void
xmpp_test_stop_server (void)
{
  g_clear_pointer (&server, confab_test_server_free);
}

char *
xmpp_test_password (const char *localpart)
{
  return g_strdup_printf ("secret-%s", localpart);
}

ConfabXmppStream *
xmpp_test_stream_new (const char *localpart,
                      guint16     port)
{
  g_autofree char *address = g_strdup_printf ("%s@%s", localpart, confab_test_server_get_domain (server));
  g_autoptr(ConfabJid) jid = confab_jid_parse (address, NULL);
  ConfabXmppStream *stream;

  g_assert_nonnull (jid);
  stream = confab_xmpp_stream_new (jid);
  confab_xmpp_stream_set_host (stream, "127.0.0.1", port ? port : confab_test_server_get_port (server));
  confab_xmpp_stream_set_tls_database (stream, confab_test_server_get_tls_database (server));
  return stream;
}

void
xmpp_test_waiter_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  XmppTestWaiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *expired = user_data;

  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
xmpp_test_wait_for (gboolean *flag,
                    guint     seconds)
{
  gboolean expired = FALSE;
  guint deadline_id = g_timeout_add_seconds (seconds, deadline_cb, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline_id);
  return *flag;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;  /* only wakes the loop up */
}

gboolean
xmpp_test_wait_until (XmppTestCondition condition,
                      gpointer          data,
                      guint             seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  guint tick_id = g_timeout_add (50, tick_cb, NULL);

  while (!condition (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick_id);
  return condition (data);
}

void
xmpp_test_run_for (guint milliseconds)
{
  gboolean expired = FALSE;

  g_timeout_add (milliseconds, deadline_cb, &expired);  /* removes itself */
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}

gboolean
xmpp_test_connect (ConfabXmppStream *stream,
                   const char       *password,
                   GError          **error)
{
  XmppTestWaiter waiter = { 0 };
  gboolean ok;

  confab_xmpp_stream_connect_async (stream, password, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (xmpp_test_wait_for (&waiter.done, ASYNC_LIMIT_SECONDS));
  ok = confab_xmpp_stream_connect_finish (stream, waiter.result, error);
  g_object_unref (waiter.result);
  return ok;
}

void
xmpp_test_connect_ok (ConfabXmppStream *stream)
{
  g_autoptr(GError) error = NULL;
  ConfabJid *jid = confab_xmpp_stream_get_jid (stream);
  g_autofree char *password = xmpp_test_password (confab_jid_get_localpart (jid));

  g_assert_true (xmpp_test_connect (stream, password, &error));
  g_assert_no_error (error);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_BOUND);
}

ConfabXmppNode *
xmpp_test_send_iq (ConfabXmppStream *stream,
                   ConfabXmppNode   *iq,
                   guint             timeout_seconds,
                   GCancellable     *cancellable,
                   GError          **error)
{
  XmppTestWaiter waiter = { 0 };
  ConfabXmppNode *reply;

  confab_xmpp_stream_send_iq_async (stream, iq, timeout_seconds, cancellable, xmpp_test_waiter_cb, &waiter);
  g_assert_true (xmpp_test_wait_for (&waiter.done, ASYNC_LIMIT_SECONDS));
  reply = confab_xmpp_stream_send_iq_finish (stream, waiter.result, error);
  g_object_unref (waiter.result);
  return reply;
}

void
xmpp_test_close (ConfabXmppStream *stream)
{
  XmppTestWaiter waiter = { 0 };
  g_autoptr(GError) error = NULL;

  confab_xmpp_stream_close_async (stream, NULL, xmpp_test_waiter_cb, &waiter);
  g_assert_true (xmpp_test_wait_for (&waiter.done, ASYNC_LIMIT_SECONDS));
  g_assert_true (confab_xmpp_stream_close_finish (stream, waiter.result, &error));
  g_assert_no_error (error);
  g_object_unref (waiter.result);
}

void
xmpp_test_print_server_log (guint last_lines)
{
  g_autofree char *log = server != NULL ? confab_test_server_get_log (server) : NULL;
  g_auto(GStrv) lines = NULL;
  guint n;

  if (log == NULL)
    return;
  lines = g_strsplit (log, "\n", -1);
  n = g_strv_length (lines);
  for (guint i = n > last_lines ? n - last_lines : 0; i < n; i++)
    g_test_message ("prosody: %s", lines[i]);
}
