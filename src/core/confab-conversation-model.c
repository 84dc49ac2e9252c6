/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-conversation-model-private.h"
#include "confab-message-item-private.h"

/*
 * A window of one conversation's messages, in (timestamp, id) order, the
 * order of the store's messages_by_time index. Normally the window reaches
 * the newest message; after load_around() of an old message it may not
 * (has-newer), and then live messages beyond it wait for load_newer().
 */
struct _ConfabConversationModel
{
  GObject             parent_instance;

  ConfabHistoryStore *store;
  gint64              conversation_id;
  GPtrArray          *items;      /* of ConfabMessageItem, chronological */
  GHashTable         *by_id;      /* row id (gint64 *) → ConfabMessageItem (in items) */
  gboolean            has_older;
  gboolean            has_newer;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConfabConversationModel, confab_conversation_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_CONVERSATION_ID,
  PROP_HAS_OLDER,
  PROP_HAS_NEWER,
  PROP_N_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- GListModel ------------------------------------------------------------ */

static GType
get_item_type (GListModel *model)
{
  return CONFAB_TYPE_MESSAGE_ITEM;
}

static guint
get_n_items (GListModel *model)
{
  return CONFAB_CONVERSATION_MODEL (model)->items->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  ConfabConversationModel *self = CONFAB_CONVERSATION_MODEL (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---- Items ----------------------------------------------------------------- */

static int
compare_key (gint64 ts_a, gint64 id_a, gint64 ts_b, gint64 id_b)
{
  if (ts_a != ts_b)
    return ts_a < ts_b ? -1 : 1;
  if (id_a != id_b)
    return id_a < id_b ? -1 : 1;
  return 0;
}

/* The position where (timestamp, id) is or would be inserted. */
static guint
bisect (ConfabConversationModel *self,
        gint64                   timestamp,
        gint64                   id)
{
  guint lo = 0, hi = self->items->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      ConfabMessageItem *item = g_ptr_array_index (self->items, mid);

      if (compare_key (confab_message_item_get_timestamp (item),
                       confab_message_item_get_id (item), timestamp, id) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* XEP-0461: the message replied to, within this conversation; first among
 * the loaded ones, else from the store. */
static void
lookup_reply (ConfabConversationModel  *self,
              const char               *reply_to,
              char                    **body,
              char                    **sender)
{
  g_autoptr(ConfabHistoryMessage) target = NULL;

  *body = NULL;
  *sender = NULL;
  if (reply_to == NULL)
    return;

  for (guint i = self->items->len; i > 0; i--)
    {
      ConfabMessageItem *item = g_ptr_array_index (self->items, i - 1);

      if (g_strcmp0 (confab_message_item_get_origin_id (item), reply_to) == 0)
        {
          *body = g_strdup (confab_message_item_get_body (item));
          *sender = g_strdup (confab_message_item_get_sender (item));
          return;
        }
    }

  target = confab_history_store_find_by_ref (self->store, self->conversation_id, reply_to, NULL);
  if (target != NULL)
    {
      *body = g_strdup (target->body);
      *sender = g_strdup (target->sender);
    }
}

static ConfabMessageItem *
new_item (ConfabConversationModel    *self,
          const ConfabHistoryMessage *message)
{
  g_autofree char *reply_body = NULL;
  g_autofree char *reply_sender = NULL;
  g_auto(GStrv) reactions = NULL;

  lookup_reply (self, message->reply_to, &reply_body, &reply_sender);
  reactions = confab_history_store_get_reactions (self->store, message->id, NULL);
  return _confab_message_item_new (message, reply_body, reply_sender,
                                   (const char * const *) reactions);
}

static void
index_item (ConfabConversationModel *self,
            ConfabMessageItem       *item)
{
  gint64 *key = g_new (gint64, 1);

  *key = confab_message_item_get_id (item);
  g_hash_table_insert (self->by_id, key, item);
}

/* Messages of @page (chronological, from the store) not loaded yet. */
static GPtrArray *
new_items_of (ConfabConversationModel *self,
              GPtrArray               *page)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < page->len; i++)
    {
      ConfabHistoryMessage *message = g_ptr_array_index (page, i);

      if (message->conversation_id != self->conversation_id ||
          g_hash_table_contains (self->by_id, &message->id))
        continue;
      g_ptr_array_add (items, new_item (self, message));
    }
  return items;
}

static void
set_has_older (ConfabConversationModel *self,
               gboolean                 has_older)
{
  if (self->has_older == !!has_older)
    return;
  self->has_older = !!has_older;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_OLDER]);
}

static void
set_has_newer (ConfabConversationModel *self,
               gboolean                 has_newer)
{
  if (self->has_newer == !!has_newer)
    return;
  self->has_newer = !!has_newer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_NEWER]);
}

