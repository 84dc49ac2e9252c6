/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XEP-0077 in-band registration before authentication, against the real
 * Prosody (allow_registration in the harness): the simple form and the
 * data form, logging in with the new account, a taken username, a refused
 * submission, and the certificate checks of the unauthenticated stream. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "xep-0077-register.h"
#include "xmpp-test-util.h"

typedef struct {
  gboolean            done;
  gboolean            ok;
  ConfabRegisterForm *form;
  GError             *error;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->form, confab_register_form_free);
  g_clear_error (&r->error);
  r->done = r->ok = FALSE;
}

/* A stream for the test domain only (no account yet), trusting the run's
 * CA unless @trust_ca is FALSE. */
static ConfabXmppStream *
registration_stream_new (gboolean trust_ca)
{
  ConfabTestServer *server = xmpp_test_server ();
  g_autoptr(ConfabJid) domain = confab_jid_parse (confab_test_server_get_domain (server), NULL);
  ConfabXmppStream *stream = confab_xmpp_stream_new (domain);

  confab_xmpp_stream_set_host (stream, "127.0.0.1", confab_test_server_get_port (server));
  if (trust_ca)
    confab_xmpp_stream_set_tls_database (stream, confab_test_server_get_tls_database (server));
  return stream;
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->ok = confab_xmpp_stream_connect_unauthenticated_finish (CONFAB_XMPP_STREAM (object), result,
                                                             &r->error);
  r->done = TRUE;
}

static gboolean
connect_unauthenticated (ConfabXmppStream *stream,
                         GError          **error)
{
  Result r = { 0 };

  confab_xmpp_stream_connect_unauthenticated_async (stream, NULL, connected_cb, &r);
  g_assert_true (xmpp_test_wait_for (&r.done, 30));
  if (r.error != NULL)
    g_propagate_error (error, g_steal_pointer (&r.error));
  return r.ok;
}

static void
form_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->form = confab_xep_register_get_form_finish (CONFAB_XMPP_STREAM (object), result, &r->error);
  r->done = TRUE;
}

static ConfabRegisterForm *
get_form (ConfabXmppStream *stream)
{
  Result r = { 0 };

  confab_xep_register_get_form_async (stream, NULL, form_cb, &r);
  g_assert_true (xmpp_test_wait_for (&r.done, 30));
  g_assert_no_error (r.error);
  g_assert_nonnull (r.form);
  return r.form;
}

static void
submitted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  r->ok = confab_xep_register_submit_finish (CONFAB_XMPP_STREAM (object), result, &r->error);
  r->done = TRUE;
}

static gboolean
submit (ConfabXmppStream *stream,
        ConfabXmppNode   *query,
        GError          **error)
{
  Result r = { 0 };

  confab_xep_register_submit_async (stream, query, NULL, submitted_cb, &r);
  g_assert_true (xmpp_test_wait_for (&r.done, 30));
  if (r.error != NULL)
    g_propagate_error (error, g_steal_pointer (&r.error));
  return r.ok;
}

static char *
fresh_username (const char *prefix)
{
  return g_strdup_printf ("%s-%08x", prefix, g_random_int ());
}

/* Logs in as the new account: the registration really created it. */
static void
assert_can_log_in (const char *username,
                   const char *password)
{
  g_autoptr(ConfabXmppStream) stream = xmpp_test_stream_new (username, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_test_connect (stream, password, &error));
  g_assert_no_error (error);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_BOUND);
  xmpp_test_close (stream);
}

static void
test_simple_form_then_login (void)
{
  g_autoptr(ConfabXmppStream) stream = registration_stream_new (TRUE);
  g_autoptr(ConfabRegisterForm) form = NULL;
  g_autoptr(ConfabXmppNode) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *username = fresh_username ("dora");
  const char * const names[] = { "username", "password", NULL };
  const char * const values[] = { username, "dora's password", NULL };
  const char * const *fields;

  g_assert_true (connect_unauthenticated (stream, &error));
  g_assert_no_error (error);
  /* Secured but not logged in, and the server says it registers. */
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_AUTHENTICATING);
  g_assert_nonnull (confab_xmpp_stream_get_peer_certificate (stream));
  g_assert_true (confab_xmpp_stream_has_stream_feature (stream, "register",
                                                        CONFAB_XEP_REGISTER_FEATURE_NS));

  form = get_form (stream);
  fields = confab_register_form_get_fields (form);
  g_assert_true (g_strv_contains (fields, "username"));
  g_assert_true (g_strv_contains (fields, "password"));
  g_assert_nonnull (confab_register_form_get_instructions (form));

  query = confab_register_build_simple (names, values);
  g_assert_true (submit (stream, query, &error));
  g_assert_no_error (error);
  xmpp_test_close (stream);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_DISCONNECTED);

  assert_can_log_in (username, "dora's password");
}

