/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-account.h"
#include "confab-account-sync.h"
#include "confab-archive-fetch.h"
#include "confab-contact.h"
#include "confab-conversation-model-private.h"
#include "confab-conversation-private.h"
#include "confab-message-item-private.h"
#include "confab-roster-model.h"

/* XEP-0085 §5.2: "paused" after a few seconds without typing. */
#define PAUSED_AFTER_SECONDS 5
/* The longest quote put in a reply's fallback body (XEP-0461 §4). */
#define MAX_QUOTE_CHARS 200

struct _ConfabConversation
{
  GObject                 parent_instance;

  ConfabAccount          *account;
  ConfabHistoryStore     *store;     /* nullable: no history */
  char                   *peer;
  gint64                  conversation_id;
  char                   *last_body;
  gint64                  last_activity;
  guint                   unread_count;
  ConfabXmppChatState     peer_chat_state;

  ConfabContact          *contact;   /* from the roster, or NULL */
  GWeakRef                messages;  /* ConfabConversationModel, kept only weakly */

  ConfabXmppChatState     own_chat_state;
  gboolean                peer_sends_chat_states;
  guint                   paused_source;
  char                   *markable_id;

  /* Archive fetches (confab_conversation_fetch_history()). */
  GCancellable           *fetch_cancellable;  /* while one runs */
  gboolean                archive_exhausted;  /* nothing older there */
};

G_DEFINE_FINAL_TYPE (ConfabConversation, confab_conversation, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_PEER,
  PROP_CONVERSATION_ID,
  PROP_DISPLAY_NAME,
  PROP_LAST_BODY,
  PROP_LAST_ACTIVITY,
  PROP_UNREAD_COUNT,
  PROP_PEER_CHAT_STATE,
  PROP_AVAILABLE,
  PROP_SHOW,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
confab_conversation_dispose (GObject *object)
{
  ConfabConversation *self = CONFAB_CONVERSATION (object);

  g_clear_handle_id (&self->paused_source, g_source_remove);
  g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->fetch_cancellable);
  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_data (self->contact, self);
  g_clear_object (&self->contact);
  g_clear_object (&self->account);
  g_clear_object (&self->store);
  g_weak_ref_set (&self->messages, NULL);

  G_OBJECT_CLASS (confab_conversation_parent_class)->dispose (object);
}

static void
confab_conversation_finalize (GObject *object)
{
  ConfabConversation *self = CONFAB_CONVERSATION (object);

  g_weak_ref_clear (&self->messages);
  g_free (self->peer);
  g_free (self->last_body);
  g_free (self->markable_id);

  G_OBJECT_CLASS (confab_conversation_parent_class)->finalize (object);
}

