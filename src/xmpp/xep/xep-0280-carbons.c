/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0280-carbons.h"

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

struct _ConfabXepCarbons {
  GObject           parent_instance;

  ConfabXmppStream *stream;  /* unowned: the stream owns its modules */
  gulong            stanza_handler;
  gulong            session_handler;
  gboolean          enabled;
  GCancellable     *enabling;
};

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepCarbons, confab_xep_carbons, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

enum { PROP_0, PROP_ENABLED, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { ENABLE_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_enabled (ConfabXepCarbons *self,
             gboolean          enabled)
{
  if (self->enabled == !!enabled)
    return;
  self->enabled = !!enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

static ConfabXmppNode *
reject (GError     **error,
        const char  *reason)
{
  g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL, reason);
  return NULL;
}

ConfabXmppNode *
confab_xep_carbons_unwrap (ConfabXmppNode            *stanza,
                           ConfabJid                 *own_jid,
                           ConfabXepCarbonDirection  *direction,
                           GError                   **error)
{
  ConfabXmppNode *wrapper, *forwarded, *inner = NULL;
  g_autoptr(ConfabJid) from = NULL;
  const char *inner_addr;
  gboolean sent;

  g_return_val_if_fail (stanza != NULL, NULL);
  g_return_val_if_fail (own_jid != NULL, NULL);
  g_return_val_if_fail (direction != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *direction = CONFAB_XEP_CARBON_NONE;
  if (!confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT))
    return NULL;
  wrapper = confab_xmpp_node_get_child (stanza, "received", CONFAB_XMPP_NS_CARBONS);
  sent = wrapper == NULL;
  if (sent)
    wrapper = confab_xmpp_node_get_child (stanza, "sent", CONFAB_XMPP_NS_CARBONS);
  if (wrapper == NULL)
    return NULL;
  *direction = sent ? CONFAB_XEP_CARBON_SENT : CONFAB_XEP_CARBON_RECEIVED;

  /* XEP-0280 §11: only our own account may send us carbons, and it does so
   * from our bare JID. A missing 'from' would also mean our account (RFC
   * 6120 §8.1.2.1) but servers always stamp carbons, so a carbon without
   * one is not trusted either. */
  if (confab_xmpp_node_get_attr (stanza, "from") != NULL)
    from = confab_jid_parse (confab_xmpp_node_get_attr (stanza, "from"), NULL);
  if (from == NULL || !confab_jid_is_bare (from) || !confab_jid_equal_bare (from, own_jid))
    return reject (error, "Carbon not from our own bare JID");

  /* Exactly one carbon wrapper: a message claiming to be both sent and
   * received is not something a server produces. */
  if (!sent && confab_xmpp_node_get_child (stanza, "sent", CONFAB_XMPP_NS_CARBONS) != NULL)
    return reject (error, "Carbon with both <sent/> and <received/>");

  /* XEP-0297 §3: <forwarded><message/></forwarded>. */
  forwarded = confab_xmpp_node_get_child (wrapper, "forwarded", CONFAB_XMPP_NS_FORWARD);
  if (forwarded != NULL)
    inner = confab_xmpp_node_get_child (forwarded, "message", CONFAB_XMPP_NS_CLIENT);
  if (inner == NULL)
    return reject (error, "Carbon without a forwarded message");

  /* The inner message must involve our account on the right side. A
   * missing address means our account (the server did not stamp it). */
  inner_addr = confab_xmpp_node_get_attr (inner, sent ? "from" : "to");
  if (inner_addr != NULL)
    {
      g_autoptr(ConfabJid) addr = confab_jid_parse (inner_addr, NULL);

      if (addr == NULL || !confab_jid_equal_bare (addr, own_jid))
        return reject (error, sent ? "Sent carbon of a message not from us"
                                   : "Received carbon of a message not to us");
    }
  return confab_xmpp_node_ref (inner);
}

void
confab_xep_carbons_mark_private (ConfabXmppNode *message)
{
  g_return_if_fail (message != NULL);

  if (confab_xmpp_node_get_child (message, "private", CONFAB_XMPP_NS_CARBONS) == NULL)
    confab_xmpp_node_add_child (message, "private", CONFAB_XMPP_NS_CARBONS);
  if (confab_xmpp_node_get_child (message, "no-copy", CONFAB_XMPP_NS_HINTS) == NULL)
    confab_xmpp_node_add_child (message, "no-copy", CONFAB_XMPP_NS_HINTS);
}

static ConfabJid *
own_jid (ConfabXepCarbons *self)
{
  ConfabJid *bound = confab_xmpp_stream_get_bound_jid (self->stream);

  return bound != NULL ? bound : confab_xmpp_stream_get_jid (self->stream);
}

static void
stanza_received_cb (ConfabXmppStream *stream,
                    ConfabXmppNode   *stanza,
                    gpointer          user_data)
{
  ConfabXepCarbons *self = user_data;
  g_autoptr(ConfabXmppNode) inner = NULL;
  g_autoptr(ConfabXmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  ConfabXepCarbonDirection direction;
  ConfabXmppModule *messages;

  g_assert (CONFAB_IS_XEP_CARBONS (self));

  inner = confab_xep_carbons_unwrap (stanza, own_jid (self), &direction, &error);
  if (direction == CONFAB_XEP_CARBON_NONE)
    return;
  if (inner == NULL)
    {
      g_debug ("Dropping a carbon from %s: %s",
               confab_xmpp_node_get_attr (stanza, "from") ?: "(none)", error->message);
      return;
    }
  message = confab_xmpp_message_parse (inner, own_jid (self), &error);
  if (message == NULL)
    {
      g_debug ("Dropping a carbon: %s", error->message);
      return;
    }
  messages = confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES);
  if (messages == NULL)
    {
      g_debug ("Dropping a carbon: no messages module on this stream");
      return;
    }
  confab_xmpp_messages_handle_carbon (CONFAB_XMPP_MESSAGES (messages), message,
                                      direction == CONFAB_XEP_CARBON_SENT);
}

static void
enable_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ConfabXepCarbons) self = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->enabling);
  if (reply == NULL)
    {
      /* XEP-0280 §4.2: a server may refuse; we simply get no copies. */
      g_debug ("Server refused to enable carbons: %s", error->message);
      set_enabled (self, FALSE);
      g_signal_emit (self, signals[ENABLE_FAILED], 0, error);
      return;
    }
  set_enabled (self, TRUE);
}

