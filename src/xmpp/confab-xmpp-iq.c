/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-iq.h"

#include "confab-xmpp-error.h"

#include <string.h>

ConfabXmppNode *
confab_xmpp_iq_new (const char *type,
                    const char *to,
                    const char *id)
{
  ConfabXmppNode *iq = confab_xmpp_node_new ("iq", CONFAB_XMPP_NS_CLIENT);
  g_autofree char *fresh_id = NULL;

  g_return_val_if_fail (type != NULL, NULL);

  if (id == NULL)
    id = fresh_id = confab_xmpp_new_id ();
  confab_xmpp_node_set_attr (iq, "type", type);
  confab_xmpp_node_set_attr (iq, "id", id);
  if (to != NULL)
    confab_xmpp_node_set_attr (iq, "to", to);
  return iq;
}

/* RFC 6120 §8.2.3: a reply goes back to the requester with the same id. */
static ConfabXmppNode *
new_reply (ConfabXmppNode *request,
           const char     *type)
{
  const char *from = confab_xmpp_node_get_attr (request, "from");
  const char *id = confab_xmpp_node_get_attr (request, "id");

  return confab_xmpp_iq_new (type, from, id != NULL ? id : "");
}

ConfabXmppNode *
confab_xmpp_iq_new_result (ConfabXmppNode *request)
{
  return new_reply (request, "result");
}

ConfabXmppNode *
confab_xmpp_iq_new_error (ConfabXmppNode *request,
                          const char     *error_type,
                          const char     *condition)
{
  ConfabXmppNode *reply = new_reply (request, "error");
  ConfabXmppNode *error = confab_xmpp_node_add_child (reply, "error", NULL);

  confab_xmpp_node_set_attr (error, "type", error_type);
  confab_xmpp_node_add_child (error, condition, CONFAB_XMPP_NS_STANZAS);
  return reply;
}

/* RFC 6120 §8.3.2: <error type='…'><condition xmlns='…stanzas'/><text/>. */
GError *
confab_xmpp_stanza_get_error (ConfabXmppNode *stanza)
{
  ConfabXmppNode *error = confab_xmpp_node_get_child (stanza, "error", NULL);
  const char *condition = NULL;
  const char *text = NULL;
  ConfabXmppStanzaError code;

  if (error != NULL)
    {
      for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (error);
           child != NULL;
           child = confab_xmpp_node_get_next_sibling (child))
        {
          if (g_strcmp0 (confab_xmpp_node_get_ns (child), CONFAB_XMPP_NS_STANZAS) != 0)
            continue;
          if (g_str_equal (confab_xmpp_node_get_name (child), "text"))
            text = confab_xmpp_node_get_text (child);
          else if (condition == NULL)
            condition = confab_xmpp_node_get_name (child);
        }
    }

  code = confab_xmpp_stanza_error_from_condition (condition);
  return g_error_new (CONFAB_XMPP_STANZA_ERROR, code, "%s%s%s",
                      confab_xmpp_stanza_error_to_condition (code),
                      text != NULL && *text != '\0' ? ": " : "",
                      text != NULL ? text : "");
}

char *
confab_xmpp_new_id (void)
{
  guint8 bytes[12];

  /* GRand is seeded from /dev/urandom; ids need to be unguessable by other
   * entities, not secret keys. */
  for (gsize i = 0; i < sizeof bytes; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (bytes + i, &r, 4);
    }
  return g_base64_encode (bytes, sizeof bytes);
}

typedef struct {
  ConfabJid *expected;  /* NULL: the own account */
  GTask     *task;
} Pending;

static void
pending_free (Pending *pending)
{
  g_clear_pointer (&pending->expected, confab_jid_unref);
  g_clear_object (&pending->task);
  g_free (pending);
}

struct _ConfabXmppIqTracker {
  GHashTable *pending;  /* id → Pending */
};

ConfabXmppIqTracker *
confab_xmpp_iq_tracker_new (void)
{
  ConfabXmppIqTracker *tracker = g_new0 (ConfabXmppIqTracker, 1);

  tracker->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) pending_free);
  return tracker;
}

