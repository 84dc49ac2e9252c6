/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-account-manager.h"
#include "confab-conversation-list-private.h"
#include "confab-conversation-private.h"
#include "confab-roster-model.h"

/*
 * Conversations sorted by last activity, newest first. Each change moves at
 * most one conversation: a removal and an insertion at the place found by
 * binary search, or nothing when its place is unchanged.
 */
struct _ConfabConversationList
{
  GObject               parent_instance;

  ConfabAccountManager *manager;     /* weak: it owns us */
  ConfabHistoryStore   *store;       /* nullable */
  GPtrArray            *conversations;
  GHashTable           *by_key;      /* "account row id\npeer" → ConfabConversation */
  GHashTable           *by_id;       /* conversation id (gint64 *) → ConfabConversation */
  GPtrArray            *watches;     /* of Watch, one per account */
  guint                 unread_count;
  GHashTable           *changed;     /* conversation ids to read again */
  guint                 changes_source;
  gint64                last_applied; /* monotonic µs */
};

/* A burst into one conversation re-reads it (and redraws its row) at most
 * this often, not once per message: a frame with a relayout costs a few
 * milliseconds (X round trips included), and bursts can last a minute.
 * A lone message is still shown at once. */
#define APPLY_INTERVAL_US (500 * G_TIME_SPAN_MILLISECOND)

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabConversationList, confab_conversation_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_UNREAD_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- GListModel ------------------------------------------------------------ */

static GType
get_item_type (GListModel *model)
{
  return CONFAB_TYPE_CONVERSATION;
}

static guint
get_n_items (GListModel *model)
{
  return CONFAB_CONVERSATION_LIST (model)->conversations->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  ConfabConversationList *self = CONFAB_CONVERSATION_LIST (model);

  if (position >= self->conversations->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->conversations, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- Order ----------------------------------------------------------------- */

/* Newer first; ties by peer, so the order is total and stable. */
static int
compare (ConfabConversation *a,
         ConfabConversation *b)
{
  gint64 ta = confab_conversation_get_last_activity (a);
  gint64 tb = confab_conversation_get_last_activity (b);
  int result;

  if (ta != tb)
    return ta > tb ? -1 : 1;
  result = g_strcmp0 (confab_conversation_get_peer (a), confab_conversation_get_peer (b));
  if (result != 0)
    return result;
  return a < b ? -1 : (a > b ? 1 : 0);
}

static guint
bisect (ConfabConversationList *self,
        ConfabConversation     *conversation)
{
  guint lo = 0, hi = self->conversations->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare (g_ptr_array_index (self->conversations, mid), conversation) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
insert_sorted (ConfabConversationList *self,
               ConfabConversation     *conversation)
{
  guint position = bisect (self, conversation);

  g_ptr_array_insert (self->conversations, position, g_object_ref (conversation));
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
}

/* Puts @conversation at its place after its activity changed. */
static void
reposition (ConfabConversationList *self,
            ConfabConversation     *conversation)
{
  guint old_position, new_position;

  if (!g_ptr_array_find (self->conversations, conversation, &old_position))
    return;
  /* Still between its neighbours (the usual case: the newest stays on
   * top): nothing moves. */
  if ((old_position == 0
       || compare (g_ptr_array_index (self->conversations, old_position - 1), conversation) < 0)
      && (old_position + 1 == self->conversations->len
          || compare (conversation, g_ptr_array_index (self->conversations, old_position + 1)) < 0))
    return;

  g_object_ref (conversation);
  g_ptr_array_remove_index (self->conversations, old_position);
  new_position = bisect (self, conversation);
  g_ptr_array_insert (self->conversations, new_position, conversation);
  if (new_position == old_position)
    return;
  /* One move: a removal and an insertion. */
  g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), new_position, 0, 1);
}

static void
update_unread_count (ConfabConversationList *self)
{
  guint total = 0;

  for (guint i = 0; i < self->conversations->len; i++)
    total += confab_conversation_get_unread_count (g_ptr_array_index (self->conversations, i));
  if (total == self->unread_count)
    return;
  self->unread_count = total;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
}

static void
conversation_unread_cb (ConfabConversation     *conversation,
                        GParamSpec             *pspec,
                        ConfabConversationList *self)
{
  update_unread_count (self);
}

static void
conversation_activity_cb (ConfabConversation     *conversation,
                          GParamSpec             *pspec,
                          ConfabConversationList *self)
{
  reposition (self, conversation);
}

/* ---- Conversations ---------------------------------------------------------- */

static char *
make_key (ConfabAccount *account,
          const char    *peer)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "\n%s", confab_account_get_row_id (account), peer);
}