/* Replaces everything with @items (already in order). */
static void
replace_all (ConfabConversationModel *self,
             GPtrArray               *items)
{
  guint removed = self->items->len;

  g_hash_table_remove_all (self->by_id);
  g_ptr_array_set_size (self->items, 0);
  for (guint i = 0; i < items->len; i++)
    {
      ConfabMessageItem *item = g_ptr_array_index (items, i);

      g_ptr_array_add (self->items, g_object_ref (item));
      index_item (self, item);
    }
  if (removed > 0 || items->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, items->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOADED]);
    }
}

/* Back to the newest page, as when the model was made. */
static void
reload_newest (ConfabConversationModel *self)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) items = NULL;

  page = confab_history_store_list_newest (self->store, self->conversation_id,
                                           CONFAB_CONVERSATION_MODEL_PAGE_SIZE, NULL);
  if (page == NULL)
    return;
  g_hash_table_remove_all (self->by_id);
  items = new_items_of (self, page);
  replace_all (self, items);
  set_has_older (self, page->len >= CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  set_has_newer (self, FALSE);
}

/* The messages whose quote shows @changed get its new text. */
static void
refresh_replies_to (ConfabConversationModel *self,
                    ConfabMessageItem       *changed)
{
  const char *origin_id = confab_message_item_get_origin_id (changed);

  if (origin_id == NULL)
    return;
  for (guint i = 0; i < self->items->len; i++)
    {
      ConfabMessageItem *item = g_ptr_array_index (self->items, i);
      g_autoptr(ConfabHistoryMessage) row = NULL;
      g_auto(GStrv) reactions = NULL;

      if (item == changed || g_strcmp0 (confab_message_item_get_reply_to (item), origin_id) != 0)
        continue;
      row = confab_history_store_get_message (self->store, confab_message_item_get_id (item), NULL);
      if (row == NULL)
        continue;
      reactions = confab_history_store_get_reactions (self->store, row->id, NULL);
      _confab_message_item_update (item, row, confab_message_item_get_body (changed),
                                   confab_message_item_get_sender (changed),
                                   (const char * const *) reactions);
    }
}

static void
message_changed_cb (ConfabHistoryStore      *store,
                    gint64                   conversation_id,
                    gint64                   message_id,
                    int                      outcome,
                    ConfabConversationModel *self)
{
  g_autoptr(ConfabHistoryMessage) row = NULL;
  ConfabMessageItem *item;

  if (conversation_id != self->conversation_id)
    return;

  item = g_hash_table_lookup (self->by_id, &message_id);
  row = confab_history_store_get_message (store, message_id, NULL);
  if (row == NULL || row->conversation_id != self->conversation_id)
    return;

  if (item != NULL)
    {
      g_autofree char *reply_body = NULL;
      g_autofree char *reply_sender = NULL;
      g_auto(GStrv) reactions = NULL;

      lookup_reply (self, row->reply_to, &reply_body, &reply_sender);
      reactions = confab_history_store_get_reactions (store, message_id, NULL);
      _confab_message_item_update (item, row, reply_body, reply_sender,
                                   (const char * const *) reactions);
      refresh_replies_to (self, item);
      return;
    }

  if (outcome != CONFAB_HISTORY_OUTCOME_STORED)
    return;

  /* A new row. Outside the window it is found by paging later. */
  if (self->items->len > 0)
    {
      ConfabMessageItem *first = g_ptr_array_index (self->items, 0);
      ConfabMessageItem *last = g_ptr_array_index (self->items, self->items->len - 1);

      if (compare_key (row->timestamp, row->id,
                       confab_message_item_get_timestamp (first),
                       confab_message_item_get_id (first)) < 0 && self->has_older)
        return;
      if (compare_key (row->timestamp, row->id,
                       confab_message_item_get_timestamp (last),
                       confab_message_item_get_id (last)) > 0 && self->has_newer)
        {
          /* The user just sent it from this view: show the present again. */
          if (row->direction == CONFAB_HISTORY_DIRECTION_OUT && row->state == CONFAB_HISTORY_STATE_PENDING)
            reload_newest (self);
          return;
        }
    }

  {
    g_autoptr(ConfabMessageItem) added = new_item (self, row);
    guint position = bisect (self, row->timestamp, row->id);

    g_ptr_array_insert (self->items, position, g_object_ref (added));
    index_item (self, added);
    g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOADED]);
  }
}

/* ---- GObject --------------------------------------------------------------- */