static void
test_data_form_then_login (void)
{
  g_autoptr(ConfabXmppStream) stream = registration_stream_new (TRUE);
  g_autoptr(ConfabRegisterForm) form = NULL;
  g_autoptr(ConfabDataForm) submit_form = NULL;
  g_autoptr(ConfabXmppNode) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *username = fresh_username ("eve");
  ConfabDataForm *data_form;

  g_assert_true (connect_unauthenticated (stream, &error));
  form = get_form (stream);
  data_form = confab_register_form_get_data_form (form);
  g_assert_nonnull (data_form);
  g_assert_cmpstr (confab_data_form_get_form_type_value (data_form), ==, CONFAB_XEP_REGISTER_NS);
  g_assert_true (confab_data_field_get_required (confab_data_form_lookup_field (data_form, "username")));
  g_assert_cmpint (confab_data_field_get_field_type (confab_data_form_lookup_field (data_form, "password")),
                   ==, CONFAB_DATA_FIELD_TEXT_PRIVATE);

  submit_form = confab_data_form_new_submit (data_form);
  g_assert_true (confab_data_form_set_value (submit_form, "username", username));
  g_assert_true (confab_data_form_set_value (submit_form, "password", "eve's password"));
  query = confab_register_build_data_form (submit_form);
  g_assert_true (submit (stream, query, &error));
  g_assert_no_error (error);
  xmpp_test_close (stream);

  assert_can_log_in (username, "eve's password");
}

static void
test_username_taken (void)
{
  g_autoptr(ConfabXmppStream) stream = registration_stream_new (TRUE);
  g_autoptr(ConfabXmppNode) query = NULL;
  g_autoptr(GError) error = NULL;
  const char * const names[] = { "username", "password", NULL };
  const char * const values[] = { "alice", "not alice's password", NULL };

  g_assert_true (connect_unauthenticated (stream, NULL));
  query = confab_register_build_simple (names, values);
  g_assert_false (submit (stream, query, &error));
  g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_CONFLICT);
  g_clear_error (&error);

  /* The stream is still usable, and alice's password is unchanged. */
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_AUTHENTICATING);
  xmpp_test_close (stream);
  assert_can_log_in ("alice", "secret-alice");
}

static void
test_missing_field_refused (void)
{
  g_autoptr(ConfabXmppStream) stream = registration_stream_new (TRUE);
  g_autoptr(ConfabXmppNode) query = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *username = fresh_username ("nopass");
  const char * const names[] = { "username", NULL };
  const char * const values[] = { username, NULL };

  g_assert_true (connect_unauthenticated (stream, NULL));
  query = confab_register_build_simple (names, values);
  g_assert_false (submit (stream, query, &error));
  g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_NOT_ACCEPTABLE);
  xmpp_test_close (stream);
}

static void
test_untrusted_certificate (void)
{
  g_autoptr(ConfabXmppStream) stream = registration_stream_new (FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  GTlsCertificate *certificate;

  /* The test CA is not among the system's: the same check as for a login. */
  g_assert_false (connect_unauthenticated (stream, &error));
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE);
  /* The stream remembers why, for whoever did not see the callback. */
  g_assert_true (g_error_matches (confab_xmpp_stream_get_connect_error (stream),
                                  CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE));
  certificate = confab_xmpp_stream_get_peer_certificate (stream);
  g_assert_nonnull (certificate);
  g_assert_true (confab_xmpp_stream_get_peer_certificate_errors (stream) & G_TLS_CERTIFICATE_UNKNOWN_CA);

  /* Once the user trusts exactly this certificate, registering works. */
  fingerprint = confab_xmpp_certificate_fingerprint (certificate);
  confab_xmpp_stream_set_pinned_certificates (stream, (const char * const[]) { fingerprint, NULL });
  g_clear_error (&error);
  g_assert_true (connect_unauthenticated (stream, &error));
  g_assert_no_error (error);
  g_assert_null (confab_xmpp_stream_get_connect_error (stream));
  confab_register_form_free (get_form (stream));
  xmpp_test_close (stream);
}