static void
confab_conversation_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ConfabConversation *self = CONFAB_CONVERSATION (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_PEER:
      g_value_set_string (value, self->peer);
      break;
    case PROP_CONVERSATION_ID:
      g_value_set_int64 (value, self->conversation_id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, confab_conversation_get_display_name (self));
      break;
    case PROP_LAST_BODY:
      g_value_set_string (value, self->last_body);
      break;
    case PROP_LAST_ACTIVITY:
      g_value_set_int64 (value, self->last_activity);
      break;
    case PROP_UNREAD_COUNT:
      g_value_set_uint (value, self->unread_count);
      break;
    case PROP_PEER_CHAT_STATE:
      g_value_set_int (value, self->peer_chat_state);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, confab_conversation_get_available (self));
      break;
    case PROP_SHOW:
      g_value_set_enum (value, confab_conversation_get_show (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_conversation_class_init (ConfabConversationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = confab_conversation_dispose;
  object_class->finalize = confab_conversation_finalize;
  object_class->get_property = confab_conversation_get_property;

  /** ConfabConversation:account: the account chatting. */
  properties[PROP_ACCOUNT] = g_param_spec_object ("account", NULL, NULL, CONFAB_TYPE_ACCOUNT, flags);
  /** ConfabConversation:peer: the peer's bare JID. */
  properties[PROP_PEER] = g_param_spec_string ("peer", NULL, NULL, NULL, flags);
  /** ConfabConversation:conversation-id: the history row; 0 before the first message. */
  properties[PROP_CONVERSATION_ID] =
    g_param_spec_int64 ("conversation-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /** ConfabConversation:display-name: the roster name, else the JID. */
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  /** ConfabConversation:last-body: the newest message's text (a preview). */
  properties[PROP_LAST_BODY] = g_param_spec_string ("last-body", NULL, NULL, NULL, flags);
  /** ConfabConversation:last-activity: µs since the epoch. */
  properties[PROP_LAST_ACTIVITY] =
    g_param_spec_int64 ("last-activity", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /** ConfabConversation:unread-count: messages received since last read. */
  properties[PROP_UNREAD_COUNT] = g_param_spec_uint ("unread-count", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /** ConfabConversation:peer-chat-state: a ConfabXmppChatState (XEP-0085). */
  properties[PROP_PEER_CHAT_STATE] =
    g_param_spec_int ("peer-chat-state", NULL, NULL, 0, CONFAB_XMPP_CHAT_STATE_GONE,
                      CONFAB_XMPP_CHAT_STATE_ACTIVE, flags);
  /** ConfabConversation:available: the peer is online (from the roster). */
  properties[PROP_AVAILABLE] = g_param_spec_boolean ("available", NULL, NULL, FALSE, flags);
  /** ConfabConversation:show: the peer's availability (from the roster). */
  properties[PROP_SHOW] =
    g_param_spec_enum ("show", NULL, NULL, CONFAB_TYPE_XMPP_PRESENCE_SHOW,
                       CONFAB_XMPP_PRESENCE_SHOW_NONE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_conversation_init (ConfabConversation *self)
{
  g_weak_ref_init (&self->messages, NULL);
  self->peer_chat_state = CONFAB_XMPP_CHAT_STATE_ACTIVE;
  self->own_chat_state = CONFAB_XMPP_CHAT_STATE_ACTIVE;
}

/* ---- Private API (ConfabConversationList) ------------------------------------ */

ConfabConversation *
_confab_conversation_new (ConfabAccount      *account,
                          ConfabHistoryStore *store,
                          const char         *peer)
{
  ConfabConversation *self = g_object_new (CONFAB_TYPE_CONVERSATION, NULL);

  self->account = g_object_ref (account);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->peer = g_strdup (peer);
  _confab_conversation_update_contact (self);
  return self;
}

gboolean
_confab_conversation_update (ConfabConversation              *self,
                             const ConfabHistoryConversation *row)
{
  GObject *object = G_OBJECT (self);
  gboolean activity_changed = FALSE;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), FALSE);

  g_object_freeze_notify (object);
  if (self->conversation_id != row->id)
    {
      g_autoptr(ConfabConversationModel) model = g_weak_ref_get (&self->messages);

      self->conversation_id = row->id;
      g_object_notify_by_pspec (object, properties[PROP_CONVERSATION_ID]);
      /* The view opened before the first message keeps its model. */
      if (model != NULL && confab_conversation_model_get_conversation_id (model) == 0)
        _confab_conversation_model_attach (model, row->id);
    }
  if (g_strcmp0 (self->last_body, row->last_body) != 0)
    {
      g_free (self->last_body);
      self->last_body = g_strdup (row->last_body);
      g_object_notify_by_pspec (object, properties[PROP_LAST_BODY]);
    }
  /* An empty conversation opened now stays on top until it has a message. */
  if (row->last_activity != 0 && self->last_activity != row->last_activity)
    {
      self->last_activity = row->last_activity;
      activity_changed = TRUE;
      g_object_notify_by_pspec (object, properties[PROP_LAST_ACTIVITY]);
    }
  if (self->unread_count != row->unread_count)
    {
      self->unread_count = row->unread_count;
      g_object_notify_by_pspec (object, properties[PROP_UNREAD_COUNT]);
    }
  g_object_thaw_notify (object);
  return activity_changed;
}

void
_confab_conversation_set_last_activity (ConfabConversation *self,
                                        gint64              last_activity)
{
  if (self->last_activity == last_activity)
    return;
  self->last_activity = last_activity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ACTIVITY]);
}

void
_confab_conversation_set_peer_chat_state (ConfabConversation  *self,
                                          ConfabXmppChatState  state)
{
  if (state == CONFAB_XMPP_CHAT_STATE_NONE || self->peer_chat_state == state)
    return;
  self->peer_chat_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_CHAT_STATE]);
}

void
_confab_conversation_peer_sends_chat_states (ConfabConversation *self)
{
  self->peer_sends_chat_states = TRUE;
}

void
_confab_conversation_set_markable (ConfabConversation *self,
                                   const char         *id)
{
  g_free (self->markable_id);
  self->markable_id = g_strdup (id);
}

static void
contact_notify_cb (ConfabContact      *contact,
                   GParamSpec         *pspec,
                   ConfabConversation *self)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "display-name"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
  else if (g_str_equal (name, "available"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
  else if (g_str_equal (name, "show"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
}

void
_confab_conversation_update_contact (ConfabConversation *self)
{
  ConfabRosterModel *roster = confab_account_get_roster (self->account);
  ConfabContact *contact = roster != NULL ? confab_roster_model_lookup (roster, self->peer) : NULL;
  gboolean was_available, now_available;
  ConfabXmppPresenceShow old_show;
  g_autofree char *old_name = NULL;

  if (contact == self->contact)
    return;

  was_available = confab_conversation_get_available (self);
  old_show = confab_conversation_get_show (self);
  old_name = g_strdup (confab_conversation_get_display_name (self));

  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_data (self->contact, self);
  g_set_object (&self->contact, contact);
  if (contact != NULL)
    g_signal_connect_object (contact, "notify", G_CALLBACK (contact_notify_cb), self, 0);

  now_available = confab_conversation_get_available (self);
  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (old_name, confab_conversation_get_display_name (self)) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
  if (was_available != now_available)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
  if (old_show != confab_conversation_get_show (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* ---- Getters ------------------------------------------------------------------ */

ConfabAccount *
confab_conversation_get_account (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), NULL);
  return self->account;
}

const char *
confab_conversation_get_peer (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), NULL);
  return self->peer;
}

gint64
confab_conversation_get_conversation_id (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), 0);
  return self->conversation_id;
}

const char *
confab_conversation_get_display_name (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), NULL);
  if (self->contact != NULL)
    return confab_contact_get_display_name (self->contact);
  return self->peer;
}

