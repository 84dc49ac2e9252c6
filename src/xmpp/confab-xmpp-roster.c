/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-roster.h"

#include "confab-xmpp-error.h"
#include "confab-xmpp-iq.h"

#include <string.h>

/* ---- Subscription values --------------------------------------------------- */

static const char * const subscription_names[] = {
  [CONFAB_XMPP_SUBSCRIPTION_NONE] = "none",
  [CONFAB_XMPP_SUBSCRIPTION_TO] = "to",
  [CONFAB_XMPP_SUBSCRIPTION_FROM] = "from",
  [CONFAB_XMPP_SUBSCRIPTION_BOTH] = "both",
  [CONFAB_XMPP_SUBSCRIPTION_REMOVE] = "remove",
};

GType
confab_xmpp_subscription_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { CONFAB_XMPP_SUBSCRIPTION_NONE, "CONFAB_XMPP_SUBSCRIPTION_NONE", "none" },
        { CONFAB_XMPP_SUBSCRIPTION_TO, "CONFAB_XMPP_SUBSCRIPTION_TO", "to" },
        { CONFAB_XMPP_SUBSCRIPTION_FROM, "CONFAB_XMPP_SUBSCRIPTION_FROM", "from" },
        { CONFAB_XMPP_SUBSCRIPTION_BOTH, "CONFAB_XMPP_SUBSCRIPTION_BOTH", "both" },
        { CONFAB_XMPP_SUBSCRIPTION_REMOVE, "CONFAB_XMPP_SUBSCRIPTION_REMOVE", "remove" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("ConfabXmppSubscription"),
                                           values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

const char *
confab_xmpp_subscription_to_string (ConfabXmppSubscription subscription)
{
  g_return_val_if_fail ((guint) subscription < G_N_ELEMENTS (subscription_names), NULL);

  return subscription_names[subscription];
}

gboolean
confab_xmpp_subscription_from_string (const char             *text,
                                      ConfabXmppSubscription *subscription)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (subscription_names); i++)
    if (g_str_equal (text, subscription_names[i]))
      {
        if (subscription != NULL)
          *subscription = i;
        return TRUE;
      }
  return FALSE;
}

/* ---- Items ------------------------------------------------------------------ */

struct _ConfabXmppRosterItem {
  gatomicrefcount         ref_count;
  ConfabJid              *jid;
  char                   *name;
  ConfabXmppSubscription  subscription;
  gboolean                ask_subscribe;
  gboolean                approved;
  char                  **groups;
};

G_DEFINE_BOXED_TYPE (ConfabXmppRosterItem, confab_xmpp_roster_item,
                     confab_xmpp_roster_item_ref, confab_xmpp_roster_item_unref)

/* A copy of @text cut to at most @max_bytes - 1 bytes without splitting a
 * character. The parser guarantees valid UTF-8. */
static char *
bounded_strdup (const char *text,
                gsize       max_bytes)
{
  gsize len = strlen (text);
  const char *end;

  if (len < max_bytes)
    return g_strdup (text);
  end = g_utf8_find_prev_char (text, text + max_bytes);
  return g_strndup (text, end != NULL ? (gsize) (end - text) : 0);
}

/* RFC 6121 §2.1.2.6: a group name is non-empty; an item is in each group at
 * most once. */
static char **
normalize_groups (GPtrArray *names)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *group = bounded_strdup (g_ptr_array_index (names, i),
                                               CONFAB_XMPP_ROSTER_MAX_NAME_BYTES);
      gboolean seen = FALSE;

      if (*group == '\0')
        continue;
      for (guint j = 0; j < groups->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (groups, j), group);
      if (seen)
        continue;
      if (groups->len >= CONFAB_XMPP_ROSTER_MAX_GROUPS)
        break;
      g_ptr_array_add (groups, g_steal_pointer (&group));
    }
  g_ptr_array_add (groups, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&groups), FALSE);
}