void
confab_xmpp_iq_tracker_free (ConfabXmppIqTracker *tracker)
{
  if (tracker == NULL)
    return;
  g_hash_table_unref (tracker->pending);
  g_free (tracker);
}

void
confab_xmpp_iq_tracker_add (ConfabXmppIqTracker *tracker,
                            const char          *id,
                            ConfabJid           *expected,
                            GTask               *task)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->expected = expected != NULL ? confab_jid_ref (expected) : NULL;
  pending->task = g_object_ref (task);
  g_hash_table_replace (tracker->pending, g_strdup (id), pending);
}

/* Whether @from_attr may answer a request addressed to @expected. */
static gboolean
is_expected_sender (const char *from_attr,
                    ConfabJid  *expected,
                    ConfabJid  *own_jid)
{
  g_autoptr(ConfabJid) from = NULL;
  gboolean to_own_account;

  to_own_account = expected == NULL
                   || (confab_jid_is_bare (expected) && confab_jid_equal_bare (expected, own_jid));

  /* RFC 6120 §8.1.2.1: no 'from' means the server answered on behalf of the
   * account, so it is a valid reply to requests for the account or server. */
  if (from_attr == NULL)
    return to_own_account
           || (confab_jid_is_domain (expected)
               && g_str_equal (confab_jid_get_domain (expected), confab_jid_get_domain (own_jid)));

  from = confab_jid_parse (from_attr, NULL);
  if (from == NULL)
    return FALSE;
  if (to_own_account)
    return confab_jid_is_bare (from) && confab_jid_equal_bare (from, own_jid);
  return confab_jid_equal (from, expected);
}

gboolean
confab_xmpp_iq_tracker_handle (ConfabXmppIqTracker *tracker,
                               ConfabXmppNode      *iq,
                               ConfabJid           *own_jid)
{
  const char *id = confab_xmpp_node_get_attr (iq, "id");
  const char *type = confab_xmpp_node_get_attr (iq, "type");
  Pending *pending;
  g_autoptr(GTask) task = NULL;

  if (id == NULL || type == NULL)
    return FALSE;
  if (!g_str_equal (type, "result") && !g_str_equal (type, "error"))
    return FALSE;

  pending = g_hash_table_lookup (tracker->pending, id);
  if (pending == NULL)
    return FALSE;
  if (!is_expected_sender (confab_xmpp_node_get_attr (iq, "from"), pending->expected, own_jid))
    {
      g_debug ("Ignoring IQ %s from %s: not from the entity we asked", id,
               confab_xmpp_node_get_attr (iq, "from"));
      return FALSE;
    }

  task = g_steal_pointer (&pending->task);
  g_hash_table_remove (tracker->pending, id);

  if (g_str_equal (type, "result"))
    g_task_return_pointer (task, confab_xmpp_node_ref (iq),
                           (GDestroyNotify) confab_xmpp_node_unref);
  else
    g_task_return_error (task, confab_xmpp_stanza_get_error (iq));
  return TRUE;
}

gboolean
confab_xmpp_iq_tracker_remove (ConfabXmppIqTracker *tracker,
                               const char          *id)
{
  return g_hash_table_remove (tracker->pending, id);
}

void
confab_xmpp_iq_tracker_fail_all (ConfabXmppIqTracker *tracker,
                                 const GError        *error)
{
  g_autoptr(GHashTable) pending = g_steal_pointer (&tracker->pending);
  GHashTableIter iter;
  Pending *value;

  /* Completing a task may run code that adds new requests: start afresh. */
  tracker->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) pending_free);
  g_hash_table_iter_init (&iter, pending);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &value))
    {
      g_autoptr(GTask) task = g_steal_pointer (&value->task);
      g_task_return_error (task, g_error_copy (error));
    }
}

guint
confab_xmpp_iq_tracker_get_n_pending (ConfabXmppIqTracker *tracker)
{
  return g_hash_table_size (tracker->pending);
}