static ConfabAccount *
account_by_row_id (ConfabConversationList *self,
                   gint64                  row_id)
{
  guint n;

  if (self->manager == NULL)
    return NULL;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->manager));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (G_LIST_MODEL (self->manager), i);

      if (confab_account_get_row_id (account) == row_id)
        return account;  /* the manager keeps it alive */
    }
  return NULL;
}

static void
index_id (ConfabConversationList *self,
          ConfabConversation     *conversation)
{
  gint64 id = confab_conversation_get_conversation_id (conversation);
  gint64 *key;

  if (id == 0)
    return;
  key = g_new (gint64, 1);
  *key = id;
  g_hash_table_insert (self->by_id, key, conversation);
}

static ConfabConversation *
add_conversation (ConfabConversationList          *self,
                  ConfabAccount                   *account,
                  const char                      *peer,
                  const ConfabHistoryConversation *row)
{
  g_autoptr(ConfabConversation) conversation = _confab_conversation_new (account, self->store, peer);

  if (row != NULL)
    _confab_conversation_update (conversation, row);
  else
    _confab_conversation_set_last_activity (conversation, g_get_real_time ());
  g_hash_table_insert (self->by_key, make_key (account, peer), g_object_ref (conversation));
  index_id (self, conversation);
  g_signal_connect_object (conversation, "notify::unread-count",
                           G_CALLBACK (conversation_unread_cb), self, 0);
  g_signal_connect_object (conversation, "notify::last-activity",
                           G_CALLBACK (conversation_activity_cb), self, 0);
  insert_sorted (self, conversation);
  update_unread_count (self);
  return conversation;  /* by_key and the array keep it */
}

static void
apply_conversation_change (ConfabConversationList *self,
                           gint64                  conversation_id)
{
  g_autoptr(ConfabHistoryConversation) row = NULL;
  ConfabConversation *conversation;
  ConfabAccount *account;

  row = confab_history_store_get_conversation_by_id (self->store, conversation_id, NULL);
  if (row == NULL || row->kind != CONFAB_HISTORY_KIND_CHAT)
    return;

  conversation = g_hash_table_lookup (self->by_id, &conversation_id);
  if (conversation == NULL)
    {
      account = account_by_row_id (self, row->account_id);
      if (account == NULL)
        return;
      {
        g_autofree char *key = make_key (account, row->peer);

        conversation = g_hash_table_lookup (self->by_key, key);
      }
      if (conversation == NULL)
        {
          add_conversation (self, account, row->peer, row);
          return;
        }
    }

  /* notify::last-activity repositions it. */
  _confab_conversation_update (conversation, row);
  index_id (self, conversation);
}

static gboolean
apply_changes_cb (gpointer user_data)
{
  ConfabConversationList *self = user_data;
  g_autoptr(GHashTable) changed = g_steal_pointer (&self->changed);
  GHashTableIter iter;
  gint64 *id;

  self->changes_source = 0;
  self->last_applied = g_get_monotonic_time ();
  g_hash_table_iter_init (&iter, changed);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    apply_conversation_change (self, *id);
  return G_SOURCE_REMOVE;
}

/* A batch of writes (MAM catch-up) commits many changes at once: each
 * conversation is read once per batch, in an idle after them, and a
 * steady stream of messages is read at most every APPLY_INTERVAL_US. */
