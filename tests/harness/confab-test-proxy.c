/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A fault-injecting TCP proxy for integration tests.
 *
 * Every accepted connection gets an upstream connection to 127.0.0.1:target
 * and two pumps (client→server, server→client). A pump reads into its
 * buffer, then writes the buffer out, then reads again, so at most one buffer
 * per direction is held. Stalling stops pumps from starting reads and writes;
 * rate limiting hands out write budget from a token bucket refilled over time,
 * and waits on a timer source when the bucket is empty.
 *
 * Every asynchronous operation holds a reference on its connection and is
 * cancelled when the connection closes. confab_test_proxy_free() closes all
 * connections and iterates the main context until their cancelled callbacks
 * have run, so nothing is left pending and nothing runs after it returns.
 */

#include "confab-test-proxy.h"

#include <string.h>
#include <sys/socket.h>

#define PUMP_BUFFER_SIZE (16 * 1024)
#define CONNECT_TIMEOUT_S 5
/* Bounds how long confab_test_proxy_free() waits for cancelled operations. */
#define FREE_TIMEOUT_MS 2000

typedef struct _Conn Conn;

typedef struct
{
  Conn          *conn;      /* unowned: the pump is part of the connection */
  GInputStream  *in;        /* unowned, from the connections */
  GOutputStream *out;
  GSocket       *out_socket;
  guint8        *buffer;
  gsize          start;     /* bytes [start, end) are waiting to be written */
  gsize          end;
  gboolean       reading;
  gboolean       writing;
  gboolean       eof;       /* the reader saw end of stream */
  gboolean       done;      /* EOF was passed on (write side shut down) */
  double         tokens;
  gint64         refilled_at;
  GSource       *timer;
} Pump;

struct _Conn
{
  gatomicrefcount    ref_count;
  ConfabTestProxy   *proxy;  /* NULL once the proxy is gone */
  GCancellable      *cancellable;
  GSocketConnection *client;
  GSocketConnection *upstream;
  Pump               up;     /* client → server */
  Pump               down;   /* server → client */
  gboolean           closed;
};

struct _ConfabTestProxy
{
  GMainContext    *context;
  GSocketService  *service;
  gulong           incoming_id;
  guint16          port;
  guint16          target_port;
  GSocketClient   *connector;
  GList           *open;     /* Conn, owned: connections being forwarded */
  GList           *live;     /* Conn, unowned: every connection not yet freed */
  guint            n_accepted;
  gboolean         stalled;
  gboolean         refuse;
  gsize            rate;     /* bytes per second and direction, 0: unlimited */
};

static void pump_kick (Pump *pump);

static Conn *
conn_ref (Conn *conn)
{
  g_atomic_ref_count_inc (&conn->ref_count);
  return conn;
}

static void
pump_stop_timer (Pump *pump)
{
  if (pump->timer != NULL)
    {
      g_source_destroy (pump->timer);
      g_clear_pointer (&pump->timer, g_source_unref);
    }
}

static void
conn_unref (Conn *conn)
{
  if (!g_atomic_ref_count_dec (&conn->ref_count))
    return;

  if (conn->proxy != NULL)
    conn->proxy->live = g_list_remove (conn->proxy->live, conn);
  /* Only now: a cancelled operation may still refer to the buffers. */
  pump_stop_timer (&conn->up);
  pump_stop_timer (&conn->down);
  g_clear_pointer (&conn->up.buffer, g_free);
  g_clear_pointer (&conn->down.buffer, g_free);
  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->client);
  g_clear_object (&conn->upstream);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_unref)

/* SO_LINGER with a zero timeout makes close() send RST instead of FIN, and
 * discards unsent data: the peer sees ECONNRESET (or EOF, if it had already
 * been reading past the reset), right away. */
static void
socket_close_abortive (GSocket *socket)
{
  struct linger linger = { .l_onoff = 1, .l_linger = 0 };

  if (g_socket_is_closed (socket))
    return;
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (socket, NULL);
}

static void
connection_close (GSocketConnection *connection,
                  gboolean           abortive)
{
  GSocket *socket;

  if (connection == NULL)
    return;
  socket = g_socket_connection_get_socket (connection);
  if (abortive)
    socket_close_abortive (socket);
  else
    g_socket_close (socket, NULL);
}

/* Stops forwarding: cancels pending operations (their callbacks drop their
 * references) and closes both sockets. */
static void
conn_close (Conn     *conn,
            gboolean  abortive)
{
  ConfabTestProxy *proxy = conn->proxy;
  GList *link;

  if (conn->closed)
    return;
  conn->closed = TRUE;

  g_cancellable_cancel (conn->cancellable);
  pump_stop_timer (&conn->up);
  pump_stop_timer (&conn->down);
  connection_close (conn->client, abortive);
  connection_close (conn->upstream, abortive);

  if (proxy != NULL && (link = g_list_find (proxy->open, conn)) != NULL)
    {
      proxy->open = g_list_delete_link (proxy->open, link);
      conn_unref (conn);
    }
}