/* ---- A server without TLS ---------------------------------------------------------- */

/* A fake plaintext server that offers registration but no STARTTLS, and
 * records every byte the client sends. */
typedef struct {
  GSocketConnection *connection;
  GString           *received;
  GCancellable      *cancellable;
  gboolean           reading;
  gboolean           answered;
  char               buffer[4096];
} PlainServer;

static void plain_read (PlainServer *server);

static void
plain_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  PlainServer *server = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, NULL);

  server->reading = FALSE;
  if (n <= 0)
    return;
  g_string_append_len (server->received, server->buffer, n);
  if (!server->answered && strstr (server->received->str, "<stream:stream") != NULL)
    {
      static const char features[] =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
        " xmlns:stream='http://etherx.jabber.org/streams' from='confab.test' id='plain'"
        " version='1.0'><stream:features>"
        "<register xmlns='http://jabber.org/features/iq-register'/>"
        "</stream:features>";

      server->answered = TRUE;
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (server->connection)),
                                 features, strlen (features), NULL, NULL, NULL);
    }
  plain_read (server);
}

static void
plain_read (PlainServer *server)
{
  server->reading = TRUE;
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (server->connection)),
                             server->buffer, sizeof server->buffer, G_PRIORITY_DEFAULT,
                             server->cancellable, plain_read_cb, server);
}

static gboolean
plain_incoming_cb (GSocketService    *service,
                   GSocketConnection *connection,
                   GObject           *source,
                   PlainServer       *server)
{
  g_set_object (&server->connection, connection);
  plain_read (server);
  return TRUE;
}

static void
test_never_over_plaintext (void)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(ConfabJid) domain = confab_jid_parse (CONFAB_TEST_DOMAIN, NULL);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (domain);
  g_autoptr(GError) error = NULL;
  PlainServer server = { .received = g_string_new (NULL), .cancellable = g_cancellable_new () };

  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (service), any_port,
                                                G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                                NULL, &bound, &error));
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (plain_incoming_cb), &server);
  g_socket_service_start (service);

  confab_xmpp_stream_set_host (stream, "127.0.0.1",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  /* RFC 6120 §5.3.1: no STARTTLS offered, so no registration either. */
  g_assert_false (connect_unauthenticated (stream, &error));
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TLS_UNAVAILABLE);
  g_assert_true (server.answered);
  g_assert_null (strstr (server.received->str, CONFAB_XEP_REGISTER_NS));
  g_assert_null (strstr (server.received->str, "<iq"));

  /* The read writes into @server: wait until it has ended. */
  g_socket_service_stop (service);
  g_cancellable_cancel (server.cancellable);
  while (server.reading)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&server.cancellable);
  g_clear_object (&server.connection);
  g_string_free (server.received, TRUE);
}

static void
test_get_form_needs_connection (void)
{
  g_autoptr(ConfabXmppStream) stream = registration_stream_new (TRUE);
  Result r = { 0 };

  confab_xep_register_get_form_async (stream, NULL, form_cb, &r);
  g_assert_true (xmpp_test_wait_for (&r.done, 5));
  g_assert_null (r.form);
  g_assert_error (r.error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED);
  result_clear (&r);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  g_test_add_func ("/xmpp/register/simple-form-then-login", test_simple_form_then_login);
  g_test_add_func ("/xmpp/register/data-form-then-login", test_data_form_then_login);
  g_test_add_func ("/xmpp/register/username-taken", test_username_taken);
  g_test_add_func ("/xmpp/register/missing-field-refused", test_missing_field_refused);
  g_test_add_func ("/xmpp/register/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/xmpp/register/never-over-plaintext", test_never_over_plaintext);
  g_test_add_func ("/xmpp/register/get-form-needs-connection", test_get_form_needs_connection);

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
