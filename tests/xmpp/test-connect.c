/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Connecting, securing, authenticating and binding against a real Prosody. */
#include <string.h>

#include "confab-test-proxy.h"
#include "confab-xmpp-error.h"
#include "xmpp-test-util.h"

static void
assert_logged_in_with (const char *mechanism)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("alice", 0);
  const char * const allowed[] = { mechanism, NULL };
  ConfabJid *bound;

  confab_xmpp_stream_set_allowed_mechanisms (stream, allowed);
  xmpp_test_connect_ok (stream);
  g_assert_cmpstr (confab_xmpp_stream_get_mechanism (stream), ==, mechanism);
  g_assert_false (confab_xmpp_stream_get_used_direct_tls (stream));
  bound = confab_xmpp_stream_get_bound_jid (stream);
  g_assert_nonnull (bound);
  g_assert_cmpstr (confab_jid_get_bare_string (bound), ==, "alice@" CONFAB_TEST_DOMAIN);
  g_assert_nonnull (confab_jid_get_resource (bound));
  xmpp_test_close (stream);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_DISCONNECTED);
}

static void
test_scram_sha1 (void)
{
  assert_logged_in_with ("SCRAM-SHA-1");
}

static void
test_scram_sha256 (void)
{
  assert_logged_in_with ("SCRAM-SHA-256");
}

static void
test_best_mechanism_by_default (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("alice", 0);
  const char *mechanism;

  xmpp_test_connect_ok (stream);
  /* Prosody 0.12 offers SHA-1 and SHA-256 (and -PLUS only over TLS 1.2):
   * the strongest one offered must have been taken. */
  mechanism = confab_xmpp_stream_get_mechanism (stream);
  g_assert_true (g_str_has_prefix (mechanism, "SCRAM-SHA-256"));
  xmpp_test_close (stream);
}

static void
test_plain_refused_while_scram_offered (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("alice", 0);
  g_autoptr(GError) error = NULL;
  const char * const allowed[] = { "PLAIN", NULL };

  confab_xmpp_stream_set_allowed_mechanisms (stream, allowed);
  g_assert_false (xmpp_test_connect (stream, "secret-alice", &error));
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NO_MECHANISM);
}

static void
test_direct_tls (void)
{
  ConfabTestServer *server = xmpp_test_server ();
  g_autoptr(ConfabXmppStream) stream =
    xmpp_test_stream_new ("bob", confab_test_server_get_direct_tls_port (server));

  confab_xmpp_stream_set_direct_tls (stream, TRUE);
  xmpp_test_connect_ok (stream);
  g_assert_true (confab_xmpp_stream_get_used_direct_tls (stream));
  xmpp_test_close (stream);
}

static void
test_wrong_password (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("alice", 0);
  g_autoptr(GError) error = NULL;

  g_assert_false (xmpp_test_connect (stream, "not-the-password", &error));
  g_assert_error (error, CONFAB_XMPP_SASL_ERROR, CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_DISCONNECTED);
  g_assert_null (confab_xmpp_stream_get_bound_jid (stream));
}

