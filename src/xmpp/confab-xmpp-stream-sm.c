/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-stream-private.h"

#include <string.h>

/* Stream management (XEP-0198): both sides count the stanzas they handled,
 * acknowledge each other's counts, and after a lost connection the session
 * is resumed with nothing lost and nothing twice: the server resends what
 * we had not handled, we resend what it had not received. */

#define ACK_REQUEST_DELAY_MS 500
#define MAX_UNACKED          10000  /* a server that acknowledges nothing gets cut off here */

typedef struct {
  guint32  seq;
  char    *xml;
  char    *id;          /* the stanza's id, reported in ::stanza-acked */
  gboolean is_message;  /* resent in a fresh session if resumption fails */
} SmEntry;

static void fail_protocol (ConfabXmppStream *self, const char *message);

static void
sm_entry_free (SmEntry *entry)
{
  g_free (entry->xml);
  g_free (entry->id);
  g_free (entry);
}

void
_confab_xmpp_stream_sm_forget (ConfabXmppStream *self)
{
  g_clear_pointer (&self->sm_id, g_free);
  g_clear_handle_id (&self->sm_request_id, g_source_remove);
  g_queue_clear_full (&self->sm_unacked, (GDestroyNotify) sm_entry_free);
  self->sm_enabled = FALSE;
  self->sm_enabling = FALSE;
  self->sm_outbound = 0;
  self->sm_acked = 0;
}

/* The connection is gone but the session may live on: keep what resumption
 * needs (id, counters, unacknowledged stanzas), drop the rest. */
void
_confab_xmpp_stream_sm_suspend (ConfabXmppStream *self)
{
  g_clear_handle_id (&self->sm_request_id, g_source_remove);
  self->sm_enabling = FALSE;
  self->sm_request_pending = FALSE;
  if (self->sm_id == NULL)
    _confab_xmpp_stream_sm_forget (self);
}

gboolean
_confab_xmpp_stream_sm_is_counting (ConfabXmppStream *self)
{
  return self->sm_enabled || self->sm_enabling;
}

static void
send_ack_request (ConfabXmppStream *self)
{
  static const char request[] = "<r xmlns='" CONFAB_XMPP_NS_SM "'/>";

  self->sm_request_pending = TRUE;
  _confab_xmpp_stream_send_raw (self, request, strlen (request));
}

static gboolean
request_ack_cb (gpointer user_data)
{
  ConfabXmppStream *self = user_data;

  self->sm_request_id = 0;
  if (self->sm_enabled && !g_queue_is_empty (&self->sm_unacked) && !self->sm_request_pending)
    send_ack_request (self);
  return G_SOURCE_REMOVE;
}

void
_confab_xmpp_stream_sm_track (ConfabXmppStream *self,
                              ConfabXmppNode   *stanza,
                              const char       *xml,
                              gsize             len)
{
  SmEntry *entry;

  /* XEP-0198 §4: the count covers every stanza sent after <enable/>. */
  self->sm_outbound++;
  entry = g_new0 (SmEntry, 1);
  entry->seq = self->sm_outbound;
  entry->xml = g_strndup (xml, len);
  entry->id = g_strdup (confab_xmpp_node_get_attr (stanza, "id"));
  entry->is_message = g_str_equal (confab_xmpp_node_get_name (stanza), "message");
  g_queue_push_tail (&self->sm_unacked, entry);

  /* A server that stops acknowledging would make this grow without end;
   * past the bound the session ends with a stream error instead. */
  if (g_queue_get_length (&self->sm_unacked) > MAX_UNACKED)
    {
      fail_protocol (self, "The server stopped acknowledging what we send");
      return;
    }
  if (self->sm_enabled && self->sm_request_id == 0)
    self->sm_request_id = g_timeout_add (ACK_REQUEST_DELAY_MS, request_ack_cb, self);
}

/* Drops everything up to @h (XEP-0198 §4, counts wrap at 2^32). FALSE when
 * @h acknowledges more than we ever sent: a broken or lying server. */
