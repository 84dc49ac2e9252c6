/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-notifier.c: desktop notifications for new messages.
 *
 * Copyright 2026 The Confab developers
 *
 * One GNotification per conversation, keyed "conversation-<id>": the desktop
 * replaces a notification sent again with the same id, so a flood of
 * messages is one live notification. Updates are rate-limited per
 * conversation (UPDATE_INTERVAL_US): during a burst the newest message is
 * shown once the interval has passed, so a 5,000-message burst costs a few
 * sends, not 5,000. Priority stays normal, so the desktop's do-not-disturb
 * applies.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "confab-contact-row.h"
#include "confab-notifier.h"
#include "confab-window.h"

#define UPDATE_INTERVAL_US G_USEC_PER_SEC
#define RECHECK_INTERVAL_MS 100
#define TITLE_MAX_CHARS    64
#define BODY_MAX_CHARS     200

typedef struct {
  ConfabNotifier *self;
  gint64          conversation_id;
  gint64          message_id;   /* the newest message to show */
  gint64          last_sent;    /* monotonic µs; 0: never sent */
  guint           timeout_id;
  gboolean        live;         /* sent and not withdrawn */
  /* Messages stored while the timeout is pending, not read yet: a burst
   * costs one lookup per update, not one per message. */
  GArray         *pending;      /* of gint64 message ids */
} Entry;

struct _ConfabNotifier
{
  GObject                    parent_instance;

  GApplication              *application;   /* not owned: it owns us */
  ConfabAccountManager      *manager;
  ConfabHistoryStore        *history;
  GSettings                 *settings;

  /* Messages stamped before this (real time, µs) are history that came in
   * by catch-up, not news. */
  gint64                     session_start;

  /* gint64 conversation id → Entry */
  GHashTable                *entries;

  /* Conversations with an entry whose unread count changed: checked
   * together, at most every RECHECK_INTERVAL_MS. */
  GHashTable                *recheck;
  guint                      recheck_id;

  ConfabNotifierSendFunc     test_send;
  ConfabNotifierVisibleFunc  test_visible;
  gpointer                   test_data;
};

G_DEFINE_FINAL_TYPE (ConfabNotifier, confab_notifier, G_TYPE_OBJECT)

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_handle_id (&entry->timeout_id, g_source_remove);
  g_clear_pointer (&entry->pending, g_array_unref);
  g_free (entry);
}

static char *
notification_id (gint64 conversation_id)
{
  return g_strdup_printf ("conversation-%" G_GINT64_FORMAT, conversation_id);
}

static ConfabAccount *
account_by_row_id (ConfabNotifier *self,
                   gint64          account_id)
{
  GListModel *accounts = G_LIST_MODEL (self->manager);
  guint n = g_list_model_get_n_items (accounts);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (accounts, i);

      if (confab_account_get_row_id (account) == account_id)
        return account;  /* the manager keeps it */
    }
  return NULL;
}

static gboolean
is_in_view (ConfabNotifier     *self,
            ConfabConversation *conversation)
{
  if (self->test_visible != NULL)
    return self->test_visible (self->test_data) == conversation;

  if (!GTK_IS_APPLICATION (self->application))
    return FALSE;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->application));
       l != NULL; l = l->next)
    {
      if (CONFAB_IS_WINDOW (l->data)
          && confab_window_get_visible_conversation (l->data) == conversation)
        return TRUE;
    }
  return FALSE;
}

static void
send_notification (ConfabNotifier *self,
                   const char     *id,
                   GNotification  *notification,
                   const char     *title,
                   const char     *body)
{
  if (self->test_send != NULL)
    self->test_send (id, notification, title, body, self->test_data);
  else if (g_application_get_is_registered (self->application))
    g_application_send_notification (self->application, id, notification);
}

static void
withdraw_entry (ConfabNotifier *self,
                gint64          conversation_id)
{
  Entry *entry = g_hash_table_lookup (self->entries, &conversation_id);
  g_autofree char *id = NULL;

  if (entry == NULL)
    return;
  if (entry->live)
    {
      id = notification_id (conversation_id);
      if (self->test_send != NULL)
        self->test_send (id, NULL, NULL, NULL, self->test_data);
      else if (g_application_get_is_registered (self->application))
        g_application_withdraw_notification (self->application, id);
    }
  g_hash_table_remove (self->entries, &conversation_id);
}

/* Finds the conversation object of history conversation @conversation_id
 * (creating the list entry when the list has not seen it yet). */
