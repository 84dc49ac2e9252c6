/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xep-0092-version.h"

#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

#define SOFTWARE_NAME "Confab"

/* ---- ConfabSoftwareVersion ------------------------------------------------- */

struct _ConfabSoftwareVersion {
  char *name;
  char *version;
  char *os;
};

G_DEFINE_BOXED_TYPE (ConfabSoftwareVersion, confab_software_version,
                     confab_software_version_copy, confab_software_version_free)

ConfabSoftwareVersion *
confab_software_version_copy (const ConfabSoftwareVersion *version)
{
  ConfabSoftwareVersion *copy;

  g_return_val_if_fail (version != NULL, NULL);

  copy = g_new0 (ConfabSoftwareVersion, 1);
  copy->name = g_strdup (version->name);
  copy->version = g_strdup (version->version);
  copy->os = g_strdup (version->os);
  return copy;
}

void
confab_software_version_free (ConfabSoftwareVersion *version)
{
  if (version == NULL)
    return;
  g_free (version->name);
  g_free (version->version);
  g_free (version->os);
  g_free (version);
}

const char *
confab_software_version_get_name (const ConfabSoftwareVersion *version)
{
  g_return_val_if_fail (version != NULL, NULL);
  return version->name;
}

const char *
confab_software_version_get_version (const ConfabSoftwareVersion *version)
{
  g_return_val_if_fail (version != NULL, NULL);
  return version->version;
}

const char *
confab_software_version_get_os (const ConfabSoftwareVersion *version)
{
  g_return_val_if_fail (version != NULL, NULL);
  return version->os;
}

static gboolean
take_text (ConfabXmppNode  *query,
           const char      *name,
           gboolean         required,
           char           **out,
           GError         **error)
{
  const char *text = confab_xmpp_node_get_child_text (query, name, CONFAB_XEP_VERSION_NS);

  if (text == NULL || *text == '\0')
    {
      if (!required)
        return TRUE;
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                   "Software version result without <%s/>", name);
      return FALSE;
    }
  if (strlen (text) > CONFAB_XEP_VERSION_MAX_LENGTH)
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                   "Software version <%s/> is too long", name);
      return FALSE;
    }
  *out = g_strdup (text);
  return TRUE;
}

ConfabSoftwareVersion *
confab_software_version_parse (ConfabXmppNode  *query,
                               GError         **error)
{
  g_autoptr(ConfabSoftwareVersion) version = NULL;

  g_return_val_if_fail (query != NULL, NULL);

  if (!confab_xmpp_node_is (query, "query", CONFAB_XEP_VERSION_NS))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Not a software version result");
      return NULL;
    }
  version = g_new0 (ConfabSoftwareVersion, 1);
  if (!take_text (query, "name", TRUE, &version->name, error)
      || !take_text (query, "version", TRUE, &version->version, error)
      || !take_text (query, "os", FALSE, &version->os, error))
    return NULL;
  return g_steal_pointer (&version);
}

/* ---- The module ------------------------------------------------------------ */

struct _ConfabXepVersion {
  GObject           parent_instance;
  ConfabXmppStream *stream;  /* not owned */
  gboolean          send_os;
};

enum {
  PROP_0,
  PROP_SEND_OS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepVersion, confab_xep_version, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

gboolean
confab_xep_version_get_send_os (ConfabXepVersion *self)
{
  g_return_val_if_fail (CONFAB_IS_XEP_VERSION (self), FALSE);
  return self->send_os;
}

void
confab_xep_version_set_send_os (ConfabXepVersion *self,
                                gboolean          send_os)
{
  g_return_if_fail (CONFAB_IS_XEP_VERSION (self));

  if (self->send_os == !!send_os)
    return;
  self->send_os = !!send_os;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEND_OS]);
}

