/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A hostile or broken server, scripted: what no real Prosody would send,
 * and what the client must refuse safely. The server here answers the
 * client's first bytes with a fixed script and records everything the
 * client sends, so the tests can check that nothing secret went out. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-stream.h"

#define HEADER "<?xml version='1.0'?><stream:stream xmlns='jabber:client' " \
               "xmlns:stream='http://etherx.jabber.org/streams' from='confab.test' id='s1' version='1.0'>"

typedef struct {
  GSocket  *listener;
  guint16   port;
  char     *script;     /* sent after the client's stream header */
  gboolean  close_after;
  GString  *received;   /* everything the client sent */
  GThread  *thread;
} ScriptedServer;

static gpointer
serve (gpointer data)
{
  ScriptedServer *server = data;
  g_autoptr(GSocket) client = g_socket_accept (server->listener, NULL, NULL);
  char buffer[4096];
  gboolean answered = FALSE;

  if (client == NULL)
    return NULL;
  g_socket_set_timeout (client, 10);
  for (;;)
    {
      gssize n = g_socket_receive (client, buffer, sizeof buffer, NULL, NULL);

      if (n <= 0)
        break;
      g_string_append_len (server->received, buffer, n);
      if (!answered && strstr (server->received->str, "<stream:stream") != NULL
          && strchr (strstr (server->received->str, "<stream:stream"), '>') != NULL)
        {
          answered = TRUE;
          g_socket_send (client, server->script, strlen (server->script), NULL, NULL);
          if (server->close_after)
            break;
        }
    }
  g_socket_close (client, NULL);
  return NULL;
}

static ScriptedServer *
scripted_server_new (const char *script,
                     gboolean    close_after)
{
  ScriptedServer *server = g_new0 (ScriptedServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  server->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                   G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (server->listener, address, TRUE, NULL));
  g_assert_true (g_socket_listen (server->listener, NULL));
  bound = g_socket_get_local_address (server->listener, NULL);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  server->script = g_strdup (script);
  server->close_after = close_after;
  server->received = g_string_new (NULL);
  server->thread = g_thread_new ("scripted-server", serve, server);
  return server;
}

static void
scripted_server_free (ScriptedServer *server)
{
  g_socket_close (server->listener, NULL);
  g_thread_join (server->thread);
  g_object_unref (server->listener);
  g_string_free (server->received, TRUE);
  g_free (server->script);
  g_free (server);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScriptedServer, scripted_server_free)

typedef struct {
  gboolean done;
  GError  *error;
} Result;

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Result *r = user_data;

  g_assert_false (confab_xmpp_stream_connect_finish (CONFAB_XMPP_STREAM (object), result, &r->error));
  r->done = TRUE;
}

/* Connects to the scripted server and returns the error the attempt ended
 * with; the stream is destroyed before returning so the server sees EOF. */
static GError *
connect_to_script (ScriptedServer *server)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse ("alice@confab.test", NULL);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (jid);
  Result r = { 0 };

  confab_xmpp_stream_set_host (stream, "127.0.0.1", server->port);
  confab_xmpp_stream_set_connect_timeout (stream, 10);
  confab_xmpp_stream_connect_async (stream, "hunter2-password", NULL, connected_cb, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (confab_xmpp_stream_get_state (stream), ==, CONFAB_XMPP_STREAM_STATE_DISCONNECTED);
  /* Let the last writes and the close complete, as the app's loop would. */
  g_clear_object (&stream);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return r.error;
}

static void
assert_nothing_secret_sent (ScriptedServer *server)
{
  g_assert_null (strstr (server->received->str, "<auth"));
  g_assert_null (strstr (server->received->str, "alice@"));
  g_assert_null (strstr (server->received->str, "hunter2"));
}

static void
wait_for_client_bytes (ScriptedServer *server,
                       const char     *needle)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* The server thread fills @received; give the client's last words time. */
  while (strstr (server->received->str, needle) == NULL && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

static void
test_no_starttls_offered (void)
{
  /* A downgrade: the features list has lost <starttls/>. The client must
   * stop rather than authenticate in the clear. */
  g_autoptr(ScriptedServer) server = scripted_server_new (
    HEADER "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>PLAIN</mechanism></mechanisms></stream:features>", FALSE);
  g_autoptr(GError) error = connect_to_script (server);

  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TLS_UNAVAILABLE);
  assert_nothing_secret_sent (server);
}