static void
session_started_cb (ConfabXmppStream *stream,
                    gboolean          resumed,
                    gpointer          user_data)
{
  ConfabXepCarbons *self = user_data;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_assert (CONFAB_IS_XEP_CARBONS (self));

  /* XEP-0198: a resumed session keeps the server-side state. */
  if (resumed)
    return;
  set_enabled (self, FALSE);
  if (self->enabling != NULL)
    g_cancellable_cancel (self->enabling);
  g_clear_object (&self->enabling);
  self->enabling = g_cancellable_new ();

  /* XEP-0280 §4.2: <iq type='set'><enable/></iq> to our own account. */
  iq = confab_xmpp_iq_new ("set", NULL, NULL);
  confab_xmpp_node_add_child (iq, "enable", CONFAB_XMPP_NS_CARBONS);
  confab_xmpp_stream_send_iq_async (stream, iq, 0, self->enabling, enable_cb,
                                    g_object_ref (self));
}

static void
confab_xep_carbons_attach (ConfabXmppModule *module,
                           ConfabXmppStream *stream)
{
  ConfabXepCarbons *self = CONFAB_XEP_CARBONS (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  self->stanza_handler = g_signal_connect (stream, "stanza-received",
                                           G_CALLBACK (stanza_received_cb), self);
  self->session_handler = g_signal_connect (stream, "session-started",
                                            G_CALLBACK (session_started_cb), self);
}

static void
confab_xep_carbons_detach (ConfabXmppModule *module,
                           ConfabXmppStream *stream)
{
  ConfabXepCarbons *self = CONFAB_XEP_CARBONS (module);

  if (self->stream != stream)
    return;
  g_clear_signal_handler (&self->stanza_handler, stream);
  g_clear_signal_handler (&self->session_handler, stream);
  if (self->enabling != NULL)
    g_cancellable_cancel (self->enabling);
  g_clear_object (&self->enabling);
  self->stream = NULL;
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_carbons_attach;
  iface->detach = confab_xep_carbons_detach;
}

static void
confab_xep_carbons_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConfabXepCarbons *self = CONFAB_XEP_CARBONS (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      g_value_set_boolean (value, confab_xep_carbons_get_enabled (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xep_carbons_dispose (GObject *object)
{
  ConfabXepCarbons *self = CONFAB_XEP_CARBONS (object);

  if (self->stream != NULL)
    confab_xep_carbons_detach (CONFAB_XMPP_MODULE (self), self->stream);
  G_OBJECT_CLASS (confab_xep_carbons_parent_class)->dispose (object);
}

static void
confab_xep_carbons_class_init (ConfabXepCarbonsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = confab_xep_carbons_get_property;
  object_class->dispose = confab_xep_carbons_dispose;

  /**
   * ConfabXepCarbons:enabled:
   *
   * Whether the server confirmed carbons for the current session.
   */
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConfabXepCarbons::enable-failed:
   * @error: why (usually a CONFAB_XMPP_STANZA_ERROR from the server)
   *
   * The server did not enable carbons; other devices' messages will not be
   * copied to this one (MAM catch-up still finds them).
   */
  signals[ENABLE_FAILED] =
    g_signal_new ("enable-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
confab_xep_carbons_init (ConfabXepCarbons *self)
{
}

ConfabXepCarbons *
confab_xep_carbons_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_CARBONS, NULL);
}

gboolean
confab_xep_carbons_get_enabled (ConfabXepCarbons *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_CARBONS (self), FALSE);
  return self->enabled;
}