ConfabXmppNode *
confab_xep_version_answer (ConfabXepVersion *self,
                           ConfabXmppNode   *request)
{
  ConfabXmppNode *result;
  ConfabXmppNode *query;

  g_return_val_if_fail (CONFAB_IS_XEP_VERSION (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (g_strcmp0 (confab_xmpp_node_get_attr (request, "type"), "get") != 0)
    return confab_xmpp_iq_new_error (request, "modify", "bad-request");

  /* XEP-0092 §3. */
  result = confab_xmpp_iq_new_result (request);
  query = confab_xmpp_node_add_child (result, "query", CONFAB_XEP_VERSION_NS);
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (query, "name", NULL), SOFTWARE_NAME);
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (query, "version", NULL), PACKAGE_VERSION);
  if (self->send_os)
    {
      g_autofree char *os = g_get_os_info (G_OS_INFO_KEY_PRETTY_NAME);

      if (os == NULL)
        os = g_get_os_info (G_OS_INFO_KEY_NAME);
      if (os != NULL)
        confab_xmpp_node_set_text (confab_xmpp_node_add_child (query, "os", NULL), os);
    }
  return result;
}

static gboolean
handle_version (ConfabXmppStream *stream,
                ConfabXmppNode   *iq,
                gpointer          user_data)
{
  g_autoptr(ConfabXmppNode) reply = confab_xep_version_answer (user_data, iq);

  confab_xmpp_stream_send (stream, reply);
  return TRUE;
}

static void
confab_xep_version_attach (ConfabXmppModule *module,
                           ConfabXmppStream *stream)
{
  ConfabXepVersion *self = CONFAB_XEP_VERSION (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  confab_xmpp_stream_add_iq_handler (stream, "query", CONFAB_XEP_VERSION_NS, handle_version, self);
  confab_xmpp_stream_add_disco_feature (stream, CONFAB_XEP_VERSION_NS);  /* XEP-0092 §4 */
}

static void
confab_xep_version_detach (ConfabXmppModule *module,
                           ConfabXmppStream *stream)
{
  ConfabXepVersion *self = CONFAB_XEP_VERSION (module);

  g_return_if_fail (self->stream == stream);

  confab_xmpp_stream_remove_iq_handler (stream, "query", CONFAB_XEP_VERSION_NS);
  confab_xmpp_stream_remove_disco_feature (stream, CONFAB_XEP_VERSION_NS);
  self->stream = NULL;
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_version_attach;
  iface->detach = confab_xep_version_detach;
}

static void
confab_xep_version_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConfabXepVersion *self = CONFAB_XEP_VERSION (object);

  switch (prop_id)
    {
    case PROP_SEND_OS:
      g_value_set_boolean (value, confab_xep_version_get_send_os (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xep_version_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ConfabXepVersion *self = CONFAB_XEP_VERSION (object);

  switch (prop_id)
    {
    case PROP_SEND_OS:
      confab_xep_version_set_send_os (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_xep_version_class_init (ConfabXepVersionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = confab_xep_version_get_property;
  object_class->set_property = confab_xep_version_set_property;

  /**
   * ConfabXepVersion:send-os:
   *
   * Whether our answer names the operating system. Off by default
   * (privacy, XEP-0092 §5).
   */
  properties[PROP_SEND_OS] =
    g_param_spec_boolean ("send-os", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_xep_version_init (ConfabXepVersion *self)
{
}

ConfabXepVersion *
confab_xep_version_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_VERSION, NULL);
}

static void
version_reply_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  ConfabXmppNode *query;
  ConfabSoftwareVersion *version;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  query = confab_xmpp_node_get_child (reply, "query", CONFAB_XEP_VERSION_NS);
  if (query == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                               "Software version result without a query");
      return;
    }
  version = confab_software_version_parse (query, &error);
  if (version == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, version, (GDestroyNotify) confab_software_version_free);
}

void
confab_xep_version_query_async (ConfabXepVersion    *self,
                                ConfabJid           *jid,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XEP_VERSION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_version_query_async);
  if (self->stream == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED,
                               "The software version module is not attached to a stream");
      return;
    }
  iq = confab_xmpp_iq_new ("get", jid != NULL ? confab_jid_to_string (jid) : NULL, NULL);
  confab_xmpp_node_add_child (iq, "query", CONFAB_XEP_VERSION_NS);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, version_reply_cb,
                                    g_steal_pointer (&task));
}

ConfabSoftwareVersion *
confab_xep_version_query_finish (ConfabXepVersion  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_VERSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