ConfabXmppRosterItem *
confab_xmpp_roster_item_new (ConfabJid              *jid,
                             const char             *name,
                             ConfabXmppSubscription  subscription,
                             gboolean                ask_subscribe,
                             const char * const     *groups)
{
  ConfabXmppRosterItem *item;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail ((guint) subscription < G_N_ELEMENTS (subscription_names), NULL);

  for (gsize i = 0; groups != NULL && groups[i] != NULL; i++)
    g_ptr_array_add (names, (gpointer) groups[i]);

  item = g_new0 (ConfabXmppRosterItem, 1);
  g_atomic_ref_count_init (&item->ref_count);
  item->jid = confab_jid_ref (jid);
  item->name = name != NULL && *name != '\0'
               ? bounded_strdup (name, CONFAB_XMPP_ROSTER_MAX_NAME_BYTES) : NULL;
  item->subscription = subscription;
  item->ask_subscribe = !!ask_subscribe;
  item->groups = normalize_groups (names);
  return item;
}

ConfabXmppRosterItem *
confab_xmpp_roster_item_ref (ConfabXmppRosterItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);

  g_atomic_ref_count_inc (&item->ref_count);
  return item;
}

void
confab_xmpp_roster_item_unref (ConfabXmppRosterItem *item)
{
  g_return_if_fail (item != NULL);

  if (!g_atomic_ref_count_dec (&item->ref_count))
    return;
  confab_jid_unref (item->jid);
  g_free (item->name);
  g_strfreev (item->groups);
  g_free (item);
}

ConfabJid *
confab_xmpp_roster_item_get_jid (ConfabXmppRosterItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return item->jid;
}

const char *
confab_xmpp_roster_item_get_name (ConfabXmppRosterItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return item->name;
}

ConfabXmppSubscription
confab_xmpp_roster_item_get_subscription (ConfabXmppRosterItem *item)
{
  g_return_val_if_fail (item != NULL, CONFAB_XMPP_SUBSCRIPTION_NONE);
  return item->subscription;
}

gboolean
confab_xmpp_roster_item_get_ask_subscribe (ConfabXmppRosterItem *item)
{
  g_return_val_if_fail (item != NULL, FALSE);
  return item->ask_subscribe;
}

gboolean
confab_xmpp_roster_item_get_approved (ConfabXmppRosterItem *item)
{
  g_return_val_if_fail (item != NULL, FALSE);
  return item->approved;
}

const char * const *
confab_xmpp_roster_item_get_groups (ConfabXmppRosterItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  return (const char * const *) item->groups;
}

/* ---- Parsing ---------------------------------------------------------------- */

static gboolean
bad_request (GError     **error,
             const char  *message)
{
  g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR,
                       CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST, message);
  return FALSE;
}

/* RFC 6121 §2.1.2: <item jid='' [name=''] [subscription=''] [ask='subscribe']
 * [approved='true']><group/>*</item>. */