static void
test_starttls_refused (void)
{
  g_autoptr(ScriptedServer) server = scripted_server_new (
    HEADER "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
    "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", FALSE);
  g_autoptr(GError) error = connect_to_script (server);

  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TLS);
  assert_nothing_secret_sent (server);
}

static void
test_garbage_instead_of_tls (void)
{
  /* <proceed/> and then bytes that are no TLS handshake. */
  g_autoptr(ScriptedServer) server = scripted_server_new (
    HEADER "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
    "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
    "<message><body>injected before TLS</body></message>", TRUE);
  g_autoptr(GError) error = connect_to_script (server);

  g_assert_nonnull (error);
  g_assert_true (error->domain == CONFAB_XMPP_ERROR);
  g_assert_cmpint (error->code, ==, CONFAB_XMPP_ERROR_TLS);
  assert_nothing_secret_sent (server);
}

typedef struct {
  const char            *name;
  const char            *script;
  GQuark               (*domain) (void);
  int                    code;
  const char            *sent_condition;  /* stream error the client must send, or NULL */
  gboolean               close_after;     /* the server hangs up after its script */
} BadServerCase;

static const BadServerCase bad_server_cases[] = {
  { "dtd", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]>" HEADER,
    confab_xmpp_stream_error_quark, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML, "restricted-xml" },
  { "billion-laughs",
    "<?xml version='1.0'?><!DOCTYPE s [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
    "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>" HEADER
    "<stream:features>&d;&d;&d;&d;&d;&d;</stream:features>",
    confab_xmpp_stream_error_quark, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML, "restricted-xml" },
  { "comment", HEADER "<!-- hello --><stream:features/>",
    confab_xmpp_stream_error_quark, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML, "restricted-xml" },
  { "undefined-entity", HEADER "<stream:features>&nope;</stream:features>",
    confab_xmpp_stream_error_quark, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML, NULL },
  { "not-xml", "HTTP/1.1 400 Bad Request\r\n\r\n",
    confab_xmpp_stream_error_quark, CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED, "not-well-formed" },
  { "old-version",
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' from='confab.test' id='s1'>",
    confab_xmpp_error_quark, CONFAB_XMPP_ERROR_PROTOCOL, "unsupported-version" },
  { "stream-error", HEADER "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
    "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>who?</text></stream:error></stream:stream>",
    confab_xmpp_stream_error_quark, CONFAB_XMPP_STREAM_ERROR_HOST_UNKNOWN, NULL },
  { "stanza-before-features", HEADER "<message from='mallory@evil.test'><body>hi</body></message>",
    confab_xmpp_error_quark, CONFAB_XMPP_ERROR_PROTOCOL, NULL },
  { "closes-at-once", HEADER,
    confab_xmpp_error_quark, CONFAB_XMPP_ERROR_NETWORK, NULL, TRUE },
  { "wrong-root", "<?xml version='1.0'?><html xmlns='http://www.w3.org/1999/xhtml'>",
    confab_xmpp_stream_error_quark, CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE, "invalid-namespace" },
};

static void
test_bad_server (gconstpointer data)
{
  const BadServerCase *c = data;
  g_autoptr(ScriptedServer) server = scripted_server_new (c->script, c->close_after);
  g_autoptr(GError) error = connect_to_script (server);

  g_assert_nonnull (error);
  g_assert_cmpstr (g_quark_to_string (error->domain), ==, g_quark_to_string (c->domain ()));
  g_assert_cmpint (error->code, ==, c->code);
  if (c->sent_condition != NULL)
    {
      g_autofree char *expected = g_strdup_printf ("<%s xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>",
                                                   c->sent_condition);

      wait_for_client_bytes (server, expected);
      g_assert_nonnull (strstr (server->received->str, expected));
    }
  assert_nothing_secret_sent (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xmpp/hostile-server/no-starttls", test_no_starttls_offered);
  g_test_add_func ("/xmpp/hostile-server/starttls-refused", test_starttls_refused);
  g_test_add_func ("/xmpp/hostile-server/garbage-instead-of-tls", test_garbage_instead_of_tls);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_server_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/hostile-server/%s", bad_server_cases[i].name);

      g_test_add_data_func (path, &bad_server_cases[i], test_bad_server);
    }
  return g_test_run ();
}