const char *
confab_conversation_get_last_body (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), NULL);
  return self->last_body;
}

gint64
confab_conversation_get_last_activity (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), 0);
  return self->last_activity;
}

guint
confab_conversation_get_unread_count (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), 0);
  return self->unread_count;
}

ConfabXmppChatState
confab_conversation_get_peer_chat_state (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), CONFAB_XMPP_CHAT_STATE_ACTIVE);
  return self->peer_chat_state;
}

gboolean
confab_conversation_get_available (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), FALSE);
  return self->contact != NULL && confab_contact_get_available (self->contact);
}

ConfabXmppPresenceShow
confab_conversation_get_show (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), CONFAB_XMPP_PRESENCE_SHOW_NONE);
  return self->contact != NULL ? confab_contact_get_show (self->contact)
                               : CONFAB_XMPP_PRESENCE_SHOW_NONE;
}

ConfabConversationModel *
confab_conversation_get_messages (ConfabConversation *self)
{
  ConfabConversationModel *model;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), NULL);

  model = g_weak_ref_get (&self->messages);
  if (model != NULL && confab_conversation_model_get_conversation_id (model) == self->conversation_id)
    return model;
  g_clear_object (&model);
  if (self->store == NULL)
    return NULL;

  /* Weakly kept: when the view lets go, the pages are freed. Before the
   * first message (id 0) it is empty, and a new one is made once the
   * conversation exists. */
  model = confab_conversation_model_new (self->store, self->conversation_id);
  g_weak_ref_set (&self->messages, model);
  return model;
}

/* ---- History from the archive ------------------------------------------------ */

static void
history_fetched_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ConfabConversation) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean complete = FALSE;
  guint n_new = 0;

  if (!confab_archive_fetch_finish (result, &n_new, &complete, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Fetching history with %s: %s", self->peer, error->message);
    }
  else if (complete || n_new == 0)
    {
      /* The archive has nothing before what we have (or only what we have:
       * asking again would bring the same page). */
      self->archive_exhausted = TRUE;
    }
  g_clear_object (&self->fetch_cancellable);
}

gboolean
confab_conversation_can_fetch_history (ConfabConversation *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), FALSE);

  return self->store != NULL && !self->archive_exhausted;
}

void
confab_conversation_fetch_history (ConfabConversation *self,
                                   ConfabArchiveFetch  what)
{
  ConfabXmppStream *stream;

  g_return_if_fail (CONFAB_IS_CONVERSATION (self));

  if (self->store == NULL || self->fetch_cancellable != NULL
      || (what == CONFAB_ARCHIVE_FETCH_OLDER && self->archive_exhausted))
    return;
  stream = confab_account_get_stream (self->account);
  if (confab_xmpp_stream_get_state (stream) != CONFAB_XMPP_STREAM_STATE_BOUND)
    return;

  self->fetch_cancellable = g_cancellable_new ();
  confab_archive_fetch_async (stream, self->store, confab_account_get_row_id (self->account),
                              self->peer, what, CONFAB_CONVERSATION_MODEL_PAGE_SIZE,
                              self->fetch_cancellable, history_fetched_cb, g_object_ref (self));
}

