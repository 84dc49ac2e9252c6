/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-account.h"
#include "confab-contact-private.h"
#include "confab-core-error.h"
#include "confab-roster-model-private.h"
#include "xep/xep-0191-blocking.h"

/*
 * The model keeps one ConfabContact per bare JID it has heard of (roster
 * items and subscription requesters) in @by_jid; @contacts holds those in
 * the roster, sorted with _confab_contact_compare(), so one change is a
 * binary search and one or two items-changed, never a reset.
 */
struct _ConfabRosterModel
{
  GObject             parent_instance;

  ConfabAccount      *account;     /* weak: the account owns us */
  ConfabXmppStream   *stream;
  GPtrArray          *contacts;    /* of ConfabContact, in the roster, sorted */
  GHashTable         *by_jid;      /* bare JID → ConfabContact (owned) */
  GHashTable         *blocked;     /* bare JIDs on the XEP-0191 blocklist */
  GListStore         *requests;    /* of ConfabContact, oldest first */
  GCancellable       *cancellable;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabRosterModel, confab_roster_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* ---- GListModel ------------------------------------------------------------ */

static GType
get_item_type (GListModel *model)
{
  return CONFAB_TYPE_CONTACT;
}

static guint
get_n_items (GListModel *model)
{
  return CONFAB_ROSTER_MODEL (model)->contacts->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  ConfabRosterModel *self = CONFAB_ROSTER_MODEL (model);

  if (position >= self->contacts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->contacts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- Modules --------------------------------------------------------------- */

static ConfabXmppRoster *
roster_module (ConfabRosterModel *self)
{
  return (ConfabXmppRoster *) confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_ROSTER);
}

static ConfabXmppPresence *
presence_module (ConfabRosterModel *self)
{
  return (ConfabXmppPresence *) confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_PRESENCE);
}

static ConfabXepBlocking *
blocking_module (ConfabRosterModel *self)
{
  return (ConfabXepBlocking *) confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XEP_BLOCKING);
}

/* ---- The sorted list ------------------------------------------------------- */