static ConfabConversation *
find_conversation (ConfabNotifier                   *self,
                   const ConfabHistoryConversation  *row,
                   ConfabAccount                   **account_out)
{
  ConfabConversationList *list = confab_account_manager_get_conversations (self->manager);
  ConfabAccount *account = account_by_row_id (self, row->account_id);
  ConfabConversation *conversation;

  *account_out = account;
  if (account == NULL || list == NULL)
    return NULL;
  conversation = confab_conversation_list_lookup (list, account, row->peer);
  if (conversation == NULL)
    conversation = confab_conversation_list_ensure (list, account, row->peer);
  return conversation;
}


/* Notification servers that advertise "body-markup" (freedesktop
 * Notifications §"Markup") parse the body as markup, and GNotification
 * cannot say it is plain text. So the three characters that markup is made
 * of become look-alikes no parser reads: a contact's "<img src=…>" stays
 * text on every desktop. Takes @text; returns it, or a new string in its
 * place when something was replaced. */
static char *
neutralize_markup (char *text)
{
  GString *out;

  if (strpbrk (text, "<>&") == NULL)
    return text;
  out = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '<':
          g_string_append (out, "\u2039");  /* ‹ */
          break;
        case '>':
          g_string_append (out, "\u203A");  /* › */
          break;
        case '&':
          g_string_append (out, "\uFF06");  /* ＆ */
          break;
        default:
          g_string_append_c (out, *p);
        }
    }
  g_free (text);
  return g_string_free (out, FALSE);
}

static GNotification *
build_notification (ConfabNotifier                  *self,
                    ConfabAccount                   *account,
                    ConfabConversation              *conversation,
                    const ConfabHistoryConversation *row,
                    const ConfabHistoryMessage      *message,
                    char                           **title_out,
                    char                           **body_out)
{
  ConfabRosterModel *roster = confab_account_get_roster (account);
  ConfabContact *contact = roster != NULL ? confab_roster_model_lookup (roster, row->peer) : NULL;
  const char *name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  GNotification *notification;
  GVariant *target;

  if (contact != NULL)
    name = confab_contact_get_display_name (contact);
  if (name == NULL && conversation != NULL)
    name = confab_conversation_get_display_name (conversation);
  if (name == NULL)
    name = row->peer;
  title = confab_display_text (name, TITLE_MAX_CHARS);

  /* The body is plain text, shortened; the text of a message is never
   * handed over as markup. */
  if (g_settings_get_boolean (self->settings, "notification-preview")
      && message->body != NULL)
    body = confab_display_text (message->body, BODY_MAX_CHARS);
  else
    body = g_strdup (_("New message"));
  title = neutralize_markup (title);
  body = neutralize_markup (body);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_category (notification, "im.received");

  target = g_variant_new ("(ss)",
                          confab_jid_get_bare_string (confab_account_get_jid (account)),
                          row->peer);
  g_variant_ref_sink (target);
  g_notification_set_default_action_and_target_value (notification, "app.open-conversation", target);
  g_notification_add_button_with_target_value (notification, _("Mark as Read"), "app.mark-read", target);
  g_variant_unref (target);

  *title_out = g_steal_pointer (&title);
  *body_out = g_steal_pointer (&body);
  return notification;
}

/* Sends (or replaces) the notification of @entry for its newest message,
 * unless the conversation has come into view or been read meanwhile. */
static void
flush_entry (ConfabNotifier *self,
             Entry          *entry)
{
  g_autoptr(ConfabHistoryConversation) row = NULL;
  g_autoptr(ConfabHistoryMessage) message = NULL;
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  ConfabConversation *conversation;
  ConfabAccount *account = NULL;
  gint64 conversation_id = entry->conversation_id;

  row = confab_history_store_get_conversation_by_id (self->history, conversation_id, &error);
  if (row != NULL)
    message = confab_history_store_get_message (self->history, entry->message_id, &error);
  if (message == NULL)
    {
      g_debug ("Notifier: conversation %" G_GINT64_FORMAT ": %s", conversation_id,
               error != NULL ? error->message : "gone");
      withdraw_entry (self, conversation_id);
      return;
    }

  conversation = find_conversation (self, row, &account);
  if (account == NULL || row->unread_count == 0
      || (conversation != NULL && is_in_view (self, conversation)))
    {
      withdraw_entry (self, conversation_id);
      return;
    }

  notification = build_notification (self, account, conversation, row, message, &title, &body);
  id = notification_id (conversation_id);
  send_notification (self, id, notification, title, body);
  entry->live = TRUE;
  entry->last_sent = g_get_monotonic_time ();
}