static gboolean
refuse_certificate_cb (ConfabXmppStream     *stream,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  guint *calls = user_data;

  (*calls)++;
  g_assert_true (errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  return FALSE;
}

static gboolean
accept_certificate_cb (ConfabXmppStream     *stream,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return TRUE;
}

static void
test_untrusted_certificate_then_pinned (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("alice", 0);
  g_autoptr(ConfabXmppStream) pinned = xmpp_test_stream_new ("alice", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected = NULL;
  GTlsCertificate *certificate;
  guint calls = 0;

  /* The system trust store knows nothing of the test CA. */
  confab_xmpp_stream_set_tls_database (stream, NULL);
  g_signal_connect (stream, "accept-certificate", G_CALLBACK (refuse_certificate_cb), &calls);
  g_assert_false (xmpp_test_connect (stream, "secret-alice", &error));
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE);
  g_assert_cmpuint (calls, ==, 1);

  certificate = confab_xmpp_stream_get_peer_certificate (stream);
  g_assert_nonnull (certificate);
  g_assert_true (confab_xmpp_stream_get_peer_certificate_errors (stream) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  fingerprint = confab_xmpp_certificate_fingerprint (certificate);
  expected = confab_xmpp_certificate_fingerprint (confab_test_server_get_certificate (xmpp_test_server ()));
  g_assert_cmpstr (fingerprint, ==, expected);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);

  /* The user trusted exactly that certificate: now it works, without the
   * signal being asked again. */
  {
    const char * const pins[] = { fingerprint, NULL };

    confab_xmpp_stream_set_tls_database (pinned, NULL);
    confab_xmpp_stream_set_pinned_certificates (pinned, pins);
    calls = 0;
    g_signal_connect (pinned, "accept-certificate", G_CALLBACK (refuse_certificate_cb), &calls);
    xmpp_test_connect_ok (pinned);
    g_assert_cmpuint (calls, ==, 0);
    xmpp_test_close (pinned);
  }
}

static void
test_certificate_accepted_by_signal_is_pinned (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("bob", 0);
  g_autofree char *expected = NULL;
  const char * const *pins;
  guint calls = 0;

  confab_xmpp_stream_set_tls_database (stream, NULL);
  g_signal_connect (stream, "accept-certificate", G_CALLBACK (accept_certificate_cb), &calls);
  xmpp_test_connect_ok (stream);
  g_assert_cmpuint (calls, ==, 1);

  expected = confab_xmpp_certificate_fingerprint (confab_test_server_get_certificate (xmpp_test_server ()));
  pins = confab_xmpp_stream_get_pinned_certificates (stream);
  g_assert_nonnull (pins);
  g_assert_true (g_strv_contains (pins, expected));
  xmpp_test_close (stream);
}

static void
test_certificate_for_other_domain_refused (void)
{
  ConfabTestServer *server = xmpp_test_server ();
  g_autoptr(ConfabJid) jid = confab_jid_parse ("alice@elsewhere.test", NULL);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (jid);
  g_autoptr(GError) error = NULL;

  /* Direct TLS, so the handshake happens before the server can say it does
   * not serve that domain. The CA is trusted; the name is wrong. Prosody
   * itself aborts the handshake for a name it does not serve, before we
   * can judge its certificate; either way the login must not go on. */
  confab_xmpp_stream_set_host (stream, "127.0.0.1", confab_test_server_get_direct_tls_port (server));
  confab_xmpp_stream_set_direct_tls (stream, TRUE);
  confab_xmpp_stream_set_tls_database (stream, confab_test_server_get_tls_database (server));
  g_assert_false (xmpp_test_connect (stream, "secret-alice", &error));
  g_assert_true (g_error_matches (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE)
                 || g_error_matches (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TLS));
  g_assert_null (confab_xmpp_stream_get_bound_jid (stream));
}

static void
test_verified_against_domain_not_host (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("carol", 0);

  /* The certificate names confab.test only: connecting through a host name
   * it does not carry works, because the identity checked is the domain. */
  confab_xmpp_stream_set_host (stream, "localhost", confab_test_server_get_port (xmpp_test_server ()));
  xmpp_test_connect_ok (stream);
  g_assert_cmpuint (confab_xmpp_stream_get_peer_certificate_errors (stream), ==, 0);
  xmpp_test_close (stream);
}

static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint16 port;

  /* Bind and close: the port is then (almost certainly) closed. */
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

static void
test_refused_port (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("alice", closed_port ());
  g_autoptr(GError) error = NULL;

  g_assert_false (xmpp_test_connect (stream, "secret-alice", &error));
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CONNECTION_REFUSED);
}

static void
test_unknown_host (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("alice", 0);
  g_autoptr(GError) error = NULL;

  /* RFC 6761 §6.4: .invalid never resolves. */
  confab_xmpp_stream_set_host (stream, "no-such-host.invalid", 5222);
  g_assert_false (xmpp_test_connect (stream, "secret-alice", &error));
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_HOST_NOT_FOUND);
}

