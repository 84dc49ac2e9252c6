/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0012-last.h"

#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

#define MAX_STATUS_LENGTH 4096

struct _ConfabXepLast {
  GObject           parent_instance;
  ConfabXmppStream *stream;  /* not owned */
  guint64           idle_seconds;
};

enum {
  PROP_0,
  PROP_IDLE_SECONDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepLast, confab_xep_last, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

guint64
confab_xep_last_get_idle_seconds (ConfabXepLast *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_LAST (self), 0);
  return self->idle_seconds;
}

void
confab_xep_last_set_idle_seconds (ConfabXepLast *self,
                                  guint64        seconds)
{
  g_return_if_fail (CONFAB_IS_XEP_LAST (self));

  if (self->idle_seconds == seconds)
    return;
  self->idle_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDLE_SECONDS]);
}

ConfabXmppNode *
confab_xep_last_answer (ConfabXepLast  *self,
                        ConfabXmppNode *request)
{
  ConfabXmppNode *result;
  ConfabXmppNode *query;
  char seconds[32];

  g_return_val_if_fail (CONFAB_IS_XEP_LAST (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (g_strcmp0 (confab_xmpp_node_get_attr (request, "type"), "get") != 0)
    return confab_xmpp_iq_new_error (request, "modify", "bad-request");

  /* XEP-0012 §4: <query seconds='N'/>, the time since the user was last
   * active. */
  result = confab_xmpp_iq_new_result (request);
  query = confab_xmpp_node_add_child (result, "query", CONFAB_XEP_LAST_NS);
  g_snprintf (seconds, sizeof seconds, "%" G_GUINT64_FORMAT, self->idle_seconds);
  confab_xmpp_node_set_attr (query, "seconds", seconds);
  return result;
}

static gboolean
handle_last (ConfabXmppStream *stream,
             ConfabXmppNode   *iq,
             gpointer          user_data)
{
  g_autoptr(ConfabXmppNode) reply = confab_xep_last_answer (user_data, iq);

  confab_xmpp_stream_send (stream, reply);
  return TRUE;
}

gint64
confab_xep_last_parse (ConfabXmppNode  *query,
                       char           **status,
                       GError         **error)
{
  const char *seconds;
  const char *text;
  guint64 value;

  g_return_val_if_fail (query != NULL, -1);

  if (status != NULL)
    *status = NULL;
  if (!confab_xmpp_node_is (query, "query", CONFAB_XEP_LAST_NS))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Not a last activity result");
      return -1;
    }
  /* XEP-0012 §2: 'seconds' is a non-negative integer; we reject signs,
   * spaces and anything beyond a gint64. */
  seconds = confab_xmpp_node_get_attr (query, "seconds");
  if (seconds == NULL || *seconds < '0' || *seconds > '9'
      || !g_ascii_string_to_unsigned (seconds, 10, 0, G_MAXINT64, &value, NULL))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Last activity result without valid seconds");
      return -1;
    }
  text = confab_xmpp_node_get_text (query);
  if (status != NULL && *text != '\0')
    *status = g_utf8_make_valid (text, MIN (strlen (text), MAX_STATUS_LENGTH));
  return (gint64) value;
}

static void
confab_xep_last_attach (ConfabXmppModule *module,
                        ConfabXmppStream *stream)
{
  ConfabXepLast *self = CONFAB_XEP_LAST (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  confab_xmpp_stream_add_iq_handler (stream, "query", CONFAB_XEP_LAST_NS, handle_last, self);
  confab_xmpp_stream_add_disco_feature (stream, CONFAB_XEP_LAST_NS);  /* XEP-0012 §8 */
}

static void
confab_xep_last_detach (ConfabXmppModule *module,
                        ConfabXmppStream *stream)
{
  ConfabXepLast *self = CONFAB_XEP_LAST (module);

  g_return_if_fail (self->stream == stream);

  confab_xmpp_stream_remove_iq_handler (stream, "query", CONFAB_XEP_LAST_NS);
  confab_xmpp_stream_remove_disco_feature (stream, CONFAB_XEP_LAST_NS);
  self->stream = NULL;
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_last_attach;
  iface->detach = confab_xep_last_detach;
}

static void
confab_xep_last_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ConfabXepLast *self = CONFAB_XEP_LAST (object);

  switch (prop_id)
    {
    case PROP_IDLE_SECONDS:
      g_value_set_uint64 (value, confab_xep_last_get_idle_seconds (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xep_last_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ConfabXepLast *self = CONFAB_XEP_LAST (object);

  switch (prop_id)
    {
    case PROP_IDLE_SECONDS:
      confab_xep_last_set_idle_seconds (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xep_last_class_init (ConfabXepLastClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = confab_xep_last_get_property;
  object_class->set_property = confab_xep_last_set_property;

  /**
   * ConfabXepLast:idle-seconds:
   *
   * Seconds since the user's last activity, kept current by the core;
   * 0 means active now.
   */
  properties[PROP_IDLE_SECONDS] =
    g_param_spec_uint64 ("idle-seconds", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_xep_last_init (ConfabXepLast *self)
{
}

ConfabXepLast *
confab_xep_last_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_LAST, NULL);
}

typedef struct {
  gint64  seconds;
  char   *status;
} LastResult;

static void
last_result_free (gpointer data)
{
  LastResult *last = data;

  g_free (last->status);
  g_free (last);
}

static void
last_reply_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  ConfabXmppNode *query;
  LastResult *last;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  query = confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_LAST_NS);
  last = g_new0 (LastResult, 1);
  last->seconds = query != NULL ? confab_xep_last_parse (query, &last->status, &error) : -1;
  if (last->seconds < 0)
    {
      last_result_free (last);
      if (error == NULL)
        g_set_error_literal (&error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                             "Last activity result without a query");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, last, last_result_free);
}

void
confab_xep_last_query_async (ConfabXepLast       *self,
                             ConfabJid           *jid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XEP_LAST (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_last_query_async);
  if (self->stream == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED,
                               "The last activity module is not attached to a stream");
      return;
    }
  iq = confab_xmpp_iq_new ("get", jid != NULL ? confab_jid_to_string (jid) : NULL, NULL);
  confab_xmpp_node_add_child (iq, "query", CONFAB_XEP_LAST_NS);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, last_reply_cb,
                                    g_steal_pointer (&task));
}

gint64
confab_xep_last_query_finish (ConfabXepLast  *self,
                              GAsyncResult   *result,
                              char          **status,
                              GError        **error)
{
  LastResult *last;
  gint64 seconds;

  g_return_val_if_fail (CONFAB_IS_XEP_LAST (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  if (status != NULL)
    *status = NULL;
  last = g_task_propagate_pointer (G_TASK (result), error);
  if (last == NULL)
    return -1;
  seconds = last->seconds;
  if (status != NULL)
    *status = g_steal_pointer (&last->status);
  last_result_free (last);
  return seconds;
}