static void
conversation_changed_cb (ConfabHistoryStore     *store,
                         gint64                  conversation_id,
                         ConfabConversationList *self)
{
  if (self->changed == NULL)
    self->changed = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (!g_hash_table_contains (self->changed, &conversation_id))
    g_hash_table_add (self->changed, g_memdup2 (&conversation_id, sizeof conversation_id));
  if (self->changes_source == 0)
    {
      gint64 wait = self->last_applied + APPLY_INTERVAL_US - g_get_monotonic_time ();

      if (self->last_applied == 0 || wait <= 0)
        self->changes_source = g_idle_add_full (G_PRIORITY_DEFAULT, apply_changes_cb, self, NULL);
      else
        self->changes_source = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                                   (guint) (wait / G_TIME_SPAN_MILLISECOND) + 1,
                                                   apply_changes_cb, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->changes_source),
                                "[confab] conversation changes");
    }
}

/* ---- Per-account events -------------------------------------------------------- */

typedef struct {
  ConfabConversationList *self;     /* not owned: the watch dies first */
  ConfabAccount          *account;
  GObject                *messages;
  GObject                *roster;
} Watch;

static void
watch_free (Watch *watch)
{
  if (watch->messages != NULL)
    g_signal_handlers_disconnect_by_data (watch->messages, watch);
  if (watch->roster != NULL)
    g_signal_handlers_disconnect_by_data (watch->roster, watch);
  g_clear_object (&watch->messages);
  g_clear_object (&watch->roster);
  g_clear_object (&watch->account);
  g_free (watch);
}

static ConfabConversation *
conversation_of_message (Watch             *watch,
                         ConfabXmppMessage *message)
{
  g_autofree char *key = NULL;

  if (confab_xmpp_message_get_message_type (message) == CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT)
    return NULL;
  key = make_key (watch->account, confab_jid_get_bare_string (confab_xmpp_message_get_from (message)));
  return g_hash_table_lookup (watch->self->by_key, key);
}

static void
chat_state_changed_cb (GObject             *messages,
                       ConfabXmppMessage   *message,
                       ConfabXmppChatState  state,
                       Watch               *watch)
{
  ConfabConversation *conversation = conversation_of_message (watch, message);

  if (conversation == NULL)
    return;
  _confab_conversation_peer_sends_chat_states (conversation);
  _confab_conversation_set_peer_chat_state (conversation, state);
}

static void
message_received_cb (GObject           *messages,
                     ConfabXmppMessage *message,
                     gboolean           is_carbon,
                     gboolean           is_sent_carbon,
                     Watch             *watch)
{
  ConfabConversation *conversation;
  const char *peer;

  if (is_sent_carbon ||
      confab_xmpp_message_get_message_type (message) == CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT)
    return;
  peer = confab_jid_get_bare_string (confab_xmpp_message_get_from (message));
  if (confab_jid_equal_bare (confab_xmpp_message_get_from (message),
                             confab_account_get_jid (watch->account)))
    return;

  /* The store lists it once committed; the chat state and the marker
   * request are known now. Known already (the usual case in a burst): no
   * parsing again. */
  {
    g_autofree char *key = make_key (watch->account, peer);

    conversation = g_hash_table_lookup (watch->self->by_key, key);
  }
  if (conversation == NULL)
    conversation = confab_conversation_list_ensure (watch->self, watch->account, peer);
  if (conversation == NULL)
    return;
  /* XEP-0085 §5.4: a message means the peer is active (unless it says). */
  if (confab_xmpp_message_get_chat_state (message) == CONFAB_XMPP_CHAT_STATE_NONE)
    _confab_conversation_set_peer_chat_state (conversation, CONFAB_XMPP_CHAT_STATE_ACTIVE);
  else
    {
      _confab_conversation_peer_sends_chat_states (conversation);
      _confab_conversation_set_peer_chat_state (conversation,
                                                confab_xmpp_message_get_chat_state (message));
    }
  if (!is_carbon && confab_xmpp_message_get_markable (message)
      && confab_xmpp_message_get_id (message) != NULL)
    _confab_conversation_set_markable (conversation, confab_xmpp_message_get_id (message));
}