ConfabXmppRosterItem *
confab_xmpp_roster_item_parse (ConfabXmppNode  *node,
                               gboolean         allow_remove,
                               GError         **error)
{
  g_autoptr(ConfabJid) jid = NULL;
  g_autoptr(GPtrArray) names = NULL;
  ConfabXmppRosterItem *item;
  const char *text;
  const char *approved;
  ConfabXmppSubscription subscription = CONFAB_XMPP_SUBSCRIPTION_NONE;
  guint n_groups = 0;

  g_return_val_if_fail (node != NULL, NULL);

  if (!confab_xmpp_node_is (node, "item", CONFAB_XMPP_NS_ROSTER))
    {
      bad_request (error, "Not a roster item");
      return NULL;
    }

  /* §2.1.2.3: 'jid' is required. */
  text = confab_xmpp_node_get_attr (node, "jid");
  if (text == NULL || (jid = confab_jid_parse (text, NULL)) == NULL)
    {
      bad_request (error, text == NULL ? "Roster item without a JID"
                                       : "Roster item with an invalid JID");
      return NULL;
    }

  /* §2.1.2.5: absent means "none"; any value outside the schema makes the
   * item unusable (we cannot tell what the server meant). */
  text = confab_xmpp_node_get_attr (node, "subscription");
  if (text != NULL && !confab_xmpp_subscription_from_string (text, &subscription))
    {
      bad_request (error, "Roster item with an unknown subscription state");
      return NULL;
    }
  if (subscription == CONFAB_XMPP_SUBSCRIPTION_REMOVE && !allow_remove)
    {
      bad_request (error, "Roster item with subscription 'remove' outside a push");
      return NULL;
    }

  names = g_ptr_array_new ();
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (node);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      /* Do not even look at more <group/> elements than could be kept:
       * a hostile item may hold a million of them. */
      if (!confab_xmpp_node_is (child, "group", CONFAB_XMPP_NS_ROSTER))
        continue;
      if (++n_groups > CONFAB_XMPP_ROSTER_MAX_GROUPS * 4)
        break;
      g_ptr_array_add (names, (gpointer) confab_xmpp_node_get_text (child));
    }
  g_ptr_array_add (names, NULL);

  /* §2.1.2.2: the only defined value is "subscribe"; anything else (RFC 3921
   * also had "unsubscribe") is treated as no pending request rather than
   * losing the whole item. */
  item = confab_xmpp_roster_item_new (jid, confab_xmpp_node_get_attr (node, "name"), subscription,
                                      g_strcmp0 (confab_xmpp_node_get_attr (node, "ask"), "subscribe") == 0,
                                      (const char * const *) names->pdata);
  /* §2.1.2.1: approved is an XML boolean. */
  approved = confab_xmpp_node_get_attr (node, "approved");
  item->approved = g_strcmp0 (approved, "true") == 0 || g_strcmp0 (approved, "1") == 0;
  return item;
}

GPtrArray *
confab_xmpp_roster_parse_query (ConfabXmppNode  *query,
                                char           **version,
                                GError         **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) seen = NULL;

  g_return_val_if_fail (query != NULL, NULL);

  if (version != NULL)
    *version = NULL;
  if (!confab_xmpp_node_is (query, "query", CONFAB_XMPP_NS_ROSTER))
    {
      bad_request (error, "Not a roster query");
      return NULL;
    }

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_roster_item_unref);
  seen = g_hash_table_new (confab_jid_hash, confab_jid_equal_func);
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (query);
       child != NULL && items->len < CONFAB_XMPP_ROSTER_MAX_ITEMS;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      g_autoptr(GError) local_error = NULL;
      ConfabXmppRosterItem *item;

      if (!confab_xmpp_node_is (child, "item", CONFAB_XMPP_NS_ROSTER))
        continue;
      /* One bad item from a buggy server should not cost the whole roster. */
      item = confab_xmpp_roster_item_parse (child, FALSE, &local_error);
      if (item == NULL)
        {
          g_debug ("Skipping a roster item: %s", local_error->message);
          continue;
        }
      /* A JID is in the roster at most once (§2.1.2.3); keep the first. */
      if (g_hash_table_contains (seen, item->jid))
        {
          confab_xmpp_roster_item_unref (item);
          continue;
        }
      g_hash_table_add (seen, item->jid);
      g_ptr_array_add (items, item);
    }

  if (version != NULL)
    *version = g_strdup (confab_xmpp_node_get_attr (query, "ver"));
  return g_steal_pointer (&items);
}

gboolean
confab_xmpp_stanza_is_from_account (ConfabXmppNode *stanza,
                                    ConfabJid      *own_jid)
{
  const char *from;
  g_autoptr(ConfabJid) jid = NULL;

  g_return_val_if_fail (stanza != NULL, FALSE);
  g_return_val_if_fail (own_jid != NULL, FALSE);

  from = confab_xmpp_node_get_attr (stanza, "from");
  if (from == NULL)
    return TRUE;
  jid = confab_jid_parse (from, NULL);
  return jid != NULL && confab_jid_is_bare (jid) && confab_jid_equal_bare (jid, own_jid);
}

