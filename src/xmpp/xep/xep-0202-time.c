/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0202-time.h"

#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

#define MAX_UTC_LENGTH 40

char *
confab_xep_time_format_tzo (gint offset_seconds)
{
  gint minutes = (ABS (offset_seconds) + 30) / 60;

  return g_strdup_printf ("%c%02d:%02d", offset_seconds < 0 ? '-' : '+',
                          minutes / 60, minutes % 60);
}

static gboolean
two_digits (const char *p,
            gint       *value)
{
  if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]))
    return FALSE;
  *value = (p[0] - '0') * 10 + (p[1] - '0');
  return TRUE;
}

gboolean
confab_xep_time_parse_tzo (const char *text,
                           gint       *offset_seconds)
{
  gint hours;
  gint minutes;

  g_return_val_if_fail (offset_seconds != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  if (strcmp (text, "Z") == 0)
    {
      *offset_seconds = 0;
      return TRUE;
    }
  /* XEP-0082 §3: TZD = (+|-)hh:mm. */
  if (strlen (text) != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':'
      || !two_digits (text + 1, &hours) || !two_digits (text + 4, &minutes)
      || hours > 23 || minutes > 59)
    return FALSE;
  *offset_seconds = (text[0] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return TRUE;
}

char *
confab_xep_time_format_utc (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

GDateTime *
confab_xep_time_parse_utc (const char *text)
{
  static const char pattern[] = "dddd-dd-ddTdd:dd:dd";
  g_autoptr(GTimeZone) utc = NULL;
  gsize len;
  gsize i;

  if (text == NULL)
    return NULL;
  len = strlen (text);
  if (len < sizeof pattern || len > MAX_UTC_LENGTH || text[len - 1] != 'Z')
    return NULL;
  for (i = 0; i < sizeof pattern - 1; i++)
    if (pattern[i] == 'd' ? !g_ascii_isdigit (text[i]) : text[i] != pattern[i])
      return NULL;
  /* XEP-0082 §3: optional fraction of a second, then Z. */
  if (i < len - 1)
    {
      if (text[i] != '.' || i + 1 >= len - 1)
        return NULL;
      for (i++; i < len - 1; i++)
        if (!g_ascii_isdigit (text[i]))
          return NULL;
    }
  utc = g_time_zone_new_utc ();
  return g_date_time_new_from_iso8601 (text, utc);
}

ConfabXmppNode *
confab_xep_time_build (GDateTime *now)
{
  ConfabXmppNode *time;
  g_autofree char *tzo = NULL;
  g_autofree char *utc = NULL;

  g_return_val_if_fail (now != NULL, NULL);

  /* XEP-0202 §3: <tzo/> then <utc/>. */
  tzo = confab_xep_time_format_tzo ((gint) (g_date_time_get_utc_offset (now) / G_USEC_PER_SEC));
  utc = confab_xep_time_format_utc (now);
  time = confab_xmpp_node_new ("time", CONFAB_XEP_TIME_NS);
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (time, "tzo", NULL), tzo);
  confab_xmpp_node_set_text (confab_xmpp_node_add_child (time, "utc", NULL), utc);
  return time;
}

GDateTime *
confab_xep_time_parse (ConfabXmppNode  *time,
                       GError         **error)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  gint offset;

  g_return_val_if_fail (time != NULL, NULL);

  if (!confab_xmpp_node_is (time, "time", CONFAB_XEP_TIME_NS))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Not an entity time result");
      return NULL;
    }
  /* XEP-0202 §3: both are REQUIRED. */
  if (!confab_xep_time_parse_tzo (confab_xmpp_node_get_child_text (time, "tzo", CONFAB_XEP_TIME_NS),
                                  &offset))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Entity time without a valid <tzo/>");
      return NULL;
    }
  utc = confab_xep_time_parse_utc (confab_xmpp_node_get_child_text (time, "utc", CONFAB_XEP_TIME_NS));
  if (utc == NULL)
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "Entity time without a valid <utc/>");
      return NULL;
    }
  zone = g_time_zone_new_offset (offset);
  return g_date_time_to_timezone (utc, zone);
}

/* ---- The module ------------------------------------------------------------ */

struct _ConfabXepTime {
  GObject           parent_instance;
  ConfabXmppStream *stream;  /* not owned */
};

static void module_iface_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepTime, confab_xep_time, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE, module_iface_init))

ConfabXmppNode *
confab_xep_time_answer (ConfabXepTime  *self,
                        ConfabXmppNode *request)
{
  g_autoptr(GDateTime) now = NULL;
  ConfabXmppNode *result;

  g_return_val_if_fail (CONFAB_IS_XEP_TIME (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (g_strcmp0 (confab_xmpp_node_get_attr (request, "type"), "get") != 0)
    return confab_xmpp_iq_new_error (request, "modify", "bad-request");
  now = g_date_time_new_now_local ();
  result = confab_xmpp_iq_new_result (request);
  confab_xmpp_node_append (result, confab_xep_time_build (now));
  return result;
}

static gboolean
handle_time (ConfabXmppStream *stream,
             ConfabXmppNode   *iq,
             gpointer          user_data)
{
  g_autoptr(ConfabXmppNode) reply = confab_xep_time_answer (user_data, iq);

  confab_xmpp_stream_send (stream, reply);
  return TRUE;
}

static void
confab_xep_time_attach (ConfabXmppModule *module,
                        ConfabXmppStream *stream)
{
  ConfabXepTime *self = CONFAB_XEP_TIME (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  confab_xmpp_stream_add_iq_handler (stream, "time", CONFAB_XEP_TIME_NS, handle_time, self);
  confab_xmpp_stream_add_disco_feature (stream, CONFAB_XEP_TIME_NS);  /* XEP-0202 §4 */
}

static void
confab_xep_time_detach (ConfabXmppModule *module,
                        ConfabXmppStream *stream)
{
  ConfabXepTime *self = CONFAB_XEP_TIME (module);

  g_return_if_fail (self->stream == stream);

  confab_xmpp_stream_remove_iq_handler (stream, "time", CONFAB_XEP_TIME_NS);
  confab_xmpp_stream_remove_disco_feature (stream, CONFAB_XEP_TIME_NS);
  self->stream = NULL;
}

static void
module_iface_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_time_attach;
  iface->detach = confab_xep_time_detach;
}

static void
confab_xep_time_class_init (ConfabXepTimeClass *klass)
{
}

static void
confab_xep_time_init (ConfabXepTime *self)
{
}

ConfabXepTime *
confab_xep_time_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_TIME, NULL);
}

static void
time_reply_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  ConfabXmppNode *time;
  GDateTime *parsed;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  time = confab_xmpp_node_get_child (reply, "time", CONFAB_XEP_TIME_NS);
  if (time == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                               "Entity time result without <time/>");
      return;
    }
  parsed = confab_xep_time_parse (time, &error);
  if (parsed == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, parsed, (GDestroyNotify) g_date_time_unref);
}

void
confab_xep_time_query_async (ConfabXepTime       *self,
                             ConfabJid           *jid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XEP_TIME (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_xep_time_query_async);
  if (self->stream == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED,
                               "The entity time module is not attached to a stream");
      return;
    }
  iq = confab_xmpp_iq_new ("get", jid != NULL ? confab_jid_to_string (jid) : NULL, NULL);
  confab_xmpp_node_add_child (iq, "time", CONFAB_XEP_TIME_NS);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, time_reply_cb,
                                    g_steal_pointer (&task));
}

GDateTime *
confab_xep_time_query_finish (ConfabXepTime  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_TIME (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
