/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tests for the integration-test harness itself: the Prosody it starts (its
 * ports, TLS setup, accounts, cleanup) and the fault-injecting proxy. The
 * XMPP here is hand-written on plain GIO sockets on purpose, so these tests
 * do not depend on the client library they are meant to test.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "confab-test-proxy.h"
#include "confab-test-server.h"

#define IO_TIMEOUT_S 10
#define WAIT_TIMEOUT_MS 5000

static const char stream_header[] =
  "<?xml version='1.0'?>"
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
  " to='" CONFAB_TEST_DOMAIN "' version='1.0'>";

/* ---- main-context helpers ---------------------------------------------- */

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
socket_ready_cb (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context (where the proxy runs) until @socket
 * reports @condition or @timeout_ms pass. */
static gboolean
wait_for_socket (GSocket      *socket,
                 GIOCondition  condition,
                 guint         timeout_ms)
{
  gboolean ready = FALSE;
  gboolean timed_out = FALSE;
  GSource *source = g_socket_create_source (socket, condition | G_IO_HUP | G_IO_ERR, NULL);
  GSource *timeout = g_timeout_source_new (timeout_ms);

  g_source_set_callback (source, G_SOURCE_FUNC (socket_ready_cb), &ready, NULL);
  g_source_attach (source, NULL);
  g_source_set_callback (timeout, set_flag_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);

  while (!ready && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_source_destroy (source);
  g_source_unref (source);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  return ready;
}

/* Iterates the default main context for @ms milliseconds. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static GSocket *
socket_connect_loopback (guint16 port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  GSocket *socket;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

/* Receives what is there, waiting (and running the proxy) up to
 * @timeout_ms. Returns bytes read, 0 at EOF, -1 with @error. */
static gssize
receive_some (GSocket  *socket,
              guint8   *buffer,
              gsize     size,
              guint     timeout_ms,
              GError  **error)
{
  gssize n;

  if (!wait_for_socket (socket, G_IO_IN, timeout_ms))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "nothing to read");
      return -1;
    }
  n = g_socket_receive (socket, (char *) buffer, size, NULL, error);
  return n;
}

/* Sends @len bytes from @from and receives them at @to, running the main
 * context in between; checks they arrive intact and in order. */
static void
transfer (GSocket *from,
          GSocket *to,
          gsize    len)
{
  g_autofree guint8 *out = g_malloc (len);
  g_autofree guint8 *in = g_malloc (len);
  gsize sent = 0;
  gsize received = 0;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (gsize i = 0; i < len; i++)
    out[i] = (guint8) (i % 251);

  while (received < len)
    {
      g_autoptr(GError) error = NULL;
      gboolean progress = FALSE;
      gssize n;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);

      if (sent < len)
        {
          n = g_socket_send (from, (const char *) out + sent, len - sent, NULL, &error);
          if (n > 0)
            {
              sent += (gsize) n;
              progress = TRUE;
            }
          else
            g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
          g_clear_error (&error);
        }

      n = g_socket_receive (to, (char *) in + received, len - received, NULL, &error);
      if (n > 0)
        {
          received += (gsize) n;
          progress = TRUE;
        }
      else
        {
          g_assert_cmpint (n, !=, 0);  /* no EOF in the middle */
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
        }

      if (!progress)
        wait_for_socket (to, G_IO_IN, 100);
    }

  g_assert_true (memcmp (in, out, len) == 0);
}