/* Where @contact is or would go; *@found tells which. */
static guint
bisect (ConfabRosterModel *self,
        ConfabContact     *contact,
        gboolean          *found)
{
  guint lo = 0, hi = self->contacts->len;

  *found = FALSE;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      ConfabContact *other = g_ptr_array_index (self->contacts, mid);
      int cmp = other == contact ? 0 : _confab_contact_compare (other, contact);

      if (cmp == 0)
        {
          *found = other == contact;
          return mid;
        }
      if (cmp < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The position of @contact in the list, or -1. Called before its sort key
 * changes, so the binary search finds it. */
static int
find_position (ConfabRosterModel *self,
               ConfabContact     *contact)
{
  gboolean found;
  guint position = bisect (self, contact, &found);

  if (found)
    return (int) position;
  /* Its key changed since: look it up the slow way (only on renames). */
  for (guint i = 0; i < self->contacts->len; i++)
    if (g_ptr_array_index (self->contacts, i) == contact)
      return (int) i;
  return -1;
}

static void
insert_sorted (ConfabRosterModel *self,
               ConfabContact     *contact)
{
  gboolean found;
  guint position = bisect (self, contact, &found);

  if (found)
    return;
  g_ptr_array_insert (self->contacts, position, g_object_ref (contact));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

static void
remove_at (ConfabRosterModel *self,
           guint              position)
{
  g_ptr_array_remove_index (self->contacts, position);
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 0);
}

static ConfabContact *
ensure_contact (ConfabRosterModel *self,
                const char        *bare)
{
  ConfabContact *contact = g_hash_table_lookup (self->by_jid, bare);

  if (contact == NULL)
    {
      contact = _confab_contact_new (self->account, bare);
      g_hash_table_insert (self->by_jid, g_strdup (bare), contact);
      _confab_contact_set_blocked (contact, g_hash_table_contains (self->blocked, bare));
      if (self->stream != NULL && presence_module (self) != NULL)
        {
          g_autoptr(ConfabJid) jid = confab_jid_parse (bare, NULL);
          g_autoptr(GPtrArray) resources = NULL;

          if (jid != NULL)
            resources = confab_xmpp_presence_get_resources (presence_module (self), jid);
          _confab_contact_set_resources (contact, resources);
        }
    }
  return contact;
}

/* Forgets a contact that is neither in the roster nor asking. */
static void
maybe_forget (ConfabRosterModel *self,
              ConfabContact     *contact)
{
  guint position;

  if (confab_contact_get_in_roster (contact)
      || g_list_store_find (self->requests, contact, &position))
    return;
  g_hash_table_remove (self->by_jid, confab_contact_get_jid (contact));
}

static void
remove_request (ConfabRosterModel *self,
                const char        *bare)
{
  ConfabContact *contact = g_hash_table_lookup (self->by_jid, bare);
  guint position;

  if (contact != NULL && g_list_store_find (self->requests, contact, &position))
    {
      g_list_store_remove (self->requests, position);
      maybe_forget (self, contact);
    }
}

/* ---- Roster events (RFC 6121 §2) ---------------------------------------------- */

static void
apply_item (ConfabRosterModel    *self,
            ConfabXmppRosterItem *item)
{
  const char *bare = confab_jid_get_bare_string (confab_xmpp_roster_item_get_jid (item));
  ConfabXmppSubscription subscription = confab_xmpp_roster_item_get_subscription (item);
  ConfabContact *contact;
  int old_position = -1;
  gboolean was_in_roster;

  if (subscription == CONFAB_XMPP_SUBSCRIPTION_REMOVE)
    {
      contact = g_hash_table_lookup (self->by_jid, bare);
      if (contact == NULL)
        return;
      if (confab_contact_get_in_roster (contact))
        old_position = find_position (self, contact);
      g_object_ref (contact);
      _confab_contact_set_item (contact, NULL);
      if (old_position >= 0)
        remove_at (self, old_position);
      maybe_forget (self, contact);
      g_object_unref (contact);
      return;
    }

  contact = ensure_contact (self, bare);
  was_in_roster = confab_contact_get_in_roster (contact);
  if (was_in_roster)
    old_position = find_position (self, contact);

  if (_confab_contact_set_item (contact, item) && old_position >= 0)
    {
      /* Renamed: it moves (a removal and an insertion). */
      g_object_ref (contact);
      remove_at (self, old_position);
      insert_sorted (self, contact);
      g_object_unref (contact);
    }
  else if (old_position < 0)
    insert_sorted (self, contact);

  /* RFC 6121 §3.1.5: once they are subscribed to us, their request is
   * answered (by us here or on another device). */
  if (subscription == CONFAB_XMPP_SUBSCRIPTION_FROM ||
      subscription == CONFAB_XMPP_SUBSCRIPTION_BOTH)
    remove_request (self, bare);
}

static void
item_changed_cb (ConfabXmppRoster     *roster,
                 ConfabXmppRosterItem *item,
                 const char           *version,
                 ConfabRosterModel    *self)
{
  apply_item (self, item);
}

static int
compare_contacts (gconstpointer a,
                  gconstpointer b)
{
  return _confab_contact_compare (*(ConfabContact * const *) a, *(ConfabContact * const *) b);
}

static void
roster_received_cb (ConfabXmppRoster  *roster,
                    GPtrArray         *items,
                    const char        *version,
                    gboolean           is_full,
                    ConfabRosterModel *self)
{
  g_autoptr(GHashTable) present = NULL;
  g_autoptr(GPtrArray) known = NULL;
  guint old_len = self->contacts->len;

  if (!is_full)
    return;

  /* Again (a new session): applied item by item, so a list on screen keeps
   * its place; only what changed moves. */
  if (old_len > 0)
    {
      present = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < items->len; i++)
        {
          ConfabXmppRosterItem *item = g_ptr_array_index (items, i);

          if (confab_xmpp_roster_item_get_subscription (item) == CONFAB_XMPP_SUBSCRIPTION_REMOVE)
            continue;
          g_hash_table_add (present, (gpointer) confab_jid_get_bare_string (confab_xmpp_roster_item_get_jid (item)));
        }
      for (guint i = self->contacts->len; i > 0; i--)
        {
          ConfabContact *contact = g_ptr_array_index (self->contacts, i - 1);

          if (!g_hash_table_contains (present, confab_contact_get_jid (contact)))
            {
              g_object_ref (contact);
              _confab_contact_set_item (contact, NULL);
              remove_at (self, i - 1);
              maybe_forget (self, contact);
              g_object_unref (contact);
            }
        }
      for (guint i = 0; i < items->len; i++)
        apply_item (self, g_ptr_array_index (items, i));
      return;
    }

  /* The first roster: built at once, as one change. */
  present = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < items->len; i++)
    {
      ConfabXmppRosterItem *item = g_ptr_array_index (items, i);
      const char *bare = confab_jid_get_bare_string (confab_xmpp_roster_item_get_jid (item));
      ConfabContact *contact = ensure_contact (self, bare);

      _confab_contact_set_item (contact, item);
      g_hash_table_add (present, (gpointer) confab_contact_get_jid (contact));
    }

  known = g_ptr_array_new_with_free_func (g_object_unref);
  {
    GHashTableIter iter;
    ConfabContact *contact;

    g_hash_table_iter_init (&iter, self->by_jid);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &contact))
      g_ptr_array_add (known, g_object_ref (contact));
  }
  g_ptr_array_set_size (self->contacts, 0);
  for (guint i = 0; i < known->len; i++)
    {
      ConfabContact *contact = g_ptr_array_index (known, i);

      if (!g_hash_table_contains (present, confab_contact_get_jid (contact)))
        {
          _confab_contact_set_item (contact, NULL);
          maybe_forget (self, contact);
          continue;
        }
      g_ptr_array_add (self->contacts, g_object_ref (contact));
    }
  g_ptr_array_sort (self->contacts, compare_contacts);
  if (old_len > 0 || self->contacts->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->contacts->len);

  for (guint i = 0; i < self->contacts->len; i++)
    {
      ConfabContact *contact = g_ptr_array_index (self->contacts, i);
      ConfabXmppSubscription subscription = confab_contact_get_subscription (contact);

      if (subscription == CONFAB_XMPP_SUBSCRIPTION_FROM ||
          subscription == CONFAB_XMPP_SUBSCRIPTION_BOTH)
        remove_request (self, confab_contact_get_jid (contact));
    }
}

