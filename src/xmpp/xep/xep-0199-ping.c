/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0199-ping.h"

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

struct _ConfabXepPing {
  GObject           parent_instance;
  ConfabXmppStream *stream;  /* not owned */
};

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepPing, confab_xep_ping, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

/* The stream answers pings and registers urn:xmpp:ping (XEP-0199 §8) for
 * its whole life, so this module neither adds nor removes the feature:
 * removing it on detach would stop advertising pings the stream still
 * answers. */
static void
confab_xep_ping_attach (ConfabXmppModule *module,
                        ConfabXmppStream *stream)
{
  ConfabXepPing *self = CONFAB_XEP_PING (module);

  g_return_if_fail (self->stream == NULL);
  self->stream = stream;
}

static void
confab_xep_ping_detach (ConfabXmppModule *module,
                        ConfabXmppStream *stream)
{
  ConfabXepPing *self = CONFAB_XEP_PING (module);

  g_return_if_fail (self->stream == stream);
  self->stream = NULL;
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_ping_attach;
  iface->detach = confab_xep_ping_detach;
}

static void
confab_xep_ping_class_init (ConfabXepPingClass *klass)
{
}

static void
confab_xep_ping_init (ConfabXepPing *self)
{
}

ConfabXepPing *
confab_xep_ping_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_PING, NULL);
}

static void
pong_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  gint64 *started = g_task_get_task_data (task);

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, MAX (g_get_monotonic_time () - *started, 0));
}

void
confab_xep_ping_async (ConfabXepPing       *self,
                       ConfabJid           *jid,
                       guint                timeout_seconds,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;
  gint64 *started;

  g_return_if_fail (CONFAB_IS_XEP_PING (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_ping_async);
  if (self->stream == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED,
                               "The ping module is not attached to a stream");
      return;
    }

  /* XEP-0199 §4.1: <iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>. */
  iq = confab_xmpp_iq_new ("get", jid != NULL ? confab_jid_to_string (jid) : NULL, NULL);
  confab_xmpp_node_add_child (iq, "ping", CONFAB_XEP_PING_NS);
  started = g_new (gint64, 1);
  *started = g_get_monotonic_time ();
  g_task_set_task_data (task, started, g_free);
  confab_xmpp_stream_send_iq_async (self->stream, iq, timeout_seconds, cancellable, pong_cb,
                                    g_steal_pointer (&task));
}

gint64
confab_xep_ping_finish (ConfabXepPing  *self,
                        GAsyncResult   *result,
                        GError        **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_PING (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == confab_xep_ping_async, -1);

  return g_task_propagate_int (G_TASK (result), error);
}