static gboolean is_notifiable (ConfabNotifier             *self,
                               const ConfabHistoryMessage *message);

/* Moves @entry to the newest of the messages stored meanwhile that is
 * news, if any. */
static gboolean
take_pending (ConfabNotifier *self,
              Entry          *entry)
{
  g_autoptr(GArray) pending = g_steal_pointer (&entry->pending);

  if (pending == NULL)
    return FALSE;
  for (guint i = pending->len; i > 0; i--)
    {
      gint64 id = g_array_index (pending, gint64, i - 1);
      g_autoptr(ConfabHistoryMessage) message = NULL;

      if (id <= entry->message_id)
        continue;
      message = confab_history_store_get_message (self->history, id, NULL);
      if (message != NULL && is_notifiable (self, message))
        {
          entry->message_id = id;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
flush_timeout_cb (gpointer user_data)
{
  Entry *entry = user_data;

  entry->timeout_id = 0;
  /* Scheduled for a message that is news: shown even when none of the
   * later ones are. */
  take_pending (entry->self, entry);
  flush_entry (entry->self, entry);
  return G_SOURCE_REMOVE;
}

/* Whether @message, just stored, is news the user should hear about. */
static gboolean
is_notifiable (ConfabNotifier             *self,
               const ConfabHistoryMessage *message)
{
  /* Our own messages, including carbons of what we sent elsewhere. */
  if (message->direction != CONFAB_HISTORY_DIRECTION_IN)
    return FALSE;
  /* A retraction or a message without text. */
  if (message->body == NULL || message->retracted)
    return FALSE;
  /* MAM catch-up of what came before this session. */
  if (message->timestamp < self->session_start)
    return FALSE;
  return TRUE;
}

static void
on_message_changed_cb (ConfabNotifier       *self,
                       gint64                conversation_id,
                       gint64                message_id,
                       ConfabHistoryOutcome  outcome,
                       ConfabHistoryStore   *history)
{
  g_autoptr(ConfabHistoryMessage) message = NULL;
  g_autoptr(ConfabHistoryConversation) row = NULL;
  g_autoptr(GError) error = NULL;
  ConfabConversation *conversation;
  ConfabAccount *account = NULL;
  Entry *entry;
  gint64 now;

  g_assert (CONFAB_IS_NOTIFIER (self));

  if (outcome != CONFAB_HISTORY_OUTCOME_STORED)
    return;

  /* An update is due already: it reads the newest of these then. */
  entry = g_hash_table_lookup (self->entries, &conversation_id);
  if (entry != NULL && entry->timeout_id != 0)
    {
      if (entry->pending == NULL)
        entry->pending = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_array_append_val (entry->pending, message_id);
      return;
    }

  if (!g_settings_get_boolean (self->settings, "notifications"))
    return;

  message = confab_history_store_get_message (history, message_id, &error);
  if (message == NULL)
    {
      g_debug ("Notifier: message %" G_GINT64_FORMAT ": %s", message_id, error->message);
      return;
    }
  if (!is_notifiable (self, message))
    return;

  if (entry != NULL)
    {
      /* Already notified: only remember the newest. */
      if (message_id > entry->message_id)
        entry->message_id = message_id;
    }
  else
    {
      row = confab_history_store_get_conversation_by_id (history, conversation_id, &error);
      if (row == NULL)
        return;
      /* Group chats are not notified (yet): a busy room would be noise. */
      if (row->kind != CONFAB_HISTORY_KIND_CHAT)
        return;
      conversation = find_conversation (self, row, &account);
      if (account == NULL)
        return;
      if (conversation != NULL && is_in_view (self, conversation))
        return;

      entry = g_new0 (Entry, 1);
      entry->self = self;
      entry->conversation_id = conversation_id;
      entry->message_id = message_id;
      g_hash_table_insert (self->entries, &entry->conversation_id, entry);
    }

  now = g_get_monotonic_time ();
  if (entry->last_sent == 0 || now - entry->last_sent >= UPDATE_INTERVAL_US)
    {
      flush_entry (self, entry);
    }
  else
    {
      guint delay_ms = (guint) ((entry->last_sent + UPDATE_INTERVAL_US - now) / 1000) + 1;

      entry->timeout_id = g_timeout_add (delay_ms, flush_timeout_cb, entry);
    }
}

static gboolean
recheck_cb (gpointer user_data)
{
  ConfabNotifier *self = user_data;
  g_autoptr(GHashTable) ids = g_steal_pointer (&self->recheck);
  GHashTableIter iter;
  gint64 *id;

  self->recheck_id = 0;
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      g_autoptr(ConfabHistoryConversation) row = NULL;

      if (!g_hash_table_contains (self->entries, id))
        continue;
      row = confab_history_store_get_conversation_by_id (self->history, *id, NULL);
      if (row == NULL || row->unread_count == 0)
        withdraw_entry (self, *id);
    }
  return G_SOURCE_REMOVE;
}

static void
on_conversation_changed_cb (ConfabNotifier     *self,
                            gint64              conversation_id,
                            ConfabHistoryStore *history)
{
  g_assert (CONFAB_IS_NOTIFIER (self));

  /* Read elsewhere (this window, another client's displayed marker): the
   * notification has nothing left to say. Every change of a busy
   * conversation is checked at once, a little later. */
  if (!g_hash_table_contains (self->entries, &conversation_id))
    return;
  if (self->recheck == NULL)
    self->recheck = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  if (!g_hash_table_contains (self->recheck, &conversation_id))
    g_hash_table_add (self->recheck, g_memdup2 (&conversation_id, sizeof conversation_id));
  if (self->recheck_id == 0)
    {
      self->recheck_id = g_timeout_add (RECHECK_INTERVAL_MS, recheck_cb, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->recheck_id),
                                "[confab] notifier recheck");
    }
}

static void
on_notifications_changed_cb (ConfabNotifier *self,
                             const char     *key,
                             GSettings      *settings)
{
  GHashTableIter iter;
  gpointer key_ptr;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (g_settings_get_boolean (settings, "notifications"))
    return;
  /* Turned off: take back what is shown. */
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key_ptr, NULL))
    g_array_append_val (ids, *(gint64 *) key_ptr);
  for (guint i = 0; i < ids->len; i++)
    withdraw_entry (self, g_array_index (ids, gint64, i));
}