static void
roster_changed_cb (GListModel *roster,
                   guint       position,
                   guint       removed,
                   guint       added,
                   Watch      *watch)
{
  ConfabConversationList *self = watch->self;

  for (guint i = 0; i < self->conversations->len; i++)
    {
      ConfabConversation *conversation = g_ptr_array_index (self->conversations, i);

      if (confab_conversation_get_account (conversation) == watch->account)
        _confab_conversation_update_contact (conversation);
    }
}

static void
watch_account (ConfabConversationList *self,
               ConfabAccount          *account)
{
  Watch *watch = g_new0 (Watch, 1);
  ConfabXmppStream *stream = confab_account_get_stream (account);
  ConfabXmppModule *messages = confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES);

  watch->self = self;
  watch->account = g_object_ref (account);
  if (messages != NULL)
    {
      watch->messages = g_object_ref (G_OBJECT (messages));
      g_signal_connect (messages, "chat-state-changed", G_CALLBACK (chat_state_changed_cb), watch);
      g_signal_connect (messages, "message-received", G_CALLBACK (message_received_cb), watch);
    }
  watch->roster = g_object_ref (G_OBJECT (confab_account_get_roster (account)));
  g_signal_connect (watch->roster, "items-changed", G_CALLBACK (roster_changed_cb), watch);
  g_ptr_array_add (self->watches, watch);
}

static void
forget_account (ConfabConversationList *self,
                ConfabAccount          *account)
{
  for (guint i = self->conversations->len; i > 0; i--)
    {
      ConfabConversation *conversation = g_ptr_array_index (self->conversations, i - 1);
      g_autofree char *key = NULL;
      gint64 id;

      if (confab_conversation_get_account (conversation) != account)
        continue;
      key = make_key (account, confab_conversation_get_peer (conversation));
      id = confab_conversation_get_conversation_id (conversation);
      g_signal_handlers_disconnect_by_data (conversation, self);
      g_hash_table_remove (self->by_id, &id);
      g_hash_table_remove (self->by_key, key);
      g_ptr_array_remove_index (self->conversations, i - 1);
      g_list_model_items_changed (G_LIST_MODEL (self), i - 1, 1, 0);
    }
  update_unread_count (self);
}

static void
accounts_changed_cb (GListModel             *accounts,
                     guint                   position,
                     guint                   removed,
                     guint                   added,
                     ConfabConversationList *self)
{
  g_autoptr(GHashTable) present = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (accounts);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (accounts, i);

      g_hash_table_add (present, account);
    }

  /* Gone accounts: their conversations go too. */
  for (guint i = self->watches->len; i > 0; i--)
    {
      Watch *watch = g_ptr_array_index (self->watches, i - 1);

      if (g_hash_table_contains (present, watch->account))
        {
          g_hash_table_remove (present, watch->account);
          continue;
        }
      forget_account (self, watch->account);
      g_ptr_array_remove_index (self->watches, i - 1);
    }

  /* New accounts: watched, and their stored conversations listed. */
  {
    GHashTableIter iter;
    ConfabAccount *account;

    g_hash_table_iter_init (&iter, present);
    while (g_hash_table_iter_next (&iter, (gpointer *) &account, NULL))
      {
        watch_account (self, account);
        if (self->store != NULL && confab_account_get_row_id (account) != 0)
          {
            g_autoptr(GPtrArray) rows = NULL;
            g_autoptr(GError) error = NULL;

            rows = confab_history_store_list_conversations (self->store,
                                                            confab_account_get_row_id (account),
                                                            &error);
            if (rows == NULL)
              {
                g_warning ("Could not list conversations: %s", error->message);
                continue;
              }
            for (guint i = 0; i < rows->len; i++)
              {
                ConfabHistoryConversation *row = g_ptr_array_index (rows, i);
                g_autofree char *key = make_key (account, row->peer);

                if (row->kind == CONFAB_HISTORY_KIND_CHAT
                    && !g_hash_table_contains (self->by_key, key))
                  add_conversation (self, account, row->peer, row);
              }
          }
      }
  }
}

/* ---- GObject --------------------------------------------------------------- */