/* ---- Presence events (RFC 6121 §3, §4) ------------------------------------------ */

static void
presence_changed_cb (ConfabXmppPresence     *presence,
                     ConfabXmppPresenceInfo *info,
                     ConfabRosterModel      *self)
{
  ConfabJid *jid = confab_xmpp_presence_info_get_jid (info);
  ConfabContact *contact = g_hash_table_lookup (self->by_jid, confab_jid_get_bare_string (jid));
  g_autoptr(GPtrArray) resources = NULL;

  if (contact == NULL)
    return;
  resources = confab_xmpp_presence_get_resources (presence, jid);
  _confab_contact_set_resources (contact, resources);
}

/* Hostile-network bound: a flood of requests from strangers cannot grow
 * the list (and our memory) without end; the first ones stay. */
#define MAX_REQUESTS 1000

static void
subscription_requested_cb (ConfabXmppPresence *presence,
                           ConfabJid          *jid,
                           const char         *status,
                           const char         *nick,
                           ConfabRosterModel  *self)
{
  const char *bare = confab_jid_get_bare_string (jid);
  ConfabContact *contact;
  ConfabXmppSubscription subscription;
  guint position;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->requests)) >= MAX_REQUESTS
      && g_hash_table_lookup (self->by_jid, bare) == NULL)
    {
      g_debug ("Ignoring a subscription request from %s: too many pending", bare);
      return;
    }
  contact = ensure_contact (self, bare);
  subscription = confab_contact_get_subscription (contact);
  /* Already approved: the server answers those itself (RFC 6121 §3.1.3). */
  if (subscription == CONFAB_XMPP_SUBSCRIPTION_FROM ||
      subscription == CONFAB_XMPP_SUBSCRIPTION_BOTH)
    return;
  if (!g_list_store_find (self->requests, contact, &position))
    g_list_store_append (self->requests, contact);
}

/* ---- Blocking events (XEP-0191) -------------------------------------------------- */

static void
set_blocked_jids (ConfabRosterModel *self,
                  GPtrArray         *jids,
                  gboolean           blocked)
{
  for (guint i = 0; jids != NULL && i < jids->len; i++)
    {
      ConfabJid *jid = g_ptr_array_index (jids, i);
      const char *text = confab_jid_to_string (jid);
      ConfabContact *contact;

      if (blocked)
        g_hash_table_add (self->blocked, g_strdup (text));
      else
        g_hash_table_remove (self->blocked, text);
      contact = g_hash_table_lookup (self->by_jid, text);
      if (contact != NULL)
        _confab_contact_set_blocked (contact, blocked);
    }
}

static void
blocked_cb (ConfabXepBlocking *blocking,
            GPtrArray         *jids,
            ConfabRosterModel *self)
{
  set_blocked_jids (self, jids, TRUE);
}