/* Asserts that @socket sees the end of the connection (EOF or a reset). */
static void
assert_closed (GSocket *socket)
{
  guint8 buffer[256];
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_MS * 1000;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = receive_some (socket, buffer, sizeof buffer, WAIT_TIMEOUT_MS, &error);

      if (n == 0)
        return;
      if (n < 0)
        {
          g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            continue;
          g_test_message ("closed with: %s", error->message);
          return;
        }
      /* Bytes still in flight are fine; the end must follow. */
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

/* ---- proxy tests ------------------------------------------------------- */

typedef struct {
  GSocket         *backend_listener;
  guint16          backend_port;
  ConfabTestProxy *proxy;
  GSocket         *client;
  GSocket         *backend;  /* the proxy's upstream connection, accepted */
} ProxyFixture;

static GSocket *
accept_backend (ProxyFixture *f)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket;

  g_assert_true (wait_for_socket (f->backend_listener, G_IO_IN, WAIT_TIMEOUT_MS));
  socket = g_socket_accept (f->backend_listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

static void
proxy_fixture_set_up (ProxyFixture  *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  f->backend_listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (f->backend_listener, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (f->backend_listener, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (f->backend_listener, FALSE);
  bound = g_socket_get_local_address (f->backend_listener, &error);
  g_assert_no_error (error);
  f->backend_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  f->proxy = confab_test_proxy_new (f->backend_port, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->proxy);
  g_assert_cmpuint (confab_test_proxy_get_port (f->proxy), !=, 0);
  g_assert_cmpuint (confab_test_proxy_get_port (f->proxy), !=, f->backend_port);

  /* Every test starts with one forwarded connection. */
  f->client = socket_connect_loopback (confab_test_proxy_get_port (f->proxy));
  f->backend = accept_backend (f);
  g_assert_cmpuint (confab_test_proxy_get_n_accepted (f->proxy), ==, 1);
  g_assert_cmpuint (confab_test_proxy_get_n_open (f->proxy), ==, 1);
}

static void
proxy_fixture_tear_down (ProxyFixture  *f,
                         gconstpointer  data)
{
  g_clear_pointer (&f->proxy, confab_test_proxy_free);
  g_clear_object (&f->client);
  g_clear_object (&f->backend);
  g_clear_object (&f->backend_listener);
}

static void
test_proxy_forwards (ProxyFixture  *f,
                     gconstpointer  data)
{
  /* Small messages both ways, then more than the kernel and proxy buffers
   * hold, so partial writes and back-pressure are exercised. */
  transfer (f->client, f->backend, 5);
  transfer (f->backend, f->client, 7);
  transfer (f->client, f->backend, 1024 * 1024);
  transfer (f->backend, f->client, 1024 * 1024);
}

static void
test_proxy_half_close (ProxyFixture  *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[16];

  /* The client's FIN reaches the server, which can still answer. */
  g_socket_shutdown (f->client, FALSE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (receive_some (f->backend, buffer, sizeof buffer, WAIT_TIMEOUT_MS, &error), ==, 0);
  g_assert_no_error (error);
  transfer (f->backend, f->client, 100);

  /* The server's FIN then ends the connection. */
  g_socket_shutdown (f->backend, FALSE, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (receive_some (f->client, buffer, sizeof buffer, WAIT_TIMEOUT_MS, &error), ==, 0);
  g_assert_no_error (error);
  spin (50);
  g_assert_cmpuint (confab_test_proxy_get_n_open (f->proxy), ==, 0);
}

static void
test_proxy_cut (ProxyFixture  *f,
                gconstpointer  data)
{
  gint64 start;

  transfer (f->client, f->backend, 100);

  start = g_get_monotonic_time ();
  confab_test_proxy_cut (f->proxy);
  g_assert_cmpuint (confab_test_proxy_get_n_open (f->proxy), ==, 0);
  assert_closed (f->client);
  assert_closed (f->backend);
  /* Promptly, not after some TCP timeout. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  /* New connections are forwarded as before. */
  g_clear_object (&f->client);
  g_clear_object (&f->backend);
  f->client = socket_connect_loopback (confab_test_proxy_get_port (f->proxy));
  f->backend = accept_backend (f);
  transfer (f->client, f->backend, 10);
  g_assert_cmpuint (confab_test_proxy_get_n_accepted (f->proxy), ==, 2);
}

static void
test_proxy_stall_resume (ProxyFixture  *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[64];
  gssize n;

  confab_test_proxy_stall (f->proxy);
  g_socket_send (f->client, "held up", 7, NULL, &error);
  g_assert_no_error (error);
  g_socket_send (f->backend, "held down", 9, NULL, &error);
  g_assert_no_error (error);

  /* Nothing arrives while stalled, and the connection stays open. */
  n = receive_some (f->backend, buffer, sizeof buffer, 300, &error);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  n = receive_some (f->client, buffer, sizeof buffer, 100, &error);
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_clear_error (&error);
  g_assert_cmpuint (confab_test_proxy_get_n_open (f->proxy), ==, 1);

  confab_test_proxy_resume (f->proxy);
  n = receive_some (f->backend, buffer, sizeof buffer, WAIT_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, n, "held up", 7);
  n = receive_some (f->client, buffer, sizeof buffer, WAIT_TIMEOUT_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, n, "held down", 9);

  transfer (f->client, f->backend, 64 * 1024);
}

static void
test_proxy_rate (ProxyFixture  *f,
                 gconstpointer  data)
{
  const gsize rate = 20000;
  const gsize len = 10000;
  gint64 start;
  double elapsed;

  start = g_get_monotonic_time ();
  transfer (f->client, f->backend, len);
  elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_test_message ("unlimited: %zu bytes in %.3f s", len, elapsed);
  g_assert_cmpfloat (elapsed, <, 0.2);

  confab_test_proxy_set_rate (f->proxy, rate);
  start = g_get_monotonic_time ();
  transfer (f->client, f->backend, len);
  elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_test_message ("at %zu B/s: %zu bytes in %.3f s", rate, len, elapsed);
  /* 0.5 s at the rate; the bucket starts empty and holds at most 0.1 s. */
  g_assert_cmpfloat (elapsed, >=, 0.35);
  g_assert_cmpfloat (elapsed, <, 3.0);

  start = g_get_monotonic_time ();
  transfer (f->backend, f->client, len);
  elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_cmpfloat (elapsed, >=, 0.35);

  confab_test_proxy_set_rate (f->proxy, 0);
  start = g_get_monotonic_time ();
  transfer (f->client, f->backend, len);
  elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  g_assert_cmpfloat (elapsed, <, 0.2);
}

static void
test_proxy_refuse (ProxyFixture  *f,
                   gconstpointer  data)
{
  g_autoptr(GSocket) refused = NULL;
  g_autoptr(GSocket) accepted = NULL;

  confab_test_proxy_set_refuse (f->proxy, TRUE);
  refused = socket_connect_loopback (confab_test_proxy_get_port (f->proxy));
  assert_closed (refused);
  g_assert_cmpuint (confab_test_proxy_get_n_accepted (f->proxy), ==, 2);
  g_assert_cmpuint (confab_test_proxy_get_n_open (f->proxy), ==, 1);
  /* The server never saw it. */
  g_assert_false (wait_for_socket (f->backend_listener, G_IO_IN, 100));
  /* Existing connections are untouched. */
  transfer (f->client, f->backend, 10);

  confab_test_proxy_set_refuse (f->proxy, FALSE);
  accepted = socket_connect_loopback (confab_test_proxy_get_port (f->proxy));
  g_clear_object (&f->backend);
  g_clear_object (&f->client);
  f->client = g_steal_pointer (&accepted);
  f->backend = accept_backend (f);
  transfer (f->client, f->backend, 10);
}

static void
test_proxy_target_down (ProxyFixture  *f,
                        gconstpointer  data)
{
  g_autoptr(GSocket) client = NULL;

  /* With nothing listening upstream, the client is reset. */
  g_socket_close (f->backend_listener, NULL);
  client = socket_connect_loopback (confab_test_proxy_get_port (f->proxy));
  assert_closed (client);
}

static void
test_proxy_free_while_busy (ProxyFixture  *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) pending = NULL;

  /* Freeing with data held, a rate timer armed and a connection still
   * waiting for its upstream must neither leak nor crash later. */
  confab_test_proxy_set_rate (f->proxy, 10);
  g_socket_send (f->client, "slow bytes", 10, NULL, &error);
  g_assert_no_error (error);
  pending = socket_connect_loopback (confab_test_proxy_get_port (f->proxy));
  spin (50);
  g_clear_pointer (&f->proxy, confab_test_proxy_free);
  assert_closed (f->client);
  spin (50);
}

/* ---- server tests ------------------------------------------------------ */

typedef struct {
  ConfabTestServer *server;
  gint64            start_usec;
} ServerFixture;

static void
server_fixture_set_up (ServerFixture *f,
                       gconstpointer  data)
{
  const ConfabTestServerOptions *options = data;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  f->server = confab_test_server_start (options, &error);
  g_assert_no_error (error);
  f->start_usec = g_get_monotonic_time () - start;
  if (f->server != NULL)
    g_test_message ("server started in %.3f s", (double) f->start_usec / G_USEC_PER_SEC);
}

static void
server_fixture_tear_down (ServerFixture *f,
                          gconstpointer  data)
{
  g_clear_pointer (&f->server, confab_test_server_free);
}

/* Without Prosody the harness has already called g_test_skip(). */
static gboolean
skip_without_server (ServerFixture *f)
{
  return f->server == NULL;
}

static void
test_server_start (ServerFixture *f,
                   gconstpointer  data)
{
  ConfabTestServer *s = f->server;
  g_autofree char *log = NULL;

  if (skip_without_server (f))
    return;

  g_assert_cmpstr (confab_test_server_get_domain (s), ==, "confab.test");
  g_assert_cmpuint (confab_test_server_get_port (s), !=, 0);
  g_assert_cmpuint (confab_test_server_get_direct_tls_port (s), !=, 0);
  g_assert_cmpuint (confab_test_server_get_http_port (s), !=, 0);
  g_assert_cmpuint (confab_test_server_get_port (s), !=, confab_test_server_get_direct_tls_port (s));
  g_assert_cmpuint (confab_test_server_get_port (s), !=, confab_test_server_get_http_port (s));
  g_assert_true (g_file_test (confab_test_server_get_directory (s), G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (confab_test_server_get_ca_file (s), G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (confab_test_server_get_config_file (s), G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (confab_test_server_get_tls_database (s));
  g_assert_nonnull (confab_test_server_get_certificate (s));
  g_assert_cmpint (confab_test_server_get_pid (s), >, 0);

  log = confab_test_server_get_log (s);
  g_assert_nonnull (strstr (log, "Hello and welcome to Prosody"));
  /* Every configured module loaded cleanly. */
  if (strstr (log, "\terror\t") != NULL || strstr (log, "\twarn\t") != NULL)
    {
      g_test_message ("%s", log);
      g_test_fail_printf ("Prosody logged warnings or errors at startup");
    }
}

static void
test_server_ports_accept (ServerFixture *f,
                          gconstpointer  data)
{
  guint16 ports[3];

  if (skip_without_server (f))
    return;

  ports[0] = confab_test_server_get_port (f->server);
  ports[1] = confab_test_server_get_direct_tls_port (f->server);
  ports[2] = confab_test_server_get_http_port (f->server);
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_autoptr(GSocket) socket = socket_connect_loopback (ports[i]);
      g_assert_true (g_socket_is_connected (socket));
    }
}

/* Reads until the text read so far contains one of @needles (NULL-ended),
 * the stream ends or IO_TIMEOUT_S passes (through the socket timeout). */
static char *
read_until (GInputStream       *in,
            const char * const *needles)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n;

      for (guint i = 0; needles[i] != NULL; i++)
        if (strstr (text->str, needles[i]) != NULL)
          return g_string_free (g_steal_pointer (&text), FALSE);

      n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        {
          g_test_message ("received before EOF: %s", text->str);
          g_assert_not_reached ();
        }
      g_string_append_len (text, buffer, n);
    }
}

static void
write_text (GOutputStream *out,
            const char    *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

static GSocketConnection *
connect_server (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, IO_TIMEOUT_S);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* Wraps @base in TLS for CONFAB_TEST_DOMAIN, trusting @database, and
 * handshakes. Returns NULL with @error if the handshake fails. */
static GIOStream *
tls_handshake (GIOStream     *base,
               guint16        port,
               GTlsDatabase  *database,
               GError       **error)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (CONFAB_TEST_DOMAIN, port);
  g_autoptr(GIOStream) tls = NULL;

  tls = g_tls_client_connection_new (base, identity, error);
  if (tls == NULL)
    return NULL;
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return NULL;
  return g_steal_pointer (&tls);
}

/* Opens a stream over @stream and returns the text up to the end of the
 * stream features. */
static char *
open_stream (GIOStream *stream)
{
  const char * const features_end[] = { "</stream:features>", NULL };

  write_text (g_io_stream_get_output_stream (stream), stream_header);
  return read_until (g_io_stream_get_input_stream (stream), features_end);
}

/* A TLS stream on the direct TLS port, checked against the run's CA. */
static GIOStream *
connect_direct_tls (ConfabTestServer *server)
{
  guint16 port = confab_test_server_get_direct_tls_port (server);
  g_autoptr(GSocketConnection) tcp = connect_server (port);
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  tls = tls_handshake (G_IO_STREAM (tcp), port, confab_test_server_get_tls_database (server), &error);
  g_assert_no_error (error);
  return tls;
}

static void
test_server_starttls_features (ServerFixture *f,
                               gconstpointer  data)
{
  const char * const proceed[] = { "<proceed", "<failure", NULL };
  guint16 port;
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *features = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *secure_features = NULL;

  if (skip_without_server (f))
    return;

  port = confab_test_server_get_port (f->server);
  tcp = connect_server (port);
  features = open_stream (G_IO_STREAM (tcp));
  g_test_message ("plain features: %s", features);
  g_assert_nonnull (strstr (features, "<starttls"));
  g_assert_nonnull (strstr (features, "urn:ietf:params:xml:ns:xmpp-tls"));
  /* c2s_require_encryption: TLS is required and nothing else is offered. */
  g_assert_nonnull (strstr (features, "<required"));
  g_assert_null (strstr (features, "<mechanism>"));

  write_text (g_io_stream_get_output_stream (G_IO_STREAM (tcp)),
              "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  answer = read_until (g_io_stream_get_input_stream (G_IO_STREAM (tcp)), proceed);
  g_assert_nonnull (strstr (answer, "<proceed"));

  tls = tls_handshake (G_IO_STREAM (tcp), port,
                       confab_test_server_get_tls_database (f->server), &error);
  g_assert_no_error (error);
  secure_features = open_stream (tls);
  g_test_message ("features after STARTTLS: %s", secure_features);
  g_assert_nonnull (strstr (secure_features, "<mechanism>PLAIN</mechanism>"));
  g_assert_nonnull (strstr (secure_features, "<mechanism>SCRAM-SHA-1</mechanism>"));
}

static void
test_server_direct_tls (ServerFixture *f,
                        gconstpointer  data)
{
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *features = NULL;
  GTlsCertificate *peer;

  if (skip_without_server (f))
    return;

  tls = connect_direct_tls (f->server);
  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (tls));
  g_assert_nonnull (peer);
  g_assert_true (g_tls_certificate_is_same (peer, confab_test_server_get_certificate (f->server)));
  g_assert_cmpint (g_tls_connection_get_protocol_version (G_TLS_CONNECTION (tls)), ==,
                   G_TLS_PROTOCOL_VERSION_TLS_1_3);

  features = open_stream (tls);
  g_test_message ("direct TLS features: %s", features);
  g_assert_null (strstr (features, "<starttls"));
  g_assert_nonnull (strstr (features, "<mechanism>PLAIN</mechanism>"));
  g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-1</mechanism>"));
}

static void
test_server_tls_identity (ServerFixture *f,
                          gconstpointer  data)
{
  guint16 port;
  g_autoptr(GSocketConnection) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  const struct {
    const char           *name;
    GTlsCertificateFlags  flags;
  } identities[] = {
    { "confab.test", 0 },
    { "conference.confab.test", 0 },
    { "upload.confab.test", 0 },
    { "127.0.0.1", G_TLS_CERTIFICATE_BAD_IDENTITY },
    { "localhost", G_TLS_CERTIFICATE_BAD_IDENTITY },
    { "example.org", G_TLS_CERTIFICATE_BAD_IDENTITY },
  };
  g_autoptr(GError) error = NULL;
  GTlsDatabase *system;

  if (skip_without_server (f))
    return;

  port = confab_test_server_get_direct_tls_port (f->server);

  /* The system's trust store does not know the run's CA. */
  system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  tcp = connect_server (port);
  tls = tls_handshake (G_IO_STREAM (tcp), port, system, &error);
  g_assert_null (tls);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);
  g_object_unref (system);

  /* The certificate names the XMPP domain and its components, never the
   * address we dial. */
  for (guint i = 0; i < G_N_ELEMENTS (identities); i++)
    {
      g_autoptr(GSocketConnectable) identity = g_network_address_new (identities[i].name, port);
      GTlsCertificateFlags flags;

      flags = g_tls_database_verify_chain (confab_test_server_get_tls_database (f->server),
                                           confab_test_server_get_certificate (f->server),
                                           G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                           identity, NULL, G_TLS_DATABASE_VERIFY_NONE,
                                           NULL, &error);
      g_assert_no_error (error);
      g_test_message ("%s: flags 0x%x", identities[i].name, flags);
      g_assert_cmpint (flags, ==, identities[i].flags);
    }
}

static const ConfabTestServerOptions tls12_options = { .tls12_only = TRUE };

static void
test_server_tls12_only (ServerFixture *f,
                        gconstpointer  data)
{
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *features = NULL;

  if (skip_without_server (f))
    return;

  tls = connect_direct_tls (f->server);
  g_assert_cmpint (g_tls_connection_get_protocol_version (G_TLS_CONNECTION (tls)), ==,
                   G_TLS_PROTOCOL_VERSION_TLS_1_2);
  features = open_stream (tls);
  g_test_message ("TLS 1.2 features: %s", features);
  /* Prosody 0.12 binds SCRAM to tls-unique, which only TLS 1.2 has. */
  g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-1-PLUS</mechanism>"));
}

static const char * const no_plain[] = { "PLAIN", "SCRAM-SHA-1", NULL };
static const ConfabTestServerOptions no_plain_options = { .disabled_mechanisms = no_plain };

static void
test_server_disabled_mechanisms (ServerFixture *f,
                                 gconstpointer  data)
{
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *features = NULL;

  if (skip_without_server (f))
    return;

  tls = connect_direct_tls (f->server);
  features = open_stream (tls);
  g_test_message ("features: %s", features);
  g_assert_null (strstr (features, "<mechanism>PLAIN</mechanism>"));
  g_assert_null (strstr (features, "<mechanism>SCRAM-SHA-1</mechanism>"));
  g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-256</mechanism>"));
}

/* Authenticates with SASL PLAIN over direct TLS; TRUE on <success/>. */
static gboolean
auth_plain (ConfabTestServer *server,
            const char       *localpart,
            const char       *password)
{
  const char * const outcome[] = { "<success", "<failure", NULL };
  g_autoptr(GIOStream) tls = connect_direct_tls (server);
  g_autoptr(GString) credentials = g_string_new (NULL);
  g_autofree char *features = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *answer = NULL;

  features = open_stream (tls);
  /* RFC 4616: [authzid] NUL authcid NUL passwd */
  g_string_append_c (credentials, '\0');
  g_string_append (credentials, localpart);
  g_string_append_c (credentials, '\0');
  g_string_append (credentials, password);
  encoded = g_base64_encode ((const guchar *) credentials->str, credentials->len);
  auth = g_strdup_printf ("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>",
                          encoded);
  write_text (g_io_stream_get_output_stream (tls), auth);
  answer = read_until (g_io_stream_get_input_stream (tls), outcome);
  return strstr (answer, "<success") != NULL;
}

static void
test_server_create_account (ServerFixture *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start;

  if (skip_without_server (f))
    return;

  g_assert_false (auth_plain (f->server, "alice", "wonderland"));

  start = g_get_monotonic_time ();
  g_assert_true (confab_test_server_create_account (f->server, "alice", "wonderland", &error));
  g_assert_no_error (error);
  g_test_message ("account created in %.3f s",
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  g_assert_true (auth_plain (f->server, "alice", "wonderland"));
  g_assert_false (auth_plain (f->server, "alice", "looking-glass"));

  /* Creating it again succeeds and replaces the password. */
  g_assert_true (confab_test_server_create_account (f->server, "alice", "looking-glass", &error));
  g_assert_no_error (error);
  g_assert_true (auth_plain (f->server, "alice", "looking-glass"));
  g_assert_false (auth_plain (f->server, "alice", "wonderland"));

  /* Passwords with awkward characters go through argv unharmed. */
  g_assert_true (confab_test_server_create_account (f->server, "bob", "p a\"s's;$(x)", &error));
  g_assert_no_error (error);
  g_assert_true (auth_plain (f->server, "bob", "p a\"s's;$(x)"));

  /* An invalid localpart is an error. */
  g_assert_false (confab_test_server_create_account (f->server, "in valid@", "x", &error));
  g_assert_nonnull (error);
  g_test_message ("invalid localpart: %s", error->message);
}

static void
test_server_stop (void)
{
  g_autoptr(GError) error = NULL;
  ConfabTestServer *server = confab_test_server_start (NULL, &error);
  g_autofree char *dir = NULL;
  GPid pid;
  gint64 start;

  g_assert_no_error (error);
  if (server == NULL)
    return;

  dir = g_strdup (confab_test_server_get_directory (server));
  pid = confab_test_server_get_pid (server);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, 0), ==, 0);

  start = g_get_monotonic_time ();
  confab_test_server_free (server);
  g_test_message ("server stopped in %.3f s",
                  (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

/* Where the subprocess of dies-with-test-process reports its server. */
static char *
trap_report_path (pid_t parent)
{
  g_autofree char *name = g_strdup_printf ("confab-harness-trap-%d.txt", (int) parent);

  return g_build_filename (g_get_tmp_dir (), name, NULL);
}

static void
test_server_dies_with_test (void)
{
  g_autofree char *report = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  const char *dir = NULL;
  GPid pid = 0;
  gint64 deadline;

  if (g_test_subprocess ())
    {
      ConfabTestServer *server = confab_test_server_start (NULL, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      report = trap_report_path (getppid ());
      if (server == NULL)
        {
          g_file_set_contents (report, "SKIP\n", -1, NULL);
          return;
        }
      text = g_strdup_printf ("DIR=%s\nPID=%d\n", confab_test_server_get_directory (server),
                              (int) confab_test_server_get_pid (server));
      g_file_set_contents (report, text, -1, &error);
      g_assert_no_error (error);
      /* Like a failed assertion: abort without freeing the server. */
      abort ();
    }

  report = trap_report_path (getpid ());
  g_unlink (report);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_file_get_contents (report, &contents, NULL, &error);
  g_assert_no_error (error);
  g_unlink (report);
  if (g_str_equal (contents, "SKIP\n"))
    {
      g_test_skip ("prosody not installed");
      return;
    }
  g_test_trap_assert_failed ();
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "DIR="))
        dir = lines[i] + 4;
      else if (g_str_has_prefix (lines[i], "PID="))
        pid = (GPid) g_ascii_strtoll (lines[i] + 4, NULL, 10);
    }
  g_assert_nonnull (dir);
  g_assert_cmpint (pid, >, 0);

  /* The supervisor gets SIGTERM when its parent dies, stops Prosody and
   * removes the directory. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_file_test (dir, G_FILE_TEST_EXISTS) || kill (pid, 0) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20 * 1000);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/harness/proxy/forwards", ProxyFixture, NULL,
              proxy_fixture_set_up, test_proxy_forwards, proxy_fixture_tear_down);
  g_test_add ("/harness/proxy/half-close", ProxyFixture, NULL,
              proxy_fixture_set_up, test_proxy_half_close, proxy_fixture_tear_down);
  g_test_add ("/harness/proxy/cut", ProxyFixture, NULL,
              proxy_fixture_set_up, test_proxy_cut, proxy_fixture_tear_down);
  g_test_add ("/harness/proxy/stall-resume", ProxyFixture, NULL,
              proxy_fixture_set_up, test_proxy_stall_resume, proxy_fixture_tear_down);
  g_test_add ("/harness/proxy/rate", ProxyFixture, NULL,
              proxy_fixture_set_up, test_proxy_rate, proxy_fixture_tear_down);
  g_test_add ("/harness/proxy/refuse", ProxyFixture, NULL,
              proxy_fixture_set_up, test_proxy_refuse, proxy_fixture_tear_down);
  g_test_add ("/harness/proxy/target-down", ProxyFixture, NULL,
              proxy_fixture_set_up, test_proxy_target_down, proxy_fixture_tear_down);
  g_test_add ("/harness/proxy/free-while-busy", ProxyFixture, NULL,
              proxy_fixture_set_up, test_proxy_free_while_busy, proxy_fixture_tear_down);

  g_test_add ("/harness/server/start", ServerFixture, NULL,
              server_fixture_set_up, test_server_start, server_fixture_tear_down);
  g_test_add ("/harness/server/ports-accept", ServerFixture, NULL,
              server_fixture_set_up, test_server_ports_accept, server_fixture_tear_down);
  g_test_add ("/harness/server/starttls-features", ServerFixture, NULL,
              server_fixture_set_up, test_server_starttls_features, server_fixture_tear_down);
  g_test_add ("/harness/server/direct-tls", ServerFixture, NULL,
              server_fixture_set_up, test_server_direct_tls, server_fixture_tear_down);
  g_test_add ("/harness/server/tls-identity", ServerFixture, NULL,
              server_fixture_set_up, test_server_tls_identity, server_fixture_tear_down);
  g_test_add ("/harness/server/tls12-only", ServerFixture, &tls12_options,
              server_fixture_set_up, test_server_tls12_only, server_fixture_tear_down);
  g_test_add ("/harness/server/disabled-mechanisms", ServerFixture, &no_plain_options,
              server_fixture_set_up, test_server_disabled_mechanisms, server_fixture_tear_down);
  g_test_add ("/harness/server/create-account", ServerFixture, NULL,
              server_fixture_set_up, test_server_create_account, server_fixture_tear_down);
  g_test_add_func ("/harness/server/stop", test_server_stop);
  g_test_add_func ("/harness/server/dies-with-test-process", test_server_dies_with_test);

  return g_test_run ();
}
