/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reconnection policy: backoff figures, which errors end the retries,
 * and, against a real Prosody behind the fault proxy, coming back after a
 * cut without a retry storm after a wrong password. */
#include "confab-test-proxy.h"
#include "confab-xmpp-error.h"
#include "confab-xmpp-reconnector.h"
#include "xmpp-test-util.h"

static void
test_delays (void)
{
  /* Attempt n waits between half and all of min(1 s × 2^n, 5 min). */
  for (guint attempt = 0; attempt < 40; attempt++)
    {
      guint full = attempt < 9 ? 1000u << attempt : 300000u;

      g_assert_cmpuint (confab_xmpp_reconnector_compute_delay_ms (attempt, 0), ==, full / 2);
      g_assert_cmpuint (confab_xmpp_reconnector_compute_delay_ms (attempt, G_MAXUINT32), <=, full);
      g_assert_cmpuint (confab_xmpp_reconnector_compute_delay_ms (attempt, G_MAXUINT32), >=, full / 2);
    }
  /* Jitter really spreads clients out. */
  g_assert_cmpuint (confab_xmpp_reconnector_compute_delay_ms (3, 1), !=,
                    confab_xmpp_reconnector_compute_delay_ms (3, 2000));
}

typedef struct {
  GQuark   domain;
  int      code;
  gboolean permanent;
} ErrorCase;

static void
test_permanent_errors (void)
{
  const ErrorCase cases[] = {
    { CONFAB_XMPP_SASL_ERROR, CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED, TRUE },
    { CONFAB_XMPP_SASL_ERROR, CONFAB_XMPP_SASL_ERROR_ACCOUNT_DISABLED, TRUE },
    { CONFAB_XMPP_SASL_ERROR, CONFAB_XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE, FALSE },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE, TRUE },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TLS_UNAVAILABLE, TRUE },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_DOWNGRADE, TRUE },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NETWORK, FALSE },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TIMEOUT, FALSE },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_HOST_NOT_FOUND, FALSE },
    { CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CONNECTION_REFUSED, FALSE },
    { CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_CONFLICT, TRUE },
    { CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN, FALSE },
    { CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_RESET, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain, cases[i].code, "x");

      g_assert_cmpint (confab_xmpp_error_is_permanent (error), ==, cases[i].permanent);
    }
  g_assert_false (confab_xmpp_error_is_permanent (NULL));
}

typedef struct {
  guint    resumed;
  guint    fresh;
  gboolean gave_up;
  GError  *error;
} Record;

static void
started_cb (ConfabXmppStream *stream, gboolean resumed, Record *record)
{
  if (resumed)
    record->resumed++;
  else
    record->fresh++;
}

static void
gave_up_cb (ConfabXmppReconnector *reconnector, const GError *error, Record *record)
{
  record->gave_up = TRUE;
  record->error = g_error_copy (error);
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;
  guint wake = g_timeout_add (50, wake_cb, NULL);

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
}

static void
test_comes_back_after_cut (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabXmppReconnector) reconnector = NULL;
  Record record = { 0 };

  g_assert_no_error (error);
  stream = xmpp_test_stream_new ("alice", confab_test_proxy_get_port (proxy));
  g_signal_connect (stream, "session-started", G_CALLBACK (started_cb), &record);
  reconnector = confab_xmpp_reconnector_new (stream);
  g_signal_connect (reconnector, "gave-up", G_CALLBACK (gave_up_cb), &record);
  confab_xmpp_reconnector_start (reconnector, "secret-alice");

  for (guint i = 0; i < 100 && record.fresh == 0; i++)
    iterate_for (100);
  g_assert_cmpuint (record.fresh, ==, 1);
  iterate_for (500);  /* stream management enabled */

  /* Cut twice; each time the session comes back by itself, resumed. */
  for (guint cut = 1; cut <= 2; cut++)
    {
      confab_test_proxy_cut (proxy);
      for (guint i = 0; i < 100 && record.resumed < cut; i++)
        iterate_for (100);
      g_assert_cmpuint (record.resumed, ==, cut);
      g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_BOUND);
    }
  g_assert_false (record.gave_up);
  g_assert_cmpuint (confab_xmpp_reconnector_get_attempts (reconnector), ==, 0);

  xmpp_test_close (stream);
  /* A deliberate close is not undone. */
  iterate_for (1500);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_DISCONNECTED);
}

static void
test_no_retry_storm_after_wrong_password (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabXmppReconnector) reconnector = NULL;
  Record record = { 0 };

  g_assert_no_error (error);
  stream = xmpp_test_stream_new ("bob", confab_test_proxy_get_port (proxy));
  reconnector = confab_xmpp_reconnector_new (stream);
  g_signal_connect (reconnector, "gave-up", G_CALLBACK (gave_up_cb), &record);
  confab_xmpp_reconnector_start (reconnector, "wrong");

  for (guint i = 0; i < 100 && !record.gave_up; i++)
    iterate_for (100);
  g_assert_true (record.gave_up);
  g_assert_error (record.error, CONFAB_XMPP_SASL_ERROR, CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED);
  /* And it stays given up: one connection in all. */
  iterate_for (3000);
  g_assert_cmpuint (confab_test_proxy_get_n_accepted (proxy), ==, 1);
  g_clear_error (&record.error);
}

static void
test_retries_while_server_unreachable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabXmppReconnector) reconnector = NULL;
  Record record = { 0 };
  guint accepted;

  g_assert_no_error (error);
  confab_test_proxy_set_refuse (proxy, TRUE);
  stream = xmpp_test_stream_new ("carol", confab_test_proxy_get_port (proxy));
  g_signal_connect (stream, "session-started", G_CALLBACK (started_cb), &record);
  reconnector = confab_xmpp_reconnector_new (stream);
  g_signal_connect (reconnector, "gave-up", G_CALLBACK (gave_up_cb), &record);
  confab_xmpp_reconnector_start (reconnector, "secret-carol");

  /* Backoff: a handful of attempts in 4 s (at 0, ~0.5–1, ~1.5–3 s ...),
   * not hundreds. */
  iterate_for (4000);
  accepted = confab_test_proxy_get_n_accepted (proxy);
  g_assert_cmpuint (accepted, >=, 2);
  g_assert_cmpuint (accepted, <=, 5);
  g_assert_false (record.gave_up);

  /* The server is back: the next retry gets in. */
  confab_test_proxy_set_refuse (proxy, FALSE);
  for (guint i = 0; i < 150 && record.fresh == 0; i++)
    iterate_for (100);
  g_assert_cmpuint (record.fresh, ==, 1);
  confab_xmpp_reconnector_stop (reconnector);
  xmpp_test_close (stream);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/reconnect/delays", test_delays);
  g_test_add_func ("/xmpp/reconnect/permanent-errors", test_permanent_errors);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  g_test_add_func ("/xmpp/reconnect/comes-back-after-cut", test_comes_back_after_cut);
  g_test_add_func ("/xmpp/reconnect/no-retry-storm-after-wrong-password",
                   test_no_retry_storm_after_wrong_password);
  g_test_add_func ("/xmpp/reconnect/retries-while-unreachable", test_retries_while_server_unreachable);

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