static gboolean
process_h (ConfabXmppStream *self,
           guint32           h)
{
  guint32 newly = h - self->sm_acked;

  if (newly > g_queue_get_length (&self->sm_unacked))
    return FALSE;
  for (guint32 i = 0; i < newly; i++)
    {
      SmEntry *entry = g_queue_pop_head (&self->sm_unacked);

      if (entry->id != NULL)
        _confab_xmpp_stream_emit_stanza_acked (self, entry->id);
      sm_entry_free (entry);
    }
  self->sm_acked = h;
  return TRUE;
}

static gboolean
parse_h (ConfabXmppNode *element,
         guint32        *h)
{
  const char *text = confab_xmpp_node_get_attr (element, "h");
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL))
    return FALSE;
  *h = (guint32) value;
  return TRUE;
}

static void
fail_protocol (ConfabXmppStream *self,
               const char       *message)
{
  /* XEP-0198 §4: a count higher than what was sent is a stream error. */
  _confab_xmpp_stream_fail_with_stream_error (self, CONFAB_XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
                                              g_error_new_literal (CONFAB_XMPP_ERROR,
                                                                   CONFAB_XMPP_ERROR_PROTOCOL,
                                                                   message));
}

void
_confab_xmpp_stream_sm_send_ack (ConfabXmppStream *self)
{
  g_autofree char *ack = NULL;
  guint32 h = (guint32) _confab_xmpp_stream_get_handled_count (self);

  ack = g_strdup_printf ("<a xmlns='" CONFAB_XMPP_NS_SM "' h='%u'/>", h);
  self->sm_last_h_sent = h;
  _confab_xmpp_stream_send_raw (self, ack, strlen (ack));
}

/* Resends what the server did not receive, in order (after <resumed/>). */
static void
resend_unacked (ConfabXmppStream *self)
{
  for (GList *l = self->sm_unacked.head; l != NULL; l = l->next)
    {
      SmEntry *entry = l->data;

      _confab_xmpp_stream_send_raw (self, entry->xml, strlen (entry->xml));
    }
  if (!g_queue_is_empty (&self->sm_unacked))
    send_ack_request (self);
}

gboolean
_confab_xmpp_stream_sm_handle (ConfabXmppStream *self,
                               ConfabXmppNode   *element)
{
  const char *name = confab_xmpp_node_get_name (element);
  guint32 h;

  if (g_strcmp0 (confab_xmpp_node_get_ns (element), CONFAB_XMPP_NS_SM) != 0)
    return FALSE;

  if (g_str_equal (name, "r"))
    {
      if (self->sm_enabled)
        _confab_xmpp_stream_sm_send_ack (self);
    }
  else if (g_str_equal (name, "a"))
    {
      self->sm_request_pending = FALSE;
      if (!self->sm_enabled)
        return TRUE;
      if (!parse_h (element, &h) || !process_h (self, h))
        {
          fail_protocol (self, "The server acknowledged stanzas it never received");
          return TRUE;
        }
      if (!g_queue_is_empty (&self->sm_unacked) && self->sm_request_id == 0)
        self->sm_request_id = g_timeout_add (ACK_REQUEST_DELAY_MS, request_ack_cb, self);
    }
  else if (g_str_equal (name, "enabled") && self->sm_enabling)
    {
      const char *resume = confab_xmpp_node_get_attr (element, "resume");
      const char *id = confab_xmpp_node_get_attr (element, "id");

      self->sm_enabling = FALSE;
      self->sm_enabled = TRUE;
      /* XEP-0198 §3: the server counts what it sends from <enabled/> on. */
      self->inbound_count = 0;
      g_array_set_size (self->held, 0);
      g_clear_pointer (&self->sm_id, g_free);
      if (id != NULL && (g_strcmp0 (resume, "true") == 0 || g_strcmp0 (resume, "1") == 0))
        self->sm_id = g_strdup (id);
      if (!g_queue_is_empty (&self->sm_unacked) && self->sm_request_id == 0)
        self->sm_request_id = g_timeout_add (ACK_REQUEST_DELAY_MS, request_ack_cb, self);
    }
  else if (g_str_equal (name, "failed") && self->sm_enabling)
    {
      /* Enabling failed: carry on without stream management. */
      g_debug ("The server refused stream management");
      _confab_xmpp_stream_sm_forget (self);
    }
  return TRUE;
}