static void
test_server_stops_answering_during_login (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) stream = NULL;
  gint64 start;

  g_assert_no_error (error);
  confab_test_proxy_stall (proxy);
  stream = xmpp_test_stream_new ("alice", confab_test_proxy_get_port (proxy));
  confab_xmpp_stream_set_connect_timeout (stream, 2);
  start = g_get_monotonic_time ();
  g_assert_false (xmpp_test_connect (stream, "secret-alice", &error));
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TIMEOUT);
  /* It gave up on its own deadline, not after some OS-level timeout. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

typedef struct {
  gboolean closed;
  GError  *error;
} ClosedRecord;

static void
closed_cb (ConfabXmppStream *stream,
           const GError     *error,
           gpointer          user_data)
{
  ClosedRecord *record = user_data;

  g_assert_false (record->closed);
  record->closed = TRUE;
  record->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
test_connection_cut_detected (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) stream = NULL;
  ClosedRecord record = { 0 };

  g_assert_no_error (error);
  stream = xmpp_test_stream_new ("alice", confab_test_proxy_get_port (proxy));
  g_signal_connect (stream, "closed", G_CALLBACK (closed_cb), &record);
  xmpp_test_connect_ok (stream);

  confab_test_proxy_cut (proxy);
  g_assert_true (xmpp_test_wait_for (&record.closed, 10));
  g_assert_error (record.error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NETWORK);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_DISCONNECTED);
  g_clear_error (&record.error);
}

static void
test_stalled_connection_detected_by_ping (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) stream = NULL;
  ClosedRecord record = { 0 };

  g_assert_no_error (error);
  stream = xmpp_test_stream_new ("alice", confab_test_proxy_get_port (proxy));
  g_signal_connect (stream, "closed", G_CALLBACK (closed_cb), &record);
  xmpp_test_connect_ok (stream);

  /* The TCP connection stays up but nothing comes back: only the XEP-0199
   * ping can tell. */
  confab_xmpp_stream_set_keepalive (stream, 1, 1);
  confab_test_proxy_stall (proxy);
  g_assert_true (xmpp_test_wait_for (&record.closed, 15));
  g_assert_error (record.error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TIMEOUT);
  g_clear_error (&record.error);
}

static void
test_idle_connection_survives_keepalive (void)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new ("carol", 0);
  ClosedRecord record = { 0 };
  gboolean never = FALSE;

  g_signal_connect (stream, "closed", G_CALLBACK (closed_cb), &record);
  xmpp_test_connect_ok (stream);
  confab_xmpp_stream_set_keepalive (stream, 1, 2);
  /* Several ping rounds pass; a live server answers each. */
  xmpp_test_wait_for (&never, 4);
  g_assert_false (record.closed);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_BOUND);
  xmpp_test_close (stream);
  g_assert_true (record.closed);
  g_assert_null (record.error);
}

static void
test_stream_error_reported_with_condition (void)
{
  g_autoptr(ConfabXmppStream) first = xmpp_test_stream_new ("bob", 0);
  g_autoptr(ConfabXmppStream) second = xmpp_test_stream_new ("bob", 0);
  ClosedRecord record = { 0 };

  /* RFC 6120 §7.7.2.2: binding a resource that is in use; Prosody's default
   * is to end the older session with a <conflict/> stream error. */
  confab_xmpp_stream_set_resource (first, "desk");
  confab_xmpp_stream_set_resource (second, "desk");
  g_signal_connect (first, "closed", G_CALLBACK (closed_cb), &record);
  xmpp_test_connect_ok (first);
  xmpp_test_connect_ok (second);
  g_assert_true (xmpp_test_wait_for (&record.closed, 10));
  g_assert_error (record.error, CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_CONFLICT);
  g_clear_error (&record.error);
  xmpp_test_close (second);
}

typedef struct {
  gboolean done;
  GError  *error;
} ConnectRecord;

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ConnectRecord *record = user_data;

  g_assert_false (confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result,
                                                     &record->error));
  record->done = TRUE;
}

static void
test_cancel_connect (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestProxy) proxy =
    confab_test_proxy_new (confab_test_server_get_port (xmpp_test_server ()), &error);
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ConnectRecord record = { 0 };
  gboolean never = FALSE;

  g_assert_no_error (error);
  confab_test_proxy_stall (proxy);
  stream = xmpp_test_stream_new ("alice", confab_test_proxy_get_port (proxy));
  confab_xmpp_stream_connect_async (stream, "secret-alice", cancellable, connect_done_cb, &record);
  xmpp_test_wait_for (&never, 1);
  g_assert_false (record.done);
  g_cancellable_cancel (cancellable);
  g_assert_true (xmpp_test_wait_for (&record.done, 5));
  g_assert_error (record.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&record.error);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_DISCONNECTED);

  /* The stream is reusable after a cancelled attempt. */
  confab_xmpp_stream_set_host (stream, "127.0.0.1", confab_test_server_get_port (xmpp_test_server ()));
  xmpp_test_connect_ok (stream);
  xmpp_test_close (stream);
}

