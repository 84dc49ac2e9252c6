/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "xep-0191-blocking.h"

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"
#include "confab-xmpp-roster.h"

/* ---- Parsing ---------------------------------------------------------------- */

static GPtrArray *
new_jid_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) confab_jid_unref);
}

/* The JIDs of the <item jid=''/> children of @container. @strict refuses
 * the whole container for one bad item (a push we must answer truthfully);
 * otherwise bad items are skipped (a list we only read). */
static GPtrArray *
parse_items (ConfabXmppNode  *container,
             gboolean         strict,
             GError         **error)
{
  g_autoptr(GPtrArray) jids = new_jid_array ();
  g_autoptr(GHashTable) seen = g_hash_table_new (confab_jid_hash, confab_jid_equal_func);

  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (container);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      const char *text;
      ConfabJid *jid;

      if (!confab_xmpp_node_is (child, "item", CONFAB_XEP_NS_BLOCKING))
        continue;
      text = confab_xmpp_node_get_attr (child, "jid");
      jid = text != NULL ? confab_jid_parse (text, NULL) : NULL;
      if (jid == NULL)
        {
          if (!strict)
            continue;
          g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                               text == NULL ? "Blocking item without a JID"
                                            : "Blocking item with an invalid JID");
          return NULL;
        }
      if (g_hash_table_contains (seen, jid))
        {
          confab_jid_unref (jid);
          continue;
        }
      if (jids->len >= CONFAB_XEP_BLOCKING_MAX_ITEMS)
        {
          confab_jid_unref (jid);
          if (!strict)
            break;
          g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                               "Too many blocking items");
          return NULL;
        }
      g_ptr_array_add (jids, jid);
      g_hash_table_add (seen, jid);
    }
  return g_steal_pointer (&jids);
}

GPtrArray *
confab_xep_blocking_parse_blocklist (ConfabXmppNode  *blocklist,
                                     GError         **error)
{
  g_return_val_if_fail (blocklist != NULL, NULL);

  if (!confab_xmpp_node_is (blocklist, "blocklist", CONFAB_XEP_NS_BLOCKING))
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                           "Not a blocklist");
      return NULL;
    }
  return parse_items (blocklist, FALSE, error);
}

gboolean
confab_xep_blocking_parse_push (ConfabXmppNode  *iq,
                                ConfabJid       *own_jid,
                                gboolean        *blocked,
                                GPtrArray      **jids,
                                GError         **error)
{
  ConfabXmppNode *payload;
  g_autoptr(GPtrArray) parsed = NULL;
  gboolean is_block;

  g_return_val_if_fail (iq != NULL, FALSE);
  g_return_val_if_fail (own_jid != NULL, FALSE);

  if (jids != NULL)
    *jids = NULL;

  if (!confab_xmpp_node_is (iq, "iq", CONFAB_XMPP_NS_CLIENT)
      || g_strcmp0 (confab_xmpp_node_get_attr (iq, "type"), "set") != 0)
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                           "A blocking push is an IQ set");
      return FALSE;
    }

  /* XEP-0191 §3.3 and §3.4: the server pushes changes to the user's
   * resources. Only the server (no 'from', or the user's bare JID) may do
   * so; the same rule as roster pushes (RFC 6121 §2.1.6), since a contact
   * who could push would silently unblock themselves or block our friends.
   * Refused with service-unavailable, as for any namespace we do not
   * handle, so the sender learns nothing and nothing changes. */
  if (!confab_xmpp_stanza_is_from_account (iq, own_jid))
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR,
                           CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE,
                           "Blocking push from an entity other than the server");
      return FALSE;
    }

  payload = confab_xmpp_node_get_first_child (iq);
  if (payload != NULL && confab_xmpp_node_is (payload, "block", CONFAB_XEP_NS_BLOCKING))
    is_block = TRUE;
  else if (payload != NULL && confab_xmpp_node_is (payload, "unblock", CONFAB_XEP_NS_BLOCKING))
    is_block = FALSE;
  else
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                           "Not a blocking push");
      return FALSE;
    }

  parsed = parse_items (payload, TRUE, error);
  if (parsed == NULL)
    return FALSE;
  /* §3.3: a block names at least one JID; only an unblock may be empty,
   * meaning all (§3.5). */
  if (is_block && parsed->len == 0)
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST,
                           "Block push without items");
      return FALSE;
    }

  if (blocked != NULL)
    *blocked = is_block;
  if (jids != NULL)
    *jids = g_steal_pointer (&parsed);
  return TRUE;
}