ConfabXmppRosterItem *
confab_xmpp_roster_parse_push (ConfabXmppNode  *iq,
                               ConfabJid       *own_jid,
                               char           **version,
                               GError         **error)
{
  ConfabXmppNode *query;
  ConfabXmppNode *item_node = NULL;
  ConfabXmppRosterItem *item;

  g_return_val_if_fail (iq != NULL, NULL);
  g_return_val_if_fail (own_jid != NULL, NULL);

  if (version != NULL)
    *version = NULL;

  if (!confab_xmpp_node_is (iq, "iq", CONFAB_XMPP_NS_CLIENT)
      || g_strcmp0 (confab_xmpp_node_get_attr (iq, "type"), "set") != 0)
    {
      bad_request (error, "A roster push is an IQ set");
      return NULL;
    }

  /* RFC 6121 §2.1.6 (security warning): only the server may push, so a
   * client MUST ignore a push unless it has no 'from' or a 'from' equal to
   * the user's bare JID. Anything else is a spoofing attempt, e.g. a
   * contact trying to insert itself into our roster. Our own full JID is
   * another client of ours, not the server, and is refused as well. The
   * push is answered with service-unavailable, which is what any entity
   * that does not handle the namespace says: it changes nothing and tells
   * the sender nothing (RFC 6120 §8.2.3 still wants an answer to a set). */
  if (!confab_xmpp_stanza_is_from_account (iq, own_jid))
    {
      g_set_error_literal (error, CONFAB_XMPP_STANZA_ERROR,
                           CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE,
                           "Roster push from an entity other than the server");
      return NULL;
    }

  query = confab_xmpp_node_get_child (iq, "query", CONFAB_XMPP_NS_ROSTER);
  if (query == NULL)
    {
      bad_request (error, "Roster push without a roster query");
      return NULL;
    }

  /* §2.1.6: a push carries exactly one item. */
  for (ConfabXmppNode *child = confab_xmpp_node_get_first_child (query);
       child != NULL;
       child = confab_xmpp_node_get_next_sibling (child))
    {
      if (!confab_xmpp_node_is (child, "item", CONFAB_XMPP_NS_ROSTER))
        continue;
      if (item_node != NULL)
        {
          bad_request (error, "Roster push with more than one item");
          return NULL;
        }
      item_node = child;
    }
  if (item_node == NULL)
    {
      bad_request (error, "Roster push without an item");
      return NULL;
    }

  item = confab_xmpp_roster_item_parse (item_node, TRUE, error);
  if (item != NULL && version != NULL)
    *version = g_strdup (confab_xmpp_node_get_attr (query, "ver"));
  return item;
}

ConfabXmppNode *
confab_xmpp_roster_new_set_iq (ConfabJid          *jid,
                               const char         *name,
                               const char * const *groups,
                               gboolean            remove)
{
  ConfabXmppNode *iq;
  ConfabXmppNode *query;
  ConfabXmppNode *item;
  g_autoptr(ConfabXmppRosterItem) normalized = NULL;

  g_return_val_if_fail (jid != NULL, NULL);

  iq = confab_xmpp_iq_new ("set", NULL, NULL);
  query = confab_xmpp_node_add_child (iq, "query", CONFAB_XMPP_NS_ROSTER);
  item = confab_xmpp_node_add_child (query, "item", NULL);
  confab_xmpp_node_set_attr (item, "jid", confab_jid_to_string (jid));
  if (remove)
    {
      /* RFC 6121 §2.5.2. */
      confab_xmpp_node_set_attr (item, "subscription", "remove");
      return iq;
    }

  /* RFC 6121 §2.3.2: the client sets name and groups only; 'subscription'
   * and 'ask' are the server's to decide. The same normalization as for
   * inbound items, so we never send duplicate or empty groups (§2.3.3). */
  normalized = confab_xmpp_roster_item_new (jid, name, CONFAB_XMPP_SUBSCRIPTION_NONE, FALSE, groups);
  if (normalized->name != NULL)
    confab_xmpp_node_set_attr (item, "name", normalized->name);
  for (gsize i = 0; normalized->groups[i] != NULL; i++)
    confab_xmpp_node_set_text (confab_xmpp_node_add_child (item, "group", NULL),
                               normalized->groups[i]);
  return iq;
}