static void
confab_conversation_list_dispose (GObject *object)
{
  ConfabConversationList *self = CONFAB_CONVERSATION_LIST (object);

  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  g_clear_weak_pointer (&self->manager);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_handle_id (&self->changes_source, g_source_remove);
  g_clear_pointer (&self->changed, g_hash_table_unref);
  if (self->watches != NULL)
    g_ptr_array_set_size (self->watches, 0);
  if (self->conversations != NULL)
    {
      for (guint i = 0; i < self->conversations->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->conversations, i), self);
      g_ptr_array_set_size (self->conversations, 0);
    }
  if (self->by_key != NULL)
    g_hash_table_remove_all (self->by_key);
  if (self->by_id != NULL)
    g_hash_table_remove_all (self->by_id);

  G_OBJECT_CLASS (confab_conversation_list_parent_class)->dispose (object);
}

static void
confab_conversation_list_finalize (GObject *object)
{
  ConfabConversationList *self = CONFAB_CONVERSATION_LIST (object);

  g_clear_pointer (&self->conversations, g_ptr_array_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->watches, g_ptr_array_unref);

  G_OBJECT_CLASS (confab_conversation_list_parent_class)->finalize (object);
}

static void
confab_conversation_list_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  ConfabConversationList *self = CONFAB_CONVERSATION_LIST (object);

  switch (prop_id)
    {
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->unread_count);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_conversation_list_class_init (ConfabConversationListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_conversation_list_dispose;
  object_class->finalize = confab_conversation_list_finalize;
  object_class->get_property = confab_conversation_list_get_property;

  /** ConfabConversationList:unread-count: the total of every conversation. */
  properties[PROP_UNREAD_COUNT] =
    g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_conversation_list_init (ConfabConversationList *self)
{
  self->conversations = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->watches = g_ptr_array_new_with_free_func ((GDestroyNotify) watch_free);
}

ConfabConversationList *
_confab_conversation_list_new (ConfabAccountManager *manager)
{
  ConfabConversationList *self = g_object_new (CONFAB_TYPE_CONVERSATION_LIST, NULL);
  ConfabHistoryStore *store = confab_account_manager_get_history_store (manager);

  g_set_weak_pointer (&self->manager, manager);
  if (store != NULL)
    {
      self->store = g_object_ref (store);
      g_signal_connect (store, "conversation-changed", G_CALLBACK (conversation_changed_cb), self);
    }
  g_signal_connect (manager, "items-changed", G_CALLBACK (accounts_changed_cb), self);
  accounts_changed_cb (G_LIST_MODEL (manager), 0, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (manager)), self);
  return self;
}

ConfabConversation *
confab_conversation_list_lookup (ConfabConversationList *self,
                                 ConfabAccount          *account,
                                 const char             *peer)
{
  g_autoptr(ConfabJid) jid = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION_LIST (self), NULL);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  jid = confab_jid_parse (peer, NULL);
  if (jid == NULL)
    return NULL;
  key = make_key (account, confab_jid_get_bare_string (jid));
  return g_hash_table_lookup (self->by_key, key);
}

ConfabConversation *
confab_conversation_list_ensure (ConfabConversationList *self,
                                 ConfabAccount          *account,
                                 const char             *peer)
{
  g_autoptr(ConfabJid) jid = NULL;
  g_autoptr(ConfabHistoryConversation) row = NULL;
  ConfabConversation *conversation;
  const char *bare;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION_LIST (self), NULL);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  jid = confab_jid_parse (peer, NULL);
  if (jid == NULL)
    return NULL;
  bare = confab_jid_get_bare_string (jid);
  conversation = confab_conversation_list_lookup (self, account, bare);
  if (conversation != NULL)
    return conversation;

  /* Stored already (the change signal is on its way): take its row. */
  if (self->store != NULL && confab_account_get_row_id (account) != 0)
    row = confab_history_store_get_conversation (self->store, confab_account_get_row_id (account),
                                                 bare, NULL);
  return add_conversation (self, account, bare, row);
}

guint
confab_conversation_list_get_unread_count (ConfabConversationList *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION_LIST (self), 0);
  return self->unread_count;
}