static void
confab_notifier_dispose (GObject *object)
{
  ConfabNotifier *self = CONFAB_NOTIFIER (object);

  g_clear_handle_id (&self->recheck_id, g_source_remove);
  g_clear_pointer (&self->recheck, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_object (&self->history);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (confab_notifier_parent_class)->dispose (object);
}

static void
confab_notifier_class_init (ConfabNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_notifier_dispose;
}

static void
confab_notifier_init (ConfabNotifier *self)
{
  self->entries = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, entry_free);
  self->session_start = g_get_real_time ();
}

/**
 * confab_notifier_new:
 * @application: the application that sends the notifications
 * @manager: the accounts whose history is watched
 * @settings: the settings with the "notifications" and
 *   "notification-preview" keys
 *
 * Returns: (transfer full): a new notifier
 */
ConfabNotifier *
confab_notifier_new (GApplication         *application,
                     ConfabAccountManager *manager,
                     GSettings            *settings)
{
  ConfabNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CONFAB_TYPE_NOTIFIER, NULL);
  self->application = application;
  self->manager = g_object_ref (manager);
  self->settings = g_object_ref (settings);
  self->history = confab_account_manager_get_history_store (manager);
  if (self->history != NULL)
    {
      g_object_ref (self->history);
      g_signal_connect_object (self->history, "message-changed",
                               G_CALLBACK (on_message_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->history, "conversation-changed",
                               G_CALLBACK (on_conversation_changed_cb), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (settings, "changed::notifications",
                           G_CALLBACK (on_notifications_changed_cb), self, G_CONNECT_SWAPPED);
  return self;
}

void
confab_notifier_withdraw (ConfabNotifier     *self,
                          ConfabConversation *conversation)
{
  g_return_if_fail (CONFAB_IS_NOTIFIER (self));
  g_return_if_fail (CONFAB_IS_CONVERSATION (conversation));

  withdraw_entry (self, confab_conversation_get_conversation_id (conversation));
}

void
confab_notifier_set_test_hooks (ConfabNotifier            *self,
                                ConfabNotifierSendFunc     send,
                                ConfabNotifierVisibleFunc  visible,
                                gpointer                   user_data)
{
  g_return_if_fail (CONFAB_IS_NOTIFIER (self));

  self->test_send = send;
  self->test_visible = visible;
  self->test_data = user_data;
}