/* ---- Actions ------------------------------------------------------------------ */

static ConfabXmppMessages *
messages_module (ConfabConversation *self)
{
  ConfabXmppStream *stream = confab_account_get_stream (self->account);

  if (confab_xmpp_stream_get_state (stream) != CONFAB_XMPP_STREAM_STATE_BOUND)
    return NULL;
  return (ConfabXmppMessages *) confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES);
}

static char *
trimmed (const char *text)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

/* XEP-0461 §4 / XEP-0428: "> " before each quoted line, for clients that
 * do not know replies. */
static char *
quote_fallback (const char *body)
{
  g_autoptr(GString) quote = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autofree char *shortened = NULL;

  if (body == NULL || *body == '\0')
    return NULL;
  if (g_utf8_strlen (body, -1) > MAX_QUOTE_CHARS)
    {
      g_autofree char *head = g_utf8_substring (body, 0, MAX_QUOTE_CHARS);

      shortened = g_strconcat (head, "…", NULL);
      body = shortened;
    }
  lines = g_strsplit (body, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_string_append_printf (quote, "> %s\n", lines[i]);
  return g_string_free (g_steal_pointer (&quote), FALSE);
}

static void
set_own_chat_state (ConfabConversation  *self,
                    ConfabXmppChatState  state,
                    gboolean             send)
{
  ConfabXmppMessages *messages;
  g_autoptr(ConfabJid) to = NULL;

  if (self->own_chat_state == state)
    return;
  self->own_chat_state = state;
  /* XEP-0085 §5.1: nothing but the <active/> in messages until the peer
   * has shown support by sending a chat state (typing stays private from
   * clients that would not show it anyway). */
  if (!send || !self->peer_sends_chat_states || (messages = messages_module (self)) == NULL)
    return;
  to = confab_jid_parse (self->peer, NULL);
  if (to != NULL)
    confab_xmpp_messages_send_chat_state (messages, to, state);
}

char *
confab_conversation_send (ConfabConversation *self,
                          const char         *body,
                          ConfabMessageItem  *reply_to)
{
  ConfabAccountSync *sync;
  g_autofree char *text = NULL;
  g_autofree char *fallback = NULL;
  char *id;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), NULL);
  g_return_val_if_fail (reply_to == NULL || CONFAB_IS_MESSAGE_ITEM (reply_to), NULL);

  text = trimmed (body);
  sync = confab_account_get_sync (self->account);
  if (text == NULL || sync == NULL)
    return NULL;

  /* The message itself carries <active/> (XEP-0085 §5.4). */
  g_clear_handle_id (&self->paused_source, g_source_remove);
  set_own_chat_state (self, CONFAB_XMPP_CHAT_STATE_ACTIVE, FALSE);

  if (reply_to != NULL && confab_message_item_get_origin_id (reply_to) != NULL)
    {
      fallback = quote_fallback (confab_message_item_get_body (reply_to));
      id = confab_account_sync_send_reply (sync, self->peer, text,
                                           confab_message_item_get_origin_id (reply_to),
                                           confab_message_item_get_sender (reply_to),
                                           fallback);
    }
  else
    id = confab_account_sync_send_chat (sync, self->peer, text);

  /* Listed on top at once; the stored row's time follows. */
  if (id != NULL)
    _confab_conversation_set_last_activity (self, MAX (self->last_activity, g_get_real_time ()));
  return id;
}

ConfabMessageItem *
confab_conversation_get_last_outgoing (ConfabConversation *self)
{
  g_autoptr(ConfabHistoryMessage) row = NULL;
  g_autoptr(ConfabConversationModel) model = NULL;
  int position;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), NULL);

  if (self->store == NULL || self->conversation_id == 0)
    return NULL;
  row = confab_history_store_get_last_outgoing (self->store, self->conversation_id, NULL);
  if (row == NULL || row->origin_id == NULL)
    return NULL;

  /* The view's own item when it has it, so both show the same object. */
  model = g_weak_ref_get (&self->messages);
  if (model != NULL && (position = confab_conversation_model_find (model, row->id)) >= 0)
    return g_list_model_get_item (G_LIST_MODEL (model), (guint) position);
  return _confab_message_item_new (row, NULL, NULL, NULL);
}