static void
confab_conversation_model_dispose (GObject *object)
{
  ConfabConversationModel *self = CONFAB_CONVERSATION_MODEL (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  if (self->by_id != NULL)
    g_hash_table_remove_all (self->by_id);
  if (self->items != NULL)
    g_ptr_array_set_size (self->items, 0);

  G_OBJECT_CLASS (confab_conversation_model_parent_class)->dispose (object);
}

static void
confab_conversation_model_finalize (GObject *object)
{
  ConfabConversationModel *self = CONFAB_CONVERSATION_MODEL (object);

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (confab_conversation_model_parent_class)->finalize (object);
}

static void
confab_conversation_model_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  ConfabConversationModel *self = CONFAB_CONVERSATION_MODEL (object);

  switch (prop_id)
    {
    case PROP_CONVERSATION_ID:
      g_value_set_int64 (value, self->conversation_id);
      break;
    case PROP_HAS_OLDER:
      g_value_set_boolean (value, self->has_older);
      break;
    case PROP_HAS_NEWER:
      g_value_set_boolean (value, self->has_newer);
      break;
    case PROP_N_LOADED:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_conversation_model_class_init (ConfabConversationModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = confab_conversation_model_dispose;
  object_class->finalize = confab_conversation_model_finalize;
  object_class->get_property = confab_conversation_model_get_property;

  /** ConfabConversationModel:conversation-id: the history conversation. */
  properties[PROP_CONVERSATION_ID] =
    g_param_spec_int64 ("conversation-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /** ConfabConversationModel:has-older: there may be older messages to load. */
  properties[PROP_HAS_OLDER] = g_param_spec_boolean ("has-older", NULL, NULL, FALSE, flags);
  /** ConfabConversationModel:has-newer: the window ends before the newest
   * message (after load_around()); see load_newer(). */
  properties[PROP_HAS_NEWER] = g_param_spec_boolean ("has-newer", NULL, NULL, FALSE, flags);
  /** ConfabConversationModel:n-loaded: the number of items. */
  properties[PROP_N_LOADED] = g_param_spec_uint ("n-loaded", NULL, NULL, 0, G_MAXUINT, 0, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_conversation_model_init (ConfabConversationModel *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

ConfabConversationModel *
confab_conversation_model_new (ConfabHistoryStore *store,
                               gint64              conversation_id)
{
  ConfabConversationModel *self;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (store), NULL);

  self = g_object_new (CONFAB_TYPE_CONVERSATION_MODEL, NULL);
  self->store = g_object_ref (store);
  self->conversation_id = conversation_id;

  /* Only the newest page: opening never reads the whole conversation. */
  page = confab_history_store_list_newest (store, conversation_id,
                                           CONFAB_CONVERSATION_MODEL_PAGE_SIZE, &error);
  if (page == NULL)
    g_warning ("Could not read conversation %" G_GINT64_FORMAT ": %s",
               conversation_id, error->message);
  else
    {
      items = new_items_of (self, page);
      for (guint i = 0; i < items->len; i++)
        {
          g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (items, i)));
          index_item (self, g_ptr_array_index (items, i));
        }
      self->has_older = page->len >= CONFAB_CONVERSATION_MODEL_PAGE_SIZE;
    }

  g_signal_connect_object (store, "message-changed", G_CALLBACK (message_changed_cb), self, 0);
  return self;
}

void
_confab_conversation_model_attach (ConfabConversationModel *self,
                                   gint64                   conversation_id)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (CONFAB_IS_CONVERSATION_MODEL (self));
  g_return_if_fail (self->conversation_id == 0);

  if (conversation_id == 0)
    return;
  self->conversation_id = conversation_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONVERSATION_ID]);

  page = confab_history_store_list_newest (self->store, conversation_id,
                                           CONFAB_CONVERSATION_MODEL_PAGE_SIZE, NULL);
  if (page == NULL)
    return;
  items = new_items_of (self, page);
  replace_all (self, items);
  set_has_older (self, page->len >= CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
}

gint64
confab_conversation_model_get_conversation_id (ConfabConversationModel *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION_MODEL (self), 0);
  return self->conversation_id;
}

gboolean
confab_conversation_model_get_has_older (ConfabConversationModel *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION_MODEL (self), FALSE);
  return self->has_older;
}

gboolean
confab_conversation_model_get_has_newer (ConfabConversationModel *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION_MODEL (self), FALSE);
  return self->has_newer;
}

