/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0352-csi.h"

struct _ConfabXepCsi {
  GObject           parent_instance;
  ConfabXmppStream *stream;           /* not owned */
  gulong            session_handler;
  gboolean          server_support;
  gboolean          active;           /* what the user is doing */
  gboolean          server_active;    /* what the server was last told */
};

enum {
  PROP_0,
  PROP_ACTIVE,
  PROP_SERVER_SUPPORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepCsi, confab_xep_csi, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

/* Tells the server our state if it differs from what it believes. */
static gboolean
sync_state (ConfabXepCsi *self)
{
  g_autoptr(ConfabXmppNode) nonza = NULL;

  if (self->stream == NULL || !self->server_support
      || confab_xmpp_stream_get_state (self->stream) != CONFAB_XMPP_STREAM_STATE_BOUND
      || self->active == self->server_active)
    return FALSE;

  /* XEP-0352 §4: a top-level <active/> or <inactive/>. These are nonzas:
   * no reply, and not counted by stream management (XEP-0198). */
  nonza = confab_xmpp_node_new (self->active ? "active" : "inactive", CONFAB_XEP_CSI_NS);
  confab_xmpp_stream_send (self->stream, nonza);
  self->server_active = self->active;
  return TRUE;
}

gboolean
confab_xep_csi_get_server_support (ConfabXepCsi *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_CSI (self), FALSE);
  return self->server_support;
}

void
confab_xep_csi_set_server_support (ConfabXepCsi *self,
                                   gboolean      supported)
{
  g_return_if_fail (CONFAB_IS_XEP_CSI (self));

  if (self->server_support == !!supported)
    return;
  self->server_support = !!supported;
  sync_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_SUPPORT]);
}

gboolean
confab_xep_csi_get_active (ConfabXepCsi *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_CSI (self), TRUE);
  return self->active;
}

gboolean
confab_xep_csi_set_active (ConfabXepCsi *self,
                           gboolean      active)
{
  gboolean sent;

  g_return_val_if_fail (CONFAB_IS_XEP_CSI (self), FALSE);

  active = !!active;
  if (self->active == active)
    return FALSE;
  self->active = active;
  sent = sync_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  return sent;
}

static void
on_session_started (ConfabXmppStream *stream,
                    gboolean          resumed,
                    gpointer          user_data)
{
  ConfabXepCsi *self = user_data;

  /* A resumed session (XEP-0198) keeps the server's CSI state; a new one
   * starts active (XEP-0352 §4), so an inactive client says so again. */
  if (!resumed)
    self->server_active = TRUE;
  confab_xep_csi_set_server_support (self, confab_xmpp_stream_has_stream_feature (stream, "csi",
                                                                                   CONFAB_XEP_CSI_NS));
  sync_state (self);
}

static void
confab_xep_csi_attach (ConfabXmppModule *module,
                       ConfabXmppStream *stream)
{
  ConfabXepCsi *self = CONFAB_XEP_CSI (module);

  g_return_if_fail (self->stream == NULL);

  /* No disco feature: CSI is negotiated as a stream feature. */
  self->stream = stream;
  self->server_active = TRUE;
  self->session_handler = g_signal_connect_object (stream, "session-started",
                                                   G_CALLBACK (on_session_started), self, 0);
}

static void
confab_xep_csi_detach (ConfabXmppModule *module,
                       ConfabXmppStream *stream)
{
  ConfabXepCsi *self = CONFAB_XEP_CSI (module);

  g_return_if_fail (self->stream == stream);

  g_clear_signal_handler (&self->session_handler, stream);
  self->stream = NULL;
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_csi_attach;
  iface->detach = confab_xep_csi_detach;
}

static void
confab_xep_csi_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ConfabXepCsi *self = CONFAB_XEP_CSI (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, confab_xep_csi_get_active (self));
      break;
    case PROP_SERVER_SUPPORT:
      g_value_set_boolean (value, confab_xep_csi_get_server_support (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xep_csi_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ConfabXepCsi *self = CONFAB_XEP_CSI (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      confab_xep_csi_set_active (self, g_value_get_boolean (value));
      break;
    case PROP_SERVER_SUPPORT:
      confab_xep_csi_set_server_support (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xep_csi_class_init (ConfabXepCsiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = confab_xep_csi_get_property;
  object_class->set_property = confab_xep_csi_set_property;

  /**
   * ConfabXepCsi:active:
   *
   * Whether the user is actively using the client.
   */
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ConfabXepCsi:server-support:
   *
   * Whether the server advertised urn:xmpp:csi:0 in its stream features.
   */
  properties[PROP_SERVER_SUPPORT] =
    g_param_spec_boolean ("server-support", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_xep_csi_init (ConfabXepCsi *self)
{
  self->active = TRUE;
  self->server_active = TRUE;
}

ConfabXepCsi *
confab_xep_csi_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_CSI, NULL);
}