/* A second server, with options, for one test. */
static ConfabXmppStream *
stream_for_own_server (ConfabTestServer *server,
                       const char       *localpart)
{
  g_autofree char *address = g_strdup_printf ("%s@%s", localpart, confab_test_server_get_domain (server));
  g_autoptr(ConfabJid) jid = confab_jid_parse (address, NULL);
  g_autofree char *password = xmpp_test_password (localpart);
  g_autoptr(GError) error = NULL;
  ConfabXmppStream *stream;

  confab_test_server_create_account (server, localpart, password, &error);
  g_assert_no_error (error);
  stream = confab_xmpp_stream_new (jid);
  confab_xmpp_stream_set_host (stream, "127.0.0.1", confab_test_server_get_port (server));
  confab_xmpp_stream_set_tls_database (stream, confab_test_server_get_tls_database (server));
  return stream;
}

static void
test_plain_only_without_scram (void)
{
  const char * const no_scram[] = {
    "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", NULL
  };
  ConfabTestServerOptions options = { .disabled_mechanisms = no_scram };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestServer) server = confab_test_server_start (&options, &error);
  g_autoptr(ConfabXmppStream) stream = NULL;

  g_assert_no_error (error);
  stream = stream_for_own_server (server, "dave");
  /* PLAIN is acceptable only because TLS is up and no SCRAM is offered. */
  xmpp_test_connect_ok (stream);
  g_assert_cmpstr (confab_xmpp_stream_get_mechanism (stream), ==, "PLAIN");
  xmpp_test_close (stream);
}

static void
test_scram_plus_with_channel_binding (void)
{
  ConfabTestServerOptions options = { .tls12_only = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabTestServer) server = confab_test_server_start (&options, &error);
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabXmppStream) unbound = NULL;
  const char * const sha1_plus[] = { "SCRAM-SHA-1-PLUS", NULL };

  g_assert_no_error (error);
  /* Prosody 0.12 offers -PLUS only with tls-unique, which exists only up to
   * TLS 1.2; this server is limited to it. */
  stream = stream_for_own_server (server, "erin");
  xmpp_test_connect_ok (stream);
  g_assert_cmpstr (confab_xmpp_stream_get_mechanism (stream), ==, "SCRAM-SHA-256-PLUS");
  xmpp_test_close (stream);

  unbound = stream_for_own_server (server, "erin");
  confab_xmpp_stream_set_allowed_mechanisms (unbound, sha1_plus);
  xmpp_test_connect_ok (unbound);
  g_assert_cmpstr (confab_xmpp_stream_get_mechanism (unbound), ==, "SCRAM-SHA-1-PLUS");
  xmpp_test_close (unbound);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  g_test_add_func ("/xmpp/connect/scram-sha-1", test_scram_sha1);
  g_test_add_func ("/xmpp/connect/scram-sha-256", test_scram_sha256);
  g_test_add_func ("/xmpp/connect/best-mechanism", test_best_mechanism_by_default);
  g_test_add_func ("/xmpp/connect/no-plain-when-scram-offered", test_plain_refused_while_scram_offered);
  g_test_add_func ("/xmpp/connect/direct-tls", test_direct_tls);
  g_test_add_func ("/xmpp/connect/plain-only-without-scram", test_plain_only_without_scram);
  g_test_add_func ("/xmpp/connect/scram-plus", test_scram_plus_with_channel_binding);
  g_test_add_func ("/xmpp/connect/wrong-password", test_wrong_password);
  g_test_add_func ("/xmpp/connect/untrusted-certificate-then-pinned", test_untrusted_certificate_then_pinned);
  g_test_add_func ("/xmpp/connect/certificate-accepted-by-signal", test_certificate_accepted_by_signal_is_pinned);
  g_test_add_func ("/xmpp/connect/certificate-for-other-domain", test_certificate_for_other_domain_refused);
  g_test_add_func ("/xmpp/connect/verified-against-domain-not-host", test_verified_against_domain_not_host);
  g_test_add_func ("/xmpp/connect/refused-port", test_refused_port);
  g_test_add_func ("/xmpp/connect/unknown-host", test_unknown_host);
  g_test_add_func ("/xmpp/connect/server-stops-answering", test_server_stops_answering_during_login);
  g_test_add_func ("/xmpp/connect/cancel", test_cancel_connect);
  g_test_add_func ("/xmpp/session/cut-detected", test_connection_cut_detected);
  g_test_add_func ("/xmpp/session/stall-detected-by-ping", test_stalled_connection_detected_by_ping);
  g_test_add_func ("/xmpp/session/idle-survives-keepalive", test_idle_connection_survives_keepalive);
  g_test_add_func ("/xmpp/session/stream-error-condition", test_stream_error_reported_with_condition);

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