/* ---- The module ------------------------------------------------------------- */

struct _ConfabXmppRoster {
  GObject           parent_instance;

  ConfabXmppStream *stream;         /* not owned: set between attach and detach */
  GCancellable     *cancellable;    /* for requests of the current attachment */
  char             *version;
};

static void confab_xmpp_roster_module_init (ConfabXmppModuleInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabXmppRoster, confab_xmpp_roster, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONFAB_TYPE_XMPP_MODULE,
                                                      confab_xmpp_roster_module_init))

enum {
  ROSTER_RECEIVED,
  ITEM_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static ConfabJid *
own_jid (ConfabXmppStream *stream)
{
  ConfabJid *bound = confab_xmpp_stream_get_bound_jid (stream);

  return bound != NULL ? bound : confab_xmpp_stream_get_jid (stream);
}

static gboolean
handle_push (ConfabXmppStream *stream,
             ConfabXmppNode   *iq,
             gpointer          user_data)
{
  ConfabXmppRoster *self = user_data;
  g_autoptr(ConfabXmppRosterItem) item = NULL;
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;

  g_assert (CONFAB_IS_XMPP_ROSTER (self));

  /* A roster get addressed to a client makes no sense: let the stream
   * answer service-unavailable. */
  if (g_strcmp0 (confab_xmpp_node_get_attr (iq, "type"), "set") != 0)
    return FALSE;

  item = confab_xmpp_roster_parse_push (iq, own_jid (stream), &version, &error);
  if (item == NULL)
    {
      g_debug ("Refusing a roster push: %s", error->message);
      reply = confab_xmpp_iq_new_error (iq, error->code == CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST
                                            ? "modify" : "cancel",
                                        confab_xmpp_stanza_error_to_condition (error->code));
      confab_xmpp_stream_send (stream, reply);
      return TRUE;
    }

  /* §2.1.6: acknowledge with an empty result. */
  reply = confab_xmpp_iq_new_result (iq);
  confab_xmpp_stream_send (stream, reply);

  /* §2.6.3: each push carries the version it brings the roster to. */
  if (version != NULL)
    {
      g_free (self->version);
      self->version = g_strdup (version);
    }
  g_signal_emit (self, signals[ITEM_CHANGED], 0, item, version);
  return TRUE;
}

typedef struct {
  GPtrArray *items;    /* NULL: unchanged */
  char      *version;
} FetchResult;

static void
fetch_result_free (FetchResult *result)
{
  g_clear_pointer (&result->items, g_ptr_array_unref);
  g_free (result->version);
  g_free (result);
}

static void
fetched_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConfabXmppRoster *self = g_task_get_source_object (task);
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) empty = NULL;
  FetchResult *fetched;
  ConfabXmppNode *query;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fetched = g_new0 (FetchResult, 1);
  query = confab_xmpp_node_get_child (reply, "query", CONFAB_XMPP_NS_ROSTER);
  if (query == NULL)
    {
      /* RFC 6121 §2.6.3: an empty result means the version we sent is
       * current and any changes follow as pushes. Without a version sent
       * that would be nonsense; treat it as an empty roster then. */
      if (self->version == NULL)
        fetched->items = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_roster_item_unref);
      fetched->version = g_strdup (self->version);
    }
  else
    {
      fetched->items = confab_xmpp_roster_parse_query (query, &fetched->version, &error);
      if (fetched->items == NULL)
        {
          fetch_result_free (fetched);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* §2.6.3: a full roster from a versioning server has the new 'ver';
       * without one the server does not version and we stop asking. */
      g_free (self->version);
      self->version = g_strdup (fetched->version);
    }

  if (fetched->items == NULL)
    empty = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_roster_item_unref);
  g_signal_emit (self, signals[ROSTER_RECEIVED], 0,
                 fetched->items != NULL ? fetched->items : empty,
                 fetched->version, fetched->items != NULL);
  g_task_return_pointer (task, fetched, (GDestroyNotify) fetch_result_free);
}

