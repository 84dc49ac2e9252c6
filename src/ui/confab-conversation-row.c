/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-conversation-row.c: one conversation in the sidebar list. */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-account.h"
#include "confab-avatar.h"
#include "confab-conversation-row.h"
#include "confab-styled-text.h"

struct _ConfabConversationRow
{
  GtkWidget           parent_instance;

  ConfabConversation *conversation;
  GSignalGroup       *signals;
  gboolean            show_account;
  guint               refresh_id;   /* keeps "5 min" true as time passes */
  guint               sync_id;      /* one sync for a batch of notifications */
  char               *description;  /* the last one given to screen readers */
  guint               unread_described;

  /* template children */
  ConfabAvatar       *avatar;
  GtkLabel           *name_label;
  GtkLabel           *time_label;
  GtkLabel           *preview_label;
  GtkLabel           *unread_label;
  GtkWidget          *account_box;
  ConfabAvatar       *account_dot;
  GtkLabel           *account_label;
};

G_DEFINE_FINAL_TYPE (ConfabConversationRow, confab_conversation_row, GTK_TYPE_WIDGET)

char *
confab_conversation_row_format_time (gint64     time,
                                     GDateTime *now)
{
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) today = NULL;
  GTimeSpan age;
  GTimeSpan days;

  if (time <= 0 || now == NULL)
    return g_strdup ("");

  then = g_date_time_new_from_unix_local (time / G_USEC_PER_SEC);
  if (then == NULL)
    return g_strdup ("");
  age = g_date_time_difference (now, then);
  if (age < 0)
    age = 0;

  if (age < G_TIME_SPAN_MINUTE)
    return g_strdup (C_("time", "now"));
  if (age < G_TIME_SPAN_HOUR)
    /* Translators: minutes ago, kept short for the conversation list. */
    return g_strdup_printf (_("%d min"), (int) (age / G_TIME_SPAN_MINUTE));

  today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  if (g_date_time_compare (then, today) >= 0)
    /* Translators: a time of today, see strftime(3). */
    return g_date_time_format (then, _("%H:%M"));

  days = g_date_time_difference (today, then) / G_TIME_SPAN_DAY;
  if (days < 1)
    return g_strdup (_("Yesterday"));
  if (days < 6)
    return g_date_time_format (then, "%A");
  if (g_date_time_get_year (then) == g_date_time_get_year (now))
    /* Translators: a day of this year, see strftime(3). */
    return g_date_time_format (then, _("%e %B"));
  return g_date_time_format (then, "%x");
}

static ConfabAvatarPresence
presence_of (ConfabConversation *conversation)
{
  if (!confab_conversation_get_available (conversation))
    return CONFAB_AVATAR_PRESENCE_OFFLINE;
  switch (confab_conversation_get_show (conversation))
    {
    case CONFAB_XMPP_PRESENCE_SHOW_AWAY:
    case CONFAB_XMPP_PRESENCE_SHOW_XA:
      return CONFAB_AVATAR_PRESENCE_AWAY;
    case CONFAB_XMPP_PRESENCE_SHOW_DND:
      return CONFAB_AVATAR_PRESENCE_BUSY;
    case CONFAB_XMPP_PRESENCE_SHOW_NONE:
    case CONFAB_XMPP_PRESENCE_SHOW_CHAT:
    default:
      return CONFAB_AVATAR_PRESENCE_AVAILABLE;
    }
}

static void confab_conversation_row_sync (ConfabConversationRow *self);

static gboolean
refresh_cb (gpointer user_data)
{
  confab_conversation_row_sync (user_data);
  return G_SOURCE_CONTINUE;
}