static gboolean
pump_timer_cb (gpointer user_data)
{
  Pump *pump = user_data;

  g_clear_pointer (&pump->timer, g_source_unref);
  pump_kick (pump);
  return G_SOURCE_REMOVE;
}

/* Token bucket: the budget grows by rate bytes per second, up to a tenth of
 * a second's worth (at least one byte), so a stalled-then-resumed or idle
 * connection cannot burst far past the rate. */
static gsize
pump_take_budget (Pump  *pump,
                  gsize  wanted)
{
  gsize rate = pump->conn->proxy->rate;
  double burst = MAX ((double) rate / 10.0, 1.0);
  gint64 now = g_get_monotonic_time ();
  gsize granted;

  pump->tokens += (double) (now - pump->refilled_at) * (double) rate / G_USEC_PER_SEC;
  pump->tokens = MIN (pump->tokens, burst);
  pump->refilled_at = now;

  if (pump->tokens < 1.0)
    {
      /* Sleep until a useful amount (up to a burst) is available. */
      double needed = MIN ((double) wanted, burst) - pump->tokens;
      guint ms = (guint) MAX (1.0, needed * 1000.0 / (double) rate);

      pump->timer = g_timeout_source_new (ms);
      g_source_set_callback (pump->timer, pump_timer_cb, pump, NULL);
      g_source_set_static_name (pump->timer, "[confab-test-proxy] rate");
      g_source_attach (pump->timer, pump->conn->proxy->context);
      return 0;
    }

  granted = MIN (wanted, (gsize) pump->tokens);
  pump->tokens -= (double) granted;
  return granted;
}

static void
pump_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pump *pump = user_data;
  g_autoptr(Conn) conn = pump->conn;  /* the reference taken for this call */
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_output_stream_write_finish (G_OUTPUT_STREAM (object), result, &error);
  if (conn->closed || conn->proxy == NULL)
    return;
  pump->writing = FALSE;
  if (n < 0)
    {
      /* The receiver went away: pass the failure on as abruptly. */
      conn_close (conn, TRUE);
      return;
    }
  pump->start += (gsize) n;
  if (pump->start == pump->end)
    pump->start = pump->end = 0;
  pump_kick (pump);
}

static void
pump_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pump *pump = user_data;
  g_autoptr(Conn) conn = pump->conn;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (conn->closed || conn->proxy == NULL)
    return;
  pump->reading = FALSE;
  if (n < 0)
    {
      conn_close (conn, TRUE);
      return;
    }
  if (n == 0)
    pump->eof = TRUE;
  else
    {
      pump->start = 0;
      pump->end = (gsize) n;
    }
  pump_kick (pump);
}

/* Starts whatever the pump should do next, if anything. */
static void
pump_kick (Pump *pump)
{
  Conn *conn = pump->conn;
  ConfabTestProxy *proxy = conn->proxy;

  if (conn->closed || proxy == NULL || conn->upstream == NULL)
    return;
  if (pump->reading || pump->writing || pump->timer != NULL || pump->done)
    return;
  if (proxy->stalled)
    return;

  if (pump->start < pump->end)
    {
      gsize n = pump->end - pump->start;

      if (proxy->rate > 0 && (n = pump_take_budget (pump, n)) == 0)
        return;
      pump->writing = TRUE;
      conn_ref (conn);
      g_output_stream_write_async (pump->out, pump->buffer + pump->start, n,
                                   G_PRIORITY_DEFAULT, conn->cancellable,
                                   pump_written_cb, pump);
    }
  else if (pump->eof)
    {
      /* Pass the half-close on; the connection ends when both directions
       * have ended. */
      pump->done = TRUE;
      g_socket_shutdown (pump->out_socket, FALSE, TRUE, NULL);
      if (conn->up.done && conn->down.done)
        conn_close (conn, FALSE);
    }
  else
    {
      pump->reading = TRUE;
      conn_ref (conn);
      g_input_stream_read_async (pump->in, pump->buffer, PUMP_BUFFER_SIZE,
                                 G_PRIORITY_DEFAULT, conn->cancellable,
                                 pump_read_cb, pump);
    }
}

static void
pump_init (Pump              *pump,
           Conn              *conn,
           GSocketConnection *from,
           GSocketConnection *to)
{
  pump->conn = conn;
  pump->in = g_io_stream_get_input_stream (G_IO_STREAM (from));
  pump->out = g_io_stream_get_output_stream (G_IO_STREAM (to));
  pump->out_socket = g_socket_connection_get_socket (to);
  pump->buffer = g_malloc (PUMP_BUFFER_SIZE);
  pump->refilled_at = g_get_monotonic_time ();
}