ConfabXmppNode *
confab_xep_blocking_new_iq (gboolean   block,
                            GPtrArray *jids)
{
  ConfabXmppNode *iq = confab_xmpp_iq_new ("set", NULL, NULL);
  ConfabXmppNode *payload = confab_xmpp_node_add_child (iq, block ? "block" : "unblock",
                                                        CONFAB_XEP_NS_BLOCKING);

  for (guint i = 0; jids != NULL && i < jids->len; i++)
    {
      ConfabXmppNode *item = confab_xmpp_node_add_child (payload, "item", NULL);

      confab_xmpp_node_set_attr (item, "jid", confab_jid_to_string (g_ptr_array_index (jids, i)));
    }
  return iq;
}

/* ---- The module ------------------------------------------------------------- */

struct _ConfabXepBlocking {
  GObject           parent_instance;

  ConfabXmppStream *stream;   /* not owned: set between attach and detach */
};

static void confab_xep_blocking_module_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXepBlocking, confab_xep_blocking, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE,
                                                      confab_xep_blocking_module_init))

enum {
  BLOCKED,
  UNBLOCKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
handle_push (ConfabXmppStream *stream,
             ConfabXmppNode   *iq,
             gpointer          user_data)
{
  ConfabXepBlocking *self = user_data;
  ConfabJid *own = confab_xmpp_stream_get_bound_jid (stream);
  g_autoptr(GPtrArray) jids = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean blocked = FALSE;

  g_assert (CONFAB_IS_XEP_BLOCKING (self));

  /* Nobody asks a client for its block list: service-unavailable. */
  if (g_strcmp0 (confab_xmpp_node_get_attr (iq, "type"), "set") != 0)
    return FALSE;

  if (own == NULL)
    own = confab_xmpp_stream_get_jid (stream);
  if (!confab_xep_blocking_parse_push (iq, own, &blocked, &jids, &error))
    {
      g_debug ("Refusing a blocking push: %s", error->message);
      reply = confab_xmpp_iq_new_error (iq, error->code == CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST
                                            ? "modify" : "cancel",
                                        confab_xmpp_stanza_error_to_condition (error->code));
      confab_xmpp_stream_send (stream, reply);
      return TRUE;
    }

  reply = confab_xmpp_iq_new_result (iq);
  confab_xmpp_stream_send (stream, reply);
  if (blocked)
    g_signal_emit (self, signals[BLOCKED], 0, jids);
  else
    g_signal_emit (self, signals[UNBLOCKED], 0, jids, jids->len == 0);
  return TRUE;
}

static GTask *
new_stream_task (ConfabXepBlocking   *self,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->stream == NULL
      || confab_xmpp_stream_get_state (self->stream) != CONFAB_XMPP_STREAM_STATE_BOUND)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED,
                               "Blocking needs a connected session");
      g_clear_object (&task);
    }
  return task;
}

static void
blocklist_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;
  GError *error = NULL;
  ConfabXmppNode *blocklist;
  GPtrArray *jids;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  blocklist = confab_xmpp_node_get_child (reply, "blocklist", CONFAB_XEP_NS_BLOCKING);
  if (blocklist == NULL)
    {
      g_task_return_new_error (task, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                               "The server answered without a blocklist");
      return;
    }
  jids = confab_xep_blocking_parse_blocklist (blocklist, &error);
  if (jids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, jids, (GDestroyNotify) g_ptr_array_unref);
}

void
confab_xep_blocking_get_blocklist_async (ConfabXepBlocking   *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XEP_BLOCKING (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_stream_task (self, confab_xep_blocking_get_blocklist_async, cancellable,
                          callback, user_data);
  if (task == NULL)
    return;
  /* §3.2 */
  iq = confab_xmpp_iq_new ("get", NULL, NULL);
  confab_xmpp_node_add_child (iq, "blocklist", CONFAB_XEP_NS_BLOCKING);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, blocklist_cb,
                                    g_steal_pointer (&task));
}

