/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-connector.h"

#include "confab-xmpp-error.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#define DEFAULT_PORT            5222  /* RFC 6120 §3.2.2 fallback */
#define DEFAULT_DIRECT_TLS_PORT 5223
#define DEFAULT_ATTEMPT_TIMEOUT 15

void
confab_xmpp_target_free (ConfabXmppTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->host);
  g_free (target);
}

static ConfabXmppTarget *
target_new (const char *host,
            guint16     port,
            gboolean    direct_tls)
{
  ConfabXmppTarget *target = g_new0 (ConfabXmppTarget, 1);

  target->host = g_strdup (host);
  target->port = port;
  target->direct_tls = direct_tls;
  return target;
}

/* RFC 2782: a single target of "." says the service is not offered. */
static gboolean
service_declined (GList *targets)
{
  return targets != NULL && targets->next == NULL
         && g_strcmp0 (g_srv_target_get_hostname (targets->data), ".") == 0;
}

GPtrArray *
confab_xmpp_connector_order_targets (GList *xmpps_targets,
                                     GList *xmpp_targets)
{
  GPtrArray *ordered = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_target_free);
  GList *tls = service_declined (xmpps_targets) ? NULL : xmpps_targets;
  GList *plain = service_declined (xmpp_targets) ? NULL : xmpp_targets;

  /* XEP-0368 §3: the two answers are merged by priority. On a tie we try
   * Direct TLS first, as it saves the STARTTLS round trips. Each list keeps
   * GResolver's weighted order (RFC 2782) within a priority. */
  while (tls != NULL || plain != NULL)
    {
      GList **from;
      GSrvTarget *srv;

      if (plain == NULL)
        from = &tls;
      else if (tls == NULL)
        from = &plain;
      else if (g_srv_target_get_priority (tls->data) <= g_srv_target_get_priority (plain->data))
        from = &tls;
      else
        from = &plain;

      srv = (*from)->data;
      if (g_strcmp0 (g_srv_target_get_hostname (srv), ".") != 0)
        g_ptr_array_add (ordered, target_new (g_srv_target_get_hostname (srv),
                                              g_srv_target_get_port (srv),
                                              from == &tls));
      *from = (*from)->next;
    }
  return ordered;
}

typedef struct {
  char            *domain;
  guint            attempt_timeout;
  GPtrArray       *targets;       /* ConfabXmppTarget */
  guint            next_target;
  GList           *xmpps_answer;  /* GSrvTarget, while both lookups run */
  GList           *xmpp_answer;
  guint            lookups_left;
  GSocketClient   *client;
  GCancellable    *attempt_cancellable;
  gulong           attempt_cancel_handler;
  guint            attempt_timeout_id;
  gboolean         attempt_timed_out;
  /* What went wrong so far, to report the most telling failure. */
  guint            n_refused;
  guint            n_not_found;
  guint            n_timed_out;
  GError          *last_error;
  gboolean         connected_direct_tls;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_free (data->domain);
  g_clear_pointer (&data->targets, g_ptr_array_unref);
  g_list_free_full (data->xmpps_answer, (GDestroyNotify) g_srv_target_free);
  g_list_free_full (data->xmpp_answer, (GDestroyNotify) g_srv_target_free);
  g_clear_object (&data->client);
  g_clear_object (&data->attempt_cancellable);
  g_clear_handle_id (&data->attempt_timeout_id, g_source_remove);
  g_clear_error (&data->last_error);
  g_free (data);
}

static void try_next_target (GTask *task);

/* Cancels @target when the cancellable it is connected to fires. */
static void
forward_cancel_cb (GCancellable *source,
                   GCancellable *target)
{
  g_cancellable_cancel (target);
}


static GError *
summarize_failure (ConnectData *data)
{
  guint n = data->targets->len;

  if (n > 0 && data->n_not_found == n)
    return g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_HOST_NOT_FOUND,
                        "The server of “%s” could not be found", data->domain);
  if (data->n_refused > 0)
    return g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CONNECTION_REFUSED,
                        "The server of “%s” refused the connection", data->domain);
  if (data->n_timed_out > 0)
    return g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TIMEOUT,
                        "The server of “%s” did not answer", data->domain);
  return g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NETWORK,
                      "Could not connect to the server of “%s”: %s", data->domain,
                      data->last_error != NULL ? data->last_error->message : "no address");
}

static gboolean
attempt_timeout_cb (gpointer user_data)
{
  ConnectData *data = user_data;

  data->attempt_timeout_id = 0;
  data->attempt_timed_out = TRUE;
  g_cancellable_cancel (data->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);
  g_clear_handle_id (&data->attempt_timeout_id, g_source_remove);
  if (data->attempt_cancel_handler != 0)
    g_cancellable_disconnect (g_task_get_cancellable (task), data->attempt_cancel_handler);
  data->attempt_cancel_handler = 0;
  g_clear_object (&data->attempt_cancellable);

  if (connection != NULL)
    {
      ConfabXmppTarget *target = g_ptr_array_index (data->targets, data->next_target - 1);

      /* Stanzas are small and interactive: without this, Nagle's algorithm
       * and delayed ACKs add tens of milliseconds to every login step. */
      g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, 1, NULL);

      data->connected_direct_tls = target->direct_tls;
      g_task_return_pointer (task, connection, g_object_unref);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (data->attempt_timed_out)
    data->n_timed_out++;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    data->n_refused++;
  else if (error->domain == G_RESOLVER_ERROR
           || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND))
    data->n_not_found++;
  g_debug ("Connecting to target %u failed: %s", data->next_target, error->message);
  g_clear_error (&data->last_error);
  data->last_error = g_steal_pointer (&error);
  try_next_target (g_steal_pointer (&task));
}