static void
upstream_connected_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(Conn) conn = user_data;
  g_autoptr(GError) error = NULL;
  GSocketConnection *upstream;

  upstream = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (conn->closed || conn->proxy == NULL)
    {
      if (upstream != NULL)
        {
          connection_close (upstream, TRUE);
          g_object_unref (upstream);
        }
      return;
    }
  if (upstream == NULL)
    {
      /* The target is down: the client sees a reset, as if refused. */
      conn_close (conn, TRUE);
      return;
    }

  conn->upstream = upstream;
  pump_init (&conn->up, conn, conn->client, conn->upstream);
  pump_init (&conn->down, conn, conn->upstream, conn->client);
  pump_kick (&conn->up);
  pump_kick (&conn->down);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  ConfabTestProxy *self = user_data;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) target = NULL;
  Conn *conn;

  self->n_accepted++;

  if (self->refuse)
    {
      socket_close_abortive (g_socket_connection_get_socket (connection));
      return TRUE;
    }

  conn = g_new0 (Conn, 1);
  g_atomic_ref_count_init (&conn->ref_count);  /* owned by self->open */
  conn->proxy = self;
  conn->cancellable = g_cancellable_new ();
  conn->client = g_object_ref (connection);
  self->open = g_list_prepend (self->open, conn);
  self->live = g_list_prepend (self->live, conn);

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  target = g_inet_socket_address_new (loopback, self->target_port);
  g_socket_client_connect_async (self->connector, G_SOCKET_CONNECTABLE (target),
                                 conn->cancellable, upstream_connected_cb,
                                 conn_ref (conn));
  return TRUE;
}

ConfabTestProxy *
confab_test_proxy_new (guint16   target_port,
                       GError  **error)
{
  ConfabTestProxy *self;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocketService) service = g_socket_service_new ();

  g_return_val_if_fail (target_port != 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), any,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &bound, error))
    return NULL;

  self = g_new0 (ConfabTestProxy, 1);
  self->context = g_main_context_ref_thread_default ();
  self->service = g_steal_pointer (&service);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->target_port = target_port;
  self->connector = g_socket_client_new ();
  g_socket_client_set_timeout (self->connector, CONNECT_TIMEOUT_S);

  self->incoming_id = g_signal_connect (self->service, "incoming",
                                        G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  return self;
}

static gboolean
free_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
confab_test_proxy_free (ConfabTestProxy *self)
{
  GSource *timeout;
  gboolean timed_out = FALSE;

  if (self == NULL)
    return;

  g_clear_signal_handler (&self->incoming_id, self->service);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));

  while (self->open != NULL)
    conn_close (self->open->data, TRUE);

  /* Let the cancelled operations report back and drop their references. */
  timeout = g_timeout_source_new (FREE_TIMEOUT_MS);
  g_source_set_callback (timeout, free_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, self->context);
  while (self->live != NULL && !timed_out)
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);

  /* Anything still pending must not touch the proxy any more. */
  for (GList *l = self->live; l != NULL; l = l->next)
    ((Conn *) l->data)->proxy = NULL;
  g_list_free (self->live);

  g_clear_object (&self->service);
  g_clear_object (&self->connector);
  /* The service's own cancelled accept completes in an idle callback. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_unref (self->context);
  g_free (self);
}

guint16
confab_test_proxy_get_port (ConfabTestProxy *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->port;
}

/* Closes with RST on both sides (SO_LINGER 0): the client sees ECONNRESET
 * promptly, like a connection lost in the network, and bytes not yet
 * forwarded are dropped. */
void
confab_test_proxy_cut (ConfabTestProxy *self)
{
  g_return_if_fail (self != NULL);

  while (self->open != NULL)
    conn_close (self->open->data, TRUE);
}

static void
kick_all (ConfabTestProxy *self)
{
  for (GList *l = self->open; l != NULL; l = l->next)
    {
      Conn *conn = l->data;

      pump_kick (&conn->up);
      pump_kick (&conn->down);
    }
}

/* Reads already in flight may still complete; their bytes are held in the
 * buffer, not written on. */
void
confab_test_proxy_stall (ConfabTestProxy *self)
{
  g_return_if_fail (self != NULL);

  self->stalled = TRUE;
}

void
confab_test_proxy_resume (ConfabTestProxy *self)
{
  g_return_if_fail (self != NULL);

  self->stalled = FALSE;
  kick_all (self);
}

void
confab_test_proxy_set_rate (ConfabTestProxy *self,
                            gsize            bytes_per_second)
{
  gint64 now = g_get_monotonic_time ();

  g_return_if_fail (self != NULL);

  self->rate = bytes_per_second;
  for (GList *l = self->open; l != NULL; l = l->next)
    {
      Conn *conn = l->data;
      Pump *pumps[] = { &conn->up, &conn->down };

      for (guint i = 0; i < G_N_ELEMENTS (pumps); i++)
        {
          pump_stop_timer (pumps[i]);
          pumps[i]->tokens = 0;
          pumps[i]->refilled_at = now;
        }
    }
  kick_all (self);
}

guint
confab_test_proxy_get_n_accepted (ConfabTestProxy *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_accepted;
}

guint
confab_test_proxy_get_n_open (ConfabTestProxy *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_list_length (self->open);
}

void
confab_test_proxy_set_refuse (ConfabTestProxy *self,
                              gboolean         refuse)
{
  g_return_if_fail (self != NULL);

  self->refuse = !!refuse;
}