static GTask *
new_stream_task (ConfabXmppRoster    *self,
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
                               "The roster needs a connected session");
      g_clear_object (&task);
    }
  return task;
}

void
confab_xmpp_roster_fetch_async (ConfabXmppRoster    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;
  ConfabXmppNode *query;

  g_return_if_fail (CONFAB_IS_XMPP_ROSTER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_stream_task (self, confab_xmpp_roster_fetch_async, cancellable, callback, user_data);
  if (task == NULL)
    return;

  /* RFC 6121 §2.1.3 and §2.6.2. The server should advertise roster
   * versioning (urn:xmpp:features:rosterver) before we send 'ver'; stream
   * features are not exposed to modules yet, so a stored version is the
   * caller's statement that the server versions, and a server that does
   * not simply ignores the attribute (§2.6.3). */
  iq = confab_xmpp_iq_new ("get", NULL, NULL);
  query = confab_xmpp_node_add_child (iq, "query", CONFAB_XMPP_NS_ROSTER);
  if (self->version != NULL)
    confab_xmpp_node_set_attr (query, "ver", self->version);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable,
                                    fetched_cb, g_steal_pointer (&task));
}

gboolean
confab_xmpp_roster_fetch_finish (ConfabXmppRoster  *self,
                                 GAsyncResult      *result,
                                 GPtrArray        **items,
                                 char             **version,
                                 GError           **error)
{
  FetchResult *fetched;

  g_return_val_if_fail (CONFAB_IS_XMPP_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (items != NULL)
    *items = NULL;
  if (version != NULL)
    *version = NULL;
  fetched = g_task_propagate_pointer (G_TASK (result), error);
  if (fetched == NULL)
    return FALSE;
  if (items != NULL)
    *items = g_steal_pointer (&fetched->items);
  if (version != NULL)
    *version = g_steal_pointer (&fetched->version);
  fetch_result_free (fetched);
  return TRUE;
}

static void
initial_fetch_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* ::roster-received was emitted on success; nothing else to do. */
  if (!confab_xmpp_roster_fetch_finish (CONFAB_XMPP_ROSTER (object), result, NULL, NULL, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Fetching the roster failed: %s", error->message);
}

static void
on_session_started (ConfabXmppStream *stream,
                    gboolean          resumed,
                    gpointer          user_data)
{
  ConfabXmppRoster *self = user_data;

  g_assert (CONFAB_IS_XMPP_ROSTER (self));

  /* A resumed session (XEP-0198) kept the server's state and missed no
   * pushes, so the roster we have is current. */
  if (resumed)
    return;
  confab_xmpp_roster_fetch_async (self, self->cancellable, initial_fetch_cb, NULL);
}

static void
iq_done_cb (GObject      *object,
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
confab_xmpp_roster_set_item_async (ConfabXmppRoster    *self,
                                   ConfabJid           *jid,
                                   const char          *name,
                                   const char * const  *groups,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XMPP_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_stream_task (self, confab_xmpp_roster_set_item_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  iq = confab_xmpp_roster_new_set_iq (jid, name, groups, FALSE);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, iq_done_cb,
                                    g_steal_pointer (&task));
}

gboolean
confab_xmpp_roster_set_item_finish (ConfabXmppRoster  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
confab_xmpp_roster_remove_item_async (ConfabXmppRoster    *self,
                                      ConfabJid           *jid,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabXmppNode) iq = NULL;

  g_return_if_fail (CONFAB_IS_XMPP_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = new_stream_task (self, confab_xmpp_roster_remove_item_async, cancellable, callback, user_data);
  if (task == NULL)
    return;
  iq = confab_xmpp_roster_new_set_iq (jid, NULL, NULL, TRUE);
  confab_xmpp_stream_send_iq_async (self->stream, iq, 0, cancellable, iq_done_cb,
                                    g_steal_pointer (&task));
}

gboolean
confab_xmpp_roster_remove_item_finish (ConfabXmppRoster  *self,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
confab_xmpp_roster_set_version (ConfabXmppRoster *self,
                                const char       *version)
{
  g_return_if_fail (CONFAB_IS_XMPP_ROSTER (self));

  if (g_strcmp0 (self->version, version) == 0)
    return;
  g_free (self->version);
  self->version = g_strdup (version);
}

const char *
confab_xmpp_roster_get_version (ConfabXmppRoster *self)
{
  g_return_val_if_fail (CONFAB_IS_XMPP_ROSTER (self), NULL);

  return self->version;
}

static void
confab_xmpp_roster_attach (ConfabXmppModule *module,
                           ConfabXmppStream *stream)
{
  ConfabXmppRoster *self = CONFAB_XMPP_ROSTER (module);

  g_return_if_fail (self->stream == NULL);

  self->stream = stream;
  self->cancellable = g_cancellable_new ();
  confab_xmpp_stream_add_iq_handler (stream, "query", CONFAB_XMPP_NS_ROSTER, handle_push, self);
  g_signal_connect_object (stream, "session-started", G_CALLBACK (on_session_started),
                           self, 0);
}

static void
confab_xmpp_roster_detach (ConfabXmppModule *module,
                           ConfabXmppStream *stream)
{
  ConfabXmppRoster *self = CONFAB_XMPP_ROSTER (module);

  g_return_if_fail (self->stream == stream);

  confab_xmpp_stream_remove_iq_handler (stream, "query", CONFAB_XMPP_NS_ROSTER);
  g_signal_handlers_disconnect_by_data (stream, self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->stream = NULL;
}

static void
confab_xmpp_roster_module_init (ConfabXmppModuleInterface *iface)
{
  iface->attach = confab_xmpp_roster_attach;
  iface->detach = confab_xmpp_roster_detach;
}

static void
confab_xmpp_roster_dispose (GObject *object)
{
  ConfabXmppRoster *self = CONFAB_XMPP_ROSTER (object);

  if (self->stream != NULL)
    confab_xmpp_roster_detach (CONFAB_XMPP_MODULE (self), self->stream);
  G_OBJECT_CLASS (confab_xmpp_roster_parent_class)->dispose (object);
}

static void
confab_xmpp_roster_finalize (GObject *object)
{
  ConfabXmppRoster *self = CONFAB_XMPP_ROSTER (object);

  g_free (self->version);
  G_OBJECT_CLASS (confab_xmpp_roster_parent_class)->finalize (object);
}

static void
confab_xmpp_roster_class_init (ConfabXmppRosterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_xmpp_roster_dispose;
  object_class->finalize = confab_xmpp_roster_finalize;

  /**
   * ConfabXmppRoster::roster-received:
   * @items: (element-type ConfabXmppRosterItem): the roster's items; empty
   *   when @is_full is %FALSE
   * @version: (nullable): the roster version to store (RFC 6121 §2.6)
   * @is_full: %TRUE for a complete roster that replaces the stored one,
   *   %FALSE when the server said the stored version is current
   *
   * Emitted when a roster fetch completes.
   */
  signals[ROSTER_RECEIVED] =
    g_signal_new ("roster-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_PTR_ARRAY | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_BOOLEAN);
  /**
   * ConfabXmppRoster::item-changed:
   * @item: the item as it is now; subscription %CONFAB_XMPP_SUBSCRIPTION_REMOVE
   *   means it was removed
   * @version: (nullable): the roster version after this change
   *
   * Emitted for each accepted roster push (RFC 6121 §2.1.6).
   */
  signals[ITEM_CHANGED] =
    g_signal_new ("item-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  CONFAB_TYPE_XMPP_ROSTER_ITEM | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
confab_xmpp_roster_init (ConfabXmppRoster *self)
{
}

ConfabXmppRoster *
confab_xmpp_roster_new (void)
{
  return g_object_new (CONFAB_TYPE_XMPP_ROSTER, NULL);
}