static void
unblock_all (ConfabRosterModel *self)
{
  GHashTableIter iter;
  ConfabContact *contact;

  g_hash_table_remove_all (self->blocked);
  g_hash_table_iter_init (&iter, self->by_jid);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &contact))
    _confab_contact_set_blocked (contact, FALSE);
}

static void
unblocked_cb (ConfabXepBlocking *blocking,
              GPtrArray         *jids,
              gboolean           all,
              ConfabRosterModel *self)
{
  if (all)
    unblock_all (self);
  else
    set_blocked_jids (self, jids, FALSE);
}

static void
blocklist_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ConfabRosterModel) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jids = NULL;

  jids = confab_xep_blocking_get_blocklist_finish (CONFAB_XEP_BLOCKING (object), result, &error);
  if (jids == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No blocklist: %s", error->message);
      return;
    }
  unblock_all (self);
  set_blocked_jids (self, jids, TRUE);
}

static void
session_started_cb (ConfabXmppStream  *stream,
                    gboolean           resumed,
                    ConfabRosterModel *self)
{
  ConfabXepBlocking *blocking = blocking_module (self);

  /* XEP-0191 §3.2: asking for the list also subscribes us to its pushes.
   * A server without blocking answers with an error, which is fine. */
  if (!resumed && blocking != NULL)
    confab_xep_blocking_get_blocklist_async (blocking, self->cancellable,
                                             blocklist_cb, g_object_ref (self));
}

/* ---- GObject --------------------------------------------------------------- */

static void
disconnect_modules (ConfabRosterModel *self)
{
  gpointer modules[3];

  if (self->stream == NULL)
    return;
  modules[0] = roster_module (self);
  modules[1] = presence_module (self);
  modules[2] = blocking_module (self);
  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    if (modules[i] != NULL)
      g_signal_handlers_disconnect_by_data (modules[i], self);
  g_signal_handlers_disconnect_by_data (self->stream, self);
}

static void
confab_roster_model_dispose (GObject *object)
{
  ConfabRosterModel *self = CONFAB_ROSTER_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  disconnect_modules (self);
  g_clear_object (&self->stream);
  g_clear_weak_pointer (&self->account);
  if (self->requests != NULL)
    g_list_store_remove_all (self->requests);
  if (self->contacts != NULL)
    g_ptr_array_set_size (self->contacts, 0);
  if (self->by_jid != NULL)
    g_hash_table_remove_all (self->by_jid);

  G_OBJECT_CLASS (confab_roster_model_parent_class)->dispose (object);
}

static void
confab_roster_model_finalize (GObject *object)
{
  ConfabRosterModel *self = CONFAB_ROSTER_MODEL (object);

  g_clear_pointer (&self->contacts, g_ptr_array_unref);
  g_clear_pointer (&self->by_jid, g_hash_table_unref);
  g_clear_pointer (&self->blocked, g_hash_table_unref);
  g_clear_object (&self->requests);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (confab_roster_model_parent_class)->finalize (object);
}

static void
confab_roster_model_class_init (ConfabRosterModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_roster_model_dispose;
  object_class->finalize = confab_roster_model_finalize;
}

static void
confab_roster_model_init (ConfabRosterModel *self)
{
  self->contacts = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_jid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->blocked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->requests = g_list_store_new (CONFAB_TYPE_CONTACT);
  self->cancellable = g_cancellable_new ();
}

ConfabRosterModel *
_confab_roster_model_new (ConfabAccount    *account,
                          ConfabXmppStream *stream)
{
  ConfabRosterModel *self = g_object_new (CONFAB_TYPE_ROSTER_MODEL, NULL);
  gpointer module;

  g_set_weak_pointer (&self->account, account);
  self->stream = g_object_ref (stream);

  if ((module = roster_module (self)) != NULL)
    {
      g_signal_connect (module, "roster-received", G_CALLBACK (roster_received_cb), self);
      g_signal_connect (module, "item-changed", G_CALLBACK (item_changed_cb), self);
    }
  if ((module = presence_module (self)) != NULL)
    {
      g_signal_connect (module, "presence-changed", G_CALLBACK (presence_changed_cb), self);
      g_signal_connect (module, "subscription-requested",
                        G_CALLBACK (subscription_requested_cb), self);
    }
  if ((module = blocking_module (self)) != NULL)
    {
      g_signal_connect (module, "blocked", G_CALLBACK (blocked_cb), self);
      g_signal_connect (module, "unblocked", G_CALLBACK (unblocked_cb), self);
    }
  g_signal_connect (stream, "session-started", G_CALLBACK (session_started_cb), self);
  return self;
}