GPtrArray *
confab_xep_blocking_get_blocklist_finish (ConfabXepBlocking  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_BLOCKING (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
set_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;
  GError *error = NULL;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
confab_xep_blocking_block_async (ConfabXepBlocking   *self,
                                 GPtrArray           *jids,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XEP_BLOCKING (self));
  g_return_if_fail (jids != NULL && jids->len > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_stream_task (self, confab_xep_blocking_block_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  /* §3.3 */
  iq = confab_xep_blocking_new_iq (TRUE, jids);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, set_done_cb,
                                    g_steal_pointer (&task));
}

gboolean
confab_xep_blocking_block_finish (ConfabXepBlocking  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_BLOCKING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
confab_xep_blocking_unblock_async (ConfabXepBlocking   *self,
                                   GPtrArray           *jids,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XEP_BLOCKING (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_stream_task (self, confab_xep_blocking_unblock_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  /* §3.4, or §3.5 without items. */
  iq = confab_xep_blocking_new_iq (FALSE, jids);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, set_done_cb,
                                    g_steal_pointer (&task));
}

gboolean
confab_xep_blocking_unblock_finish (ConfabXepBlocking  *self,
                                    GAsyncResult       *result,
                                    GError            **error)
{
  g_return_val_if_fail (CONFAB_IS_XEP_BLOCKING (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
confab_xep_blocking_attach (ConfabXmppModule *module,
                            ConfabXmppStream *stream)
{
  ConfabXepBlocking *self = CONFAB_XEP_BLOCKING (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  confab_xmpp_stream_add_iq_handler (stream, "block", CONFAB_XEP_NS_BLOCKING, handle_push, self);
  confab_xmpp_stream_add_iq_handler (stream, "unblock", CONFAB_XEP_NS_BLOCKING, handle_push, self);
}

static void
confab_xep_blocking_detach (ConfabXmppModule *module,
                            ConfabXmppStream *stream)
{
  ConfabXepBlocking *self = CONFAB_XEP_BLOCKING (module);

  g_return_if_fail (self->stream == stream);

  confab_xmpp_stream_remove_iq_handler (stream, "block", CONFAB_XEP_NS_BLOCKING);
  confab_xmpp_stream_remove_iq_handler (stream, "unblock", CONFAB_XEP_NS_BLOCKING);
  self->stream = NULL;
}

static void
confab_xep_blocking_module_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xep_blocking_attach;
  iface->detach = confab_xep_blocking_detach;
}

static void
confab_xep_blocking_dispose (GObject *object)
{
  ConfabXepBlocking *self = CONFAB_XEP_BLOCKING (object);

  if (self->stream != NULL)
    confab_xep_blocking_detach (CONFAB_XMPP_MODULE (self), self->stream);
  G_OBJECT_CLASS (confab_xep_blocking_parent_class)->dispose (object);
}

static void
confab_xep_blocking_class_init (ConfabXepBlockingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_xep_blocking_dispose;

  /**
   * ConfabXepBlocking::blocked:
   * @jids: (element-type ConfabJid): the JIDs now blocked
   *
   * XEP-0191 §3.3: a block push from the server (also for our own block
   * requests, and those of the user's other clients).
   */
  signals[BLOCKED] =
    g_signal_new ("blocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE);
  /**
   * ConfabXepBlocking::unblocked:
   * @jids: (element-type ConfabJid): the JIDs no longer blocked; empty when
   *   @all is %TRUE
   * @all: %TRUE when the whole list was cleared (§3.5)
   *
   * XEP-0191 §3.4: an unblock push from the server.
   */
  signals[UNBLOCKED] =
    g_signal_new ("unblocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_BOOLEAN);
}

static void
confab_xep_blocking_init (ConfabXepBlocking *self)
{
}

ConfabXepBlocking *
confab_xep_blocking_new (void)
{
  return g_object_new (CONFAB_TYPE_XEP_BLOCKING, NULL);
}