gboolean
confab_conversation_correct_last (ConfabConversation *self,
                                  const char         *body)
{
  g_autoptr(ConfabHistoryMessage) row = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  ConfabAccountSync *sync;

  g_return_val_if_fail (CONFAB_IS_CONVERSATION (self), FALSE);

  text = trimmed (body);
  sync = confab_account_get_sync (self->account);
  if (text == NULL || sync == NULL || self->store == NULL || self->conversation_id == 0)
    return FALSE;
  row = confab_history_store_get_last_outgoing (self->store, self->conversation_id, NULL);
  if (row == NULL || row->retracted || row->origin_id == NULL)
    return FALSE;

  /* XEP-0308 §4: the id is always the original message's. */
  id = confab_account_sync_send_correction (sync, self->peer, row->origin_id, text);
  return id != NULL;
}

void
confab_conversation_toggle_reaction (ConfabConversation *self,
                                     ConfabMessageItem  *item,
                                     const char         *emoji)
{
  ConfabAccountSync *sync;
  const char *own;
  g_auto(GStrv) current = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) reactions = NULL;
  g_autofree char *id = NULL;
  gboolean had = FALSE;

  g_return_if_fail (CONFAB_IS_CONVERSATION (self));
  g_return_if_fail (CONFAB_IS_MESSAGE_ITEM (item));

  sync = confab_account_get_sync (self->account);
  if (emoji == NULL || *emoji == '\0' || !g_utf8_validate (emoji, -1, NULL) ||
      sync == NULL || self->store == NULL ||
      confab_message_item_get_origin_id (item) == NULL)
    return;

  /* XEP-0444 §3.2: we send our whole set, so start from what is stored. */
  own = confab_jid_get_bare_string (confab_account_get_jid (self->account));
  current = confab_history_store_get_reactions_of (self->store, confab_message_item_get_id (item),
                                                   own, NULL);
  builder = g_strv_builder_new ();
  for (guint i = 0; current != NULL && current[i] != NULL; i++)
    {
      if (g_str_equal (current[i], emoji))
        had = TRUE;
      else
        g_strv_builder_add (builder, current[i]);
    }
  if (!had)
    g_strv_builder_add (builder, emoji);
  reactions = g_strv_builder_end (builder);

  id = confab_account_sync_send_reactions (sync, self->peer, confab_message_item_get_origin_id (item),
                                           (const char * const *) reactions);
}

static gboolean
paused_cb (gpointer user_data)
{
  ConfabConversation *self = user_data;

  self->paused_source = 0;
  if (self->own_chat_state == CONFAB_XMPP_CHAT_STATE_COMPOSING)
    set_own_chat_state (self, CONFAB_XMPP_CHAT_STATE_PAUSED, TRUE);
  return G_SOURCE_REMOVE;
}

void
confab_conversation_set_composing (ConfabConversation *self,
                                   gboolean            composing)
{
  g_return_if_fail (CONFAB_IS_CONVERSATION (self));

  g_clear_handle_id (&self->paused_source, g_source_remove);
  if (composing)
    {
      /* XEP-0085 §5.2: composing once, paused after a pause in typing. */
      set_own_chat_state (self, CONFAB_XMPP_CHAT_STATE_COMPOSING, TRUE);
      self->paused_source = g_timeout_add_seconds (PAUSED_AFTER_SECONDS, paused_cb, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->paused_source),
                                "[confab] chat state paused");
    }
  else if (self->own_chat_state != CONFAB_XMPP_CHAT_STATE_ACTIVE)
    /* §5.3: the text was cleared or sent elsewhere: active again. */
    set_own_chat_state (self, CONFAB_XMPP_CHAT_STATE_ACTIVE, TRUE);
}

static void
marked_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_history_store_apply_finish (CONFAB_HISTORY_STORE (source), result, NULL, &error))
    g_warning ("Could not mark a conversation read: %s", error->message);
}

void
confab_conversation_mark_read (ConfabConversation *self)
{
  ConfabXmppMessages *messages;

  g_return_if_fail (CONFAB_IS_CONVERSATION (self));

  if (self->unread_count != 0)
    {
      self->unread_count = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD_COUNT]);
    }
  if (self->store != NULL && self->conversation_id != 0)
    confab_history_store_mark_read_async (self->store, self->conversation_id, NULL,
                                          marked_read_cb, NULL);

  /* XEP-0333 §3: only for a message that asked for markers. */
  if (self->markable_id != NULL && (messages = messages_module (self)) != NULL)
    {
      g_autoptr(ConfabJid) to = confab_jid_parse (self->peer, NULL);

      if (to != NULL)
        confab_xmpp_messages_send_marker (messages, to, self->markable_id,
                                          CONFAB_XMPP_MARKER_DISPLAYED);
      g_clear_pointer (&self->markable_id, g_free);
    }
}