static void
confab_conversation_row_sync (ConfabConversationRow *self)
{
  ConfabConversation *conversation = self->conversation;
  g_autofree char *name = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *time = NULL;
  g_autoptr(GDateTime) now = NULL;
  ConfabAccount *account;
  guint unread;

  if (conversation == NULL)
    {
      g_clear_handle_id (&self->refresh_id, g_source_remove);
      gtk_label_set_text (self->name_label, "");
      gtk_label_set_text (self->preview_label, "");
      gtk_label_set_text (self->time_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->unread_label), FALSE);
      gtk_widget_set_visible (self->account_box, FALSE);
      return;
    }

  name = confab_styled_text_isolate (confab_conversation_get_display_name (conversation),
                                     CONFAB_STYLED_TEXT_MAX_NAME);
  gtk_label_set_text (self->name_label, name);
  confab_avatar_set_jid (self->avatar, confab_conversation_get_peer (conversation));
  confab_avatar_set_name (self->avatar, confab_conversation_get_display_name (conversation));
  confab_avatar_set_presence (self->avatar, presence_of (conversation));

  if (confab_conversation_get_peer_chat_state (conversation) == CONFAB_XMPP_CHAT_STATE_COMPOSING)
    preview = g_strdup (_("typing…"));
  else
    preview = confab_styled_text_isolate (confab_conversation_get_last_body (conversation),
                                          CONFAB_STYLED_TEXT_MAX_NAME);
  gtk_label_set_text (self->preview_label, preview);

  now = g_date_time_new_now_local ();
  time = confab_conversation_row_format_time (confab_conversation_get_last_activity (conversation), now);
  gtk_label_set_text (self->time_label, time);
  /* Only bound rows (the ones on screen, give or take) tick; GLib groups
   * whole-second timeouts into one wakeup. */
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (60, refresh_cb, self);

  unread = confab_conversation_get_unread_count (conversation);
  if (unread > 0)
    {
      g_autofree char *count = unread > 999 ? g_strdup ("999+") : g_strdup_printf ("%u", unread);
      g_autofree char *description = g_strdup_printf (ngettext ("%u unread message",
                                                                "%u unread messages", unread),
                                                      unread);

      gtk_label_set_text (self->unread_label, count);
      /* Accessible updates go out over D-Bus: only real changes. */
      if (unread != self->unread_described)
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->unread_label),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
    }
  self->unread_described = unread;
  gtk_widget_set_visible (GTK_WIDGET (self->unread_label), unread > 0);
  if (unread > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->name_label), "unread");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->name_label), "unread");

  account = confab_conversation_get_account (conversation);
  gtk_widget_set_visible (self->account_box, self->show_account && account != NULL);
  if (self->show_account && account != NULL)
    {
      const char *jid = confab_jid_get_bare_string (confab_account_get_jid (account));

      gtk_label_set_text (self->account_label, jid);
      confab_avatar_set_jid (self->account_dot, jid);
    }

  /* One sentence for screen readers instead of five fragments. */
  {
    g_autofree char *description = NULL;

    if (unread > 0)
      description = g_strdup_printf (ngettext ("%s, %u unread message, %s: %s",
                                               "%s, %u unread messages, %s: %s", unread),
                                     name, unread, time, preview);
    else
      description = g_strdup_printf (_("%s, %s: %s"), name, time, preview);
    if (g_strcmp0 (description, self->description) != 0)
      {
        gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        description, -1);
        g_free (self->description);
        self->description = g_steal_pointer (&description);
      }
  }
}

static gboolean
sync_cb (gpointer user_data)
{
  ConfabConversationRow *self = user_data;

  self->sync_id = 0;
  confab_conversation_row_sync (self);
  return G_SOURCE_REMOVE;
}

/* One change of a conversation notifies several properties at once:
 * the row is synced once, before the next frame is drawn. */
static void
on_conversation_notify_cb (ConfabConversationRow *self)
{
  if (self->sync_id == 0)
    {
      self->sync_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, sync_cb, self, NULL);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->sync_id),
                                "[confab] conversation row sync");
    }
}

static void
confab_conversation_row_dispose (GObject *object)
{
  ConfabConversationRow *self = CONFAB_CONVERSATION_ROW (object);
  GtkWidget *child;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->sync_id, g_source_remove);
  g_clear_pointer (&self->description, g_free);
  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->signals);
  g_clear_object (&self->conversation);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_CONVERSATION_ROW);
  /* The template's top box is a plain child, not a bound one. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (confab_conversation_row_parent_class)->dispose (object);
}

static void
confab_conversation_row_class_init (ConfabConversationRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_conversation_row_dispose;

  g_type_ensure (CONFAB_TYPE_AVATAR);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-conversation-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationRow, preview_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationRow, unread_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationRow, account_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationRow, account_dot);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationRow, account_label);
  gtk_widget_class_set_css_name (widget_class, "conversation-row");
}

static void
confab_conversation_row_init (ConfabConversationRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The account dot is a color only. */
  confab_avatar_set_name (self->account_dot, "");

  self->signals = g_signal_group_new (CONFAB_TYPE_CONVERSATION);
  g_signal_group_connect_swapped (self->signals, "notify",
                                  G_CALLBACK (on_conversation_notify_cb), self);
}

GtkWidget *
confab_conversation_row_new (void)
{
  return g_object_new (CONFAB_TYPE_CONVERSATION_ROW, NULL);
}

void
confab_conversation_row_set_conversation (ConfabConversationRow *self,
                                          ConfabConversation    *conversation)
{
  g_return_if_fail (CONFAB_IS_CONVERSATION_ROW (self));
  g_return_if_fail (conversation == NULL || CONFAB_IS_CONVERSATION (conversation));

  if (!g_set_object (&self->conversation, conversation))
    return;
  g_signal_group_set_target (self->signals, conversation);
  g_clear_handle_id (&self->sync_id, g_source_remove);
  confab_conversation_row_sync (self);
}

ConfabConversation *
confab_conversation_row_get_conversation (ConfabConversationRow *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION_ROW (self), NULL);

  return self->conversation;
}

void
confab_conversation_row_set_show_account (ConfabConversationRow *self,
                                          gboolean               show_account)
{
  g_return_if_fail (CONFAB_IS_CONVERSATION_ROW (self));

  if (self->show_account == !!show_account)
    return;
  self->show_account = !!show_account;
  confab_conversation_row_sync (self);
}