void
_confab_roster_model_shutdown (ConfabRosterModel *self)
{
  g_return_if_fail (CONFAB_IS_ROSTER_MODEL (self));

  g_cancellable_cancel (self->cancellable);
  disconnect_modules (self);
  g_clear_object (&self->stream);
}

ConfabAccount *
confab_roster_model_get_account (ConfabRosterModel *self)
{
  g_return_val_if_fail (CONFAB_IS_ROSTER_MODEL (self), NULL);
  return self->account;
}

ConfabContact *
confab_roster_model_lookup (ConfabRosterModel *self,
                            const char        *jid)
{
  g_autoptr(ConfabJid) parsed = NULL;
  ConfabContact *contact;

  g_return_val_if_fail (CONFAB_IS_ROSTER_MODEL (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  contact = g_hash_table_lookup (self->by_jid, jid);
  if (contact == NULL && (parsed = confab_jid_parse (jid, NULL)) != NULL)
    contact = g_hash_table_lookup (self->by_jid, confab_jid_get_bare_string (parsed));
  if (contact == NULL || !confab_contact_get_in_roster (contact))
    return NULL;
  return contact;
}

GListModel *
confab_roster_model_get_requests (ConfabRosterModel *self)
{
  g_return_val_if_fail (CONFAB_IS_ROSTER_MODEL (self), NULL);
  return G_LIST_MODEL (self->requests);
}

/* ---- Actions ------------------------------------------------------------------ */

typedef struct {
  ConfabJid *jid;
  gboolean   blocked;
} ActionData;

static void
action_data_free (ActionData *data)
{
  g_clear_pointer (&data->jid, confab_jid_unref);
  g_free (data);
}

/* A new task for an action on bare JID @jid, or NULL once it failed. */
static GTask *
start_action (ConfabRosterModel   *self,
              const char          *jid,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(ConfabJid) parsed = jid != NULL ? confab_jid_parse (jid, NULL) : NULL;
  ActionData *data;

  g_task_set_source_tag (task, source_tag);
  if (parsed == NULL || confab_jid_get_resource (parsed) != NULL)
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                               "“%s” is not a valid contact address", jid != NULL ? jid : "");
      return NULL;
    }
  if (self->stream == NULL ||
      confab_xmpp_stream_get_state (self->stream) != CONFAB_XMPP_STREAM_STATE_BOUND)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "The account is not connected");
      return NULL;
    }
  data = g_new0 (ActionData, 1);
  data->jid = g_steal_pointer (&parsed);
  g_task_set_task_data (task, data, (GDestroyNotify) action_data_free);
  return g_steal_pointer (&task);
}