guint
confab_conversation_model_load_older (ConfabConversationModel *self)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION_MODEL (self), 0);

  if (!self->has_older)
    return 0;
  if (self->items->len == 0)
    page = confab_history_store_list_newest (self->store, self->conversation_id,
                                             CONFAB_CONVERSATION_MODEL_PAGE_SIZE, &error);
  else
    page = confab_history_store_list_before (self->store, self->conversation_id,
                                             confab_message_item_get_id (g_ptr_array_index (self->items, 0)),
                                             CONFAB_CONVERSATION_MODEL_PAGE_SIZE, &error);
  if (page == NULL)
    {
      g_warning ("Could not read older messages: %s", error->message);
      return 0;
    }

  items = new_items_of (self, page);
  for (guint i = 0; i < items->len; i++)
    {
      ConfabMessageItem *item = g_ptr_array_index (items, i);

      g_ptr_array_insert (self->items, i, g_object_ref (item));
      index_item (self, item);
    }
  set_has_older (self, page->len >= CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  if (items->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, items->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOADED]);
    }
  return items->len;
}

guint
confab_conversation_model_load_newer (ConfabConversationModel *self)
{
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  guint position;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION_MODEL (self), 0);

  if (!self->has_newer || self->items->len == 0)
    return 0;
  page = confab_history_store_list_after (self->store, self->conversation_id,
                                          confab_message_item_get_id (g_ptr_array_index (self->items,
                                                                                         self->items->len - 1)),
                                          CONFAB_CONVERSATION_MODEL_PAGE_SIZE, &error);
  if (page == NULL)
    {
      g_warning ("Could not read newer messages: %s", error->message);
      return 0;
    }

  items = new_items_of (self, page);
  position = self->items->len;
  for (guint i = 0; i < items->len; i++)
    {
      ConfabMessageItem *item = g_ptr_array_index (items, i);

      g_ptr_array_add (self->items, g_object_ref (item));
      index_item (self, item);
    }
  set_has_newer (self, page->len >= CONFAB_CONVERSATION_MODEL_PAGE_SIZE);
  if (items->len > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, items->len);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LOADED]);
    }
  return items->len;
}

int
confab_conversation_model_find (ConfabConversationModel *self,
                                gint64                   message_id)
{
  ConfabMessageItem *item;
  guint position;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION_MODEL (self), -1);

  item = g_hash_table_lookup (self->by_id, &message_id);
  if (item == NULL)
    return -1;
  position = bisect (self, confab_message_item_get_timestamp (item), message_id);
  g_assert (position < self->items->len && g_ptr_array_index (self->items, position) == item);
  return (int) position;
}

/* Pages of older messages read before giving up on reaching a message by
 * scrolling back, and loading a window around it instead. */
#define MAX_PAGES_BACK 10

int
confab_conversation_model_load_around (ConfabConversationModel *self,
                                       gint64                   message_id)
{
  g_autoptr(ConfabHistoryMessage) target = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) window = NULL;
  g_autoptr(GPtrArray) items = NULL;
  guint half = CONFAB_CONVERSATION_MODEL_PAGE_SIZE / 2;
  int position;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION_MODEL (self), -1);

  position = confab_conversation_model_find (self, message_id);
  if (position >= 0)
    return position;

  target = confab_history_store_get_message (self->store, message_id, NULL);
  if (target == NULL || target->conversation_id != self->conversation_id)
    return -1;

  /* Close behind the window: keep scrolling back, which keeps the window
   * contiguous with the newest messages. */
  if (self->items->len > 0)
    {
      ConfabMessageItem *first = g_ptr_array_index (self->items, 0);

      if (compare_key (target->timestamp, target->id,
                       confab_message_item_get_timestamp (first),
                       confab_message_item_get_id (first)) < 0)
        {
          for (guint i = 0; i < MAX_PAGES_BACK && self->has_older; i++)
            {
              confab_conversation_model_load_older (self);
              position = confab_conversation_model_find (self, message_id);
              if (position >= 0)
                return position;
              first = g_ptr_array_index (self->items, 0);
              if (compare_key (target->timestamp, target->id,
                               confab_message_item_get_timestamp (first),
                               confab_message_item_get_id (first)) > 0)
                break;
            }
        }
    }

  /* Far back (or newer than a window left by an earlier jump): a new
   * window centred on it. */
  before = confab_history_store_list_before (self->store, self->conversation_id, message_id, half, NULL);
  after = confab_history_store_list_after (self->store, self->conversation_id, message_id, half, NULL);
  if (before == NULL || after == NULL)
    return -1;

  window = g_ptr_array_new ();
  for (guint i = 0; i < before->len; i++)
    g_ptr_array_add (window, g_ptr_array_index (before, i));
  g_ptr_array_add (window, target);
  for (guint i = 0; i < after->len; i++)
    g_ptr_array_add (window, g_ptr_array_index (after, i));

  g_hash_table_remove_all (self->by_id);
  items = new_items_of (self, window);
  replace_all (self, items);
  set_has_older (self, before->len >= half);
  set_has_newer (self, after->len >= half);

  return confab_conversation_model_find (self, message_id);
}