void
_confab_xmpp_stream_sm_enable (ConfabXmppStream *self)
{
  static const char enable[] = "<enable xmlns='" CONFAB_XMPP_NS_SM "' resume='true'/>";

  _confab_xmpp_stream_sm_forget (self);
  self->sm_enabling = TRUE;
  _confab_xmpp_stream_send_raw (self, enable, strlen (enable));
}

void
_confab_xmpp_stream_sm_resume (ConfabXmppStream *self)
{
  g_autofree char *resume = NULL;
  g_autofree char *previd = g_markup_escape_text (self->sm_id, -1);

  resume = g_strdup_printf ("<resume xmlns='" CONFAB_XMPP_NS_SM "' h='%u' previd='%s'/>",
                            (guint32) _confab_xmpp_stream_get_handled_count (self), previd);
  _confab_xmpp_stream_send_raw (self, resume, strlen (resume));
}

gboolean
_confab_xmpp_stream_sm_resumed (ConfabXmppStream *self,
                                ConfabXmppNode   *resumed)
{
  guint32 h;

  if (g_strcmp0 (confab_xmpp_node_get_attr (resumed, "previd"), self->sm_id) != 0
      || !parse_h (resumed, &h) || !process_h (self, h))
    return FALSE;
  self->sm_enabled = TRUE;
  resend_unacked (self);
  return TRUE;
}

/* Resumption failed: the old session is gone. Messages the server never
 * confirmed go out again in the new session (their ids make that safe for
 * receivers that saw them already); other stanzas belonged to the old
 * session and are dropped. Returns the messages to resend. */
GPtrArray *
_confab_xmpp_stream_sm_take_unacked_messages (ConfabXmppStream *self)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) sm_entry_free);
  SmEntry *entry;

  while ((entry = g_queue_pop_head (&self->sm_unacked)) != NULL)
    {
      if (entry->is_message)
        g_ptr_array_add (messages, entry);
      else
        sm_entry_free (entry);
    }
  _confab_xmpp_stream_sm_forget (self);
  return messages;
}

/* Sends the messages saved from a lost session in the new one, counted
 * again if stream management is being enabled. */
void
_confab_xmpp_stream_sm_resend_messages (ConfabXmppStream *self,
                                        GPtrArray        *messages)
{
  for (guint i = 0; i < messages->len; i++)
    {
      SmEntry *entry = g_ptr_array_index (messages, i);

      _confab_xmpp_stream_send_raw (self, entry->xml, strlen (entry->xml));
      if (_confab_xmpp_stream_sm_is_counting (self))
        {
          self->sm_outbound++;
          entry->seq = self->sm_outbound;
          g_queue_push_tail (&self->sm_unacked, g_steal_pointer (&g_ptr_array_index (messages, i)));
        }
    }
  if (self->sm_enabled && self->sm_request_id == 0 && !g_queue_is_empty (&self->sm_unacked))
    self->sm_request_id = g_timeout_add (ACK_REQUEST_DELAY_MS, request_ack_cb, self);
}

void
_confab_xmpp_stream_sm_handled_changed (ConfabXmppStream *self)
{
  /* A stanza we answered an <r/> for while it was still held is now
   * stored: tell the server without waiting for its next request. */
  if (self->sm_enabled && self->output != NULL
      && (guint32) _confab_xmpp_stream_get_handled_count (self) != self->sm_last_h_sent
      && self->held->len == 0)
    _confab_xmpp_stream_sm_send_ack (self);
}