static void
item_set_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_xmpp_roster_set_item_finish (CONFAB_XMPP_ROSTER (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
contact_added_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  ConfabRosterModel *self = g_task_get_source_object (task);
  ActionData *data = g_task_get_task_data (task);
  ConfabXmppPresence *presence;

  if (!confab_xmpp_roster_set_item_finish (CONFAB_XMPP_ROSTER (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  presence = self->stream != NULL ? presence_module (self) : NULL;
  if (presence != NULL)
    {
      /* RFC 6121 §3.1.1: ask for their presence; §3.4: and let them see
       * ours without asking us again. */
      confab_xmpp_presence_subscribe (presence, data->jid, NULL, NULL);
      confab_xmpp_presence_preapprove (presence, data->jid);
    }
  g_task_return_boolean (task, TRUE);
}

static void
set_item (ConfabRosterModel   *self,
          const char          *jid,
          const char          *name,
          const char * const  *groups,
          gboolean             subscribe,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = start_action (self, jid, source_tag, cancellable, callback, user_data);
  ActionData *data;

  if (task == NULL)
    return;
  data = g_task_get_task_data (task);
  if (name != NULL && *name == '\0')
    name = NULL;
  confab_xmpp_roster_set_item_async (roster_module (self), data->jid, name, groups, cancellable,
                                     subscribe ? contact_added_cb : item_set_cb, task);
}

void
confab_roster_model_add_contact_async (ConfabRosterModel   *self,
                                       const char          *jid,
                                       const char          *name,
                                       const char * const  *groups,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (CONFAB_IS_ROSTER_MODEL (self));

  set_item (self, jid, name, groups, TRUE, confab_roster_model_add_contact_async,
            cancellable, callback, user_data);
}

void
confab_roster_model_update_contact_async (ConfabRosterModel   *self,
                                          const char          *jid,
                                          const char          *name,
                                          const char * const  *groups,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CONFAB_IS_ROSTER_MODEL (self));

  set_item (self, jid, name, groups, FALSE, confab_roster_model_update_contact_async,
            cancellable, callback, user_data);
}

static void
item_removed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_xmpp_roster_remove_item_finish (CONFAB_XMPP_ROSTER (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
confab_roster_model_remove_contact_async (ConfabRosterModel   *self,
                                          const char          *jid,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;
  ActionData *data;

  g_return_if_fail (CONFAB_IS_ROSTER_MODEL (self));

  task = start_action (self, jid, confab_roster_model_remove_contact_async,
                       cancellable, callback, user_data);
  if (task == NULL)
    return;
  data = g_task_get_task_data (task);
  confab_xmpp_roster_remove_item_async (roster_module (self), data->jid, cancellable,
                                        item_removed_cb, task);
}

static void
block_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ActionData *data = g_task_get_task_data (task);

  if (data->blocked)
    ok = confab_xep_blocking_block_finish (CONFAB_XEP_BLOCKING (object), result, &error);
  else
    ok = confab_xep_blocking_unblock_finish (CONFAB_XEP_BLOCKING (object), result, &error);
  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
confab_roster_model_set_blocked_async (ConfabRosterModel   *self,
                                       const char          *jid,
                                       gboolean             blocked,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GPtrArray) jids = NULL;
  ConfabXepBlocking *blocking;
  GTask *task;
  ActionData *data;

  g_return_if_fail (CONFAB_IS_ROSTER_MODEL (self));

  task = start_action (self, jid, confab_roster_model_set_blocked_async,
                       cancellable, callback, user_data);
  if (task == NULL)
    return;
  data = g_task_get_task_data (task);
  blocking = blocking_module (self);
  if (blocking == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "Blocking is not available");
      g_object_unref (task);
      return;
    }
  data->blocked = !!blocked;
  jids = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_jid_unref);
  g_ptr_array_add (jids, confab_jid_ref (data->jid));
  if (blocked)
    confab_xep_blocking_block_async (blocking, jids, cancellable, block_done_cb, task);
  else
    confab_xep_blocking_unblock_async (blocking, jids, cancellable, block_done_cb, task);
}

gboolean
confab_roster_model_action_finish (ConfabRosterModel  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (CONFAB_IS_ROSTER_MODEL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
confab_roster_model_accept_request (ConfabRosterModel *self,
                                    const char        *jid)
{
  g_autoptr(ConfabJid) parsed = NULL;
  ConfabXmppPresence *presence;
  ConfabContact *contact;
  ConfabXmppSubscription subscription;

  g_return_if_fail (CONFAB_IS_ROSTER_MODEL (self));
  g_return_if_fail (jid != NULL);

  parsed = confab_jid_parse (jid, NULL);
  if (parsed == NULL || self->stream == NULL || (presence = presence_module (self)) == NULL)
    return;
  contact = g_hash_table_lookup (self->by_jid, confab_jid_get_bare_string (parsed));

  /* RFC 6121 §3.1.4: approve; the server then adds them to the roster. */
  confab_xmpp_presence_approve (presence, parsed);

  /* And ask for theirs, unless we have it or asked already (§3.1.1). */
  subscription = contact != NULL ? confab_contact_get_subscription (contact)
                                 : CONFAB_XMPP_SUBSCRIPTION_NONE;
  if (subscription != CONFAB_XMPP_SUBSCRIPTION_TO &&
      subscription != CONFAB_XMPP_SUBSCRIPTION_BOTH &&
      (contact == NULL || !confab_contact_get_ask (contact)))
    confab_xmpp_presence_subscribe (presence, parsed, NULL, NULL);

  remove_request (self, confab_jid_get_bare_string (parsed));
}

void
confab_roster_model_deny_request (ConfabRosterModel *self,
                                  const char        *jid)
{
  g_autoptr(ConfabJid) parsed = NULL;
  ConfabXmppPresence *presence;

  g_return_if_fail (CONFAB_IS_ROSTER_MODEL (self));
  g_return_if_fail (jid != NULL);

  parsed = confab_jid_parse (jid, NULL);
  if (parsed == NULL)
    return;
  /* RFC 6121 §3.1.4: refuse. */
  if (self->stream != NULL && (presence = presence_module (self)) != NULL)
    confab_xmpp_presence_deny (presence, parsed);
  remove_request (self, confab_jid_get_bare_string (parsed));
}