static void
try_next_target (GTask *task)
{
  ConnectData *data = g_task_get_task_data (task);
  ConfabXmppTarget *target;

  if (data->next_target >= data->targets->len)
    {
      g_task_return_error (task, summarize_failure (data));
      g_object_unref (task);
      return;
    }

  target = g_ptr_array_index (data->targets, data->next_target++);
  g_debug ("Connecting to %s:%u (%s)", target->host, target->port,
           target->direct_tls ? "Direct TLS" : "STARTTLS");

  /* Our own deadline per address: GSocketClient's timeout property would
   * also apply to every later read on the socket. */
  data->attempt_timed_out = FALSE;
  data->attempt_cancellable = g_cancellable_new ();
  if (g_task_get_cancellable (task) != NULL)
    data->attempt_cancel_handler =
      g_cancellable_connect (g_task_get_cancellable (task),
                             G_CALLBACK (forward_cancel_cb),
                             g_object_ref (data->attempt_cancellable), g_object_unref);
  data->attempt_timeout_id = g_timeout_add_seconds (data->attempt_timeout, attempt_timeout_cb, data);
  g_socket_client_connect_to_host_async (data->client, target->host, target->port,
                                         data->attempt_cancellable, connected_cb, task);
}

static void
srv_answered (GTask *task)
{
  ConnectData *data = g_task_get_task_data (task);

  if (--data->lookups_left > 0)
    return;

  data->targets = confab_xmpp_connector_order_targets (data->xmpps_answer, data->xmpp_answer);
  /* RFC 6120 §3.2.2: no usable SRV record, so try the domain itself. */
  if (data->targets->len == 0)
    g_ptr_array_add (data->targets, target_new (data->domain, DEFAULT_PORT, FALSE));
  try_next_target (task);
}

static void
xmpps_looked_up_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  ConnectData *data = g_task_get_task_data (task);

  data->xmpps_answer = g_resolver_lookup_service_finish (G_RESOLVER (object), result, NULL);
  srv_answered (task);
}

static void
xmpp_looked_up_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  ConnectData *data = g_task_get_task_data (task);

  data->xmpp_answer = g_resolver_lookup_service_finish (G_RESOLVER (object), result, NULL);
  srv_answered (task);
}

void
confab_xmpp_connector_connect_async (const ConfabXmppConnectRequest *request,
                                     GCancellable                   *cancellable,
                                     GAsyncReadyCallback             callback,
                                     gpointer                        user_data)
{
  g_autoptr(GResolver) resolver = NULL;
  GTask *task;
  ConnectData *data;

  g_return_if_fail (request != NULL && request->domain != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xmpp_connector_connect_async);
  data = g_new0 (ConnectData, 1);
  data->domain = g_strdup (request->domain);
  data->attempt_timeout = request->attempt_timeout_seconds > 0
                          ? request->attempt_timeout_seconds : DEFAULT_ATTEMPT_TIMEOUT;
  data->client = g_socket_client_new ();
  g_socket_client_set_enable_proxy (data->client, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  if (request->host != NULL)
    {
      guint16 port = request->port;

      if (port == 0)
        port = request->direct_tls ? DEFAULT_DIRECT_TLS_PORT : DEFAULT_PORT;
      data->targets = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_target_free);
      g_ptr_array_add (data->targets, target_new (request->host, port, request->direct_tls));
      try_next_target (task);
      return;
    }

  /* Both lookups run at once; each answer holds one reference to the task
   * until srv_answered() passes it on to the connection attempts. */
  data->lookups_left = 2;
  resolver = g_resolver_get_default ();
  g_resolver_lookup_service_async (resolver, "xmpps-client", "tcp",
                                   request->domain, cancellable, xmpps_looked_up_cb, task);
  g_resolver_lookup_service_async (resolver, "xmpp-client", "tcp",
                                   request->domain, cancellable, xmpp_looked_up_cb, task);
}

GSocketConnection *
confab_xmpp_connector_connect_finish (GAsyncResult  *result,
                                      gboolean      *direct_tls,
                                      GError       **error)
{
  GTask *task = G_TASK (result);
  ConnectData *data;
  GSocketConnection *connection;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  connection = g_task_propagate_pointer (task, error);
  data = g_task_get_task_data (task);
  if (direct_tls != NULL)
    *direct_tls = connection != NULL && data->connected_direct_tls;
  return connection;
}
