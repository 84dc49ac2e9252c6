/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-message-row.c: one message in the conversation view. */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-account.h"
#include "confab-avatar.h"
#include "confab-message-row.h"
#include "confab-styled-text.h"

/* Quick reactions offered in the menu (XEP-0444 allows any emoji). */
static const char * const quick_reactions[] = {
  "\xf0\x9f\x91\x8d", /* 👍 */
  "\xe2\x9d\xa4\xef\xb8\x8f", /* ❤️ */
  "\xf0\x9f\x98\x82", /* 😂 */
  "\xf0\x9f\x98\xae", /* 😮 */
  "\xf0\x9f\x98\xa2", /* 😢 */
  "\xf0\x9f\x99\x8f", /* 🙏 */
};

struct _ConfabMessageRow
{
  GtkWidget           parent_instance;

  ConfabMessageItem  *item;
  ConfabConversation *conversation;
  GSignalGroup       *signals;
  GtkWidget          *menu;
  GtkWidget          *emoji_chooser;

  /* template children */
  GtkLabel           *day_label;
  GtkStack           *avatar_stack;
  ConfabAvatar       *avatar;
  GtkLabel           *side_time_label;
  GtkWidget          *header_box;
  GtkLabel           *sender_label;
  GtkLabel           *time_label;
  GtkWidget          *reply_box;
  GtkLabel           *reply_sender_label;
  GtkLabel           *reply_body_label;
  GtkLabel           *body_label;
  GtkWidget          *edited_label;
  GtkImage           *state_image;
  GtkBox             *reactions_box;
};

G_DEFINE_FINAL_TYPE (ConfabMessageRow, confab_message_row, GTK_TYPE_WIDGET)

static GDateTime *
local_time_of (ConfabMessageItem *item)
{
  return g_date_time_new_from_unix_local (confab_message_item_get_timestamp (item) / G_USEC_PER_SEC);
}

gboolean
confab_message_row_is_new_day (ConfabMessageItem *item,
                               ConfabMessageItem *previous)
{
  g_autoptr(GDateTime) a = NULL;
  g_autoptr(GDateTime) b = NULL;

  if (previous == NULL)
    return TRUE;
  a = local_time_of (item);
  b = local_time_of (previous);
  if (a == NULL || b == NULL)
    return a != b;
  return g_date_time_get_year (a) != g_date_time_get_year (b)
         || g_date_time_get_day_of_year (a) != g_date_time_get_day_of_year (b);
}

gboolean
confab_message_row_continues (ConfabMessageItem *item,
                              ConfabMessageItem *previous)
{
  gint64 gap;

  if (previous == NULL || confab_message_row_is_new_day (item, previous))
    return FALSE;
  if (confab_message_item_get_direction (item) != confab_message_item_get_direction (previous)
      || g_strcmp0 (confab_message_item_get_sender (item), confab_message_item_get_sender (previous)) != 0)
    return FALSE;
  gap = confab_message_item_get_timestamp (item) - confab_message_item_get_timestamp (previous);
  return gap >= 0 && gap < CONFAB_MESSAGE_ROW_GROUP_SPAN;
}

static char *
format_day (GDateTime *day)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);

  if (g_date_time_get_year (day) == g_date_time_get_year (now)
      && g_date_time_get_day_of_year (day) == g_date_time_get_day_of_year (now))
    return g_strdup (_("Today"));
  if (g_date_time_get_year (day) == g_date_time_get_year (yesterday)
      && g_date_time_get_day_of_year (day) == g_date_time_get_day_of_year (yesterday))
    return g_strdup (_("Yesterday"));
  if (g_date_time_get_year (day) == g_date_time_get_year (now))
    /* Translators: a day separator in a conversation, see strftime(3). */
    return g_date_time_format (day, _("%A, %e %B"));
  /* Translators: a day separator in a conversation, see strftime(3). */
  return g_date_time_format (day, _("%A, %e %B %Y"));
}

static const char *
own_jid (ConfabMessageRow *self)
{
  ConfabAccount *account = self->conversation != NULL
                           ? confab_conversation_get_account (self->conversation) : NULL;

  return account != NULL ? confab_jid_get_bare_string (confab_account_get_jid (account)) : NULL;
}

static void
sync_state (ConfabMessageRow *self)
{
  const char *icon = NULL;
  const char *description = NULL;

  if (confab_message_item_get_direction (self->item) == CONFAB_HISTORY_DIRECTION_OUT)
    switch (confab_message_item_get_state (self->item))
      {
      case CONFAB_HISTORY_STATE_PENDING:
        icon = "content-loading-symbolic";
        description = _("Sending");
        break;
      case CONFAB_HISTORY_STATE_SENT:
        icon = "object-select-symbolic";
        description = _("Sent");
        break;
      case CONFAB_HISTORY_STATE_DELIVERED:
        icon = "emblem-ok-symbolic";
        description = _("Delivered");
        break;
      case CONFAB_HISTORY_STATE_READ:
        icon = "emblem-default-symbolic";
        description = _("Read");
        break;
      case CONFAB_HISTORY_STATE_FAILED:
      default:
        icon = "dialog-error-symbolic";
        description = _("Could not be sent");
        break;
      }

  gtk_widget_set_visible (GTK_WIDGET (self->state_image), icon != NULL);
  if (icon == NULL)
    return;
  gtk_image_set_from_icon_name (self->state_image, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_image), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  if (confab_message_item_get_state (self->item) == CONFAB_HISTORY_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_image), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_image), "error");
}

static void
on_reaction_clicked_cb (GtkButton        *button,
                        ConfabMessageRow *self)
{
  const char *emoji = g_object_get_data (G_OBJECT (button), "emoji");

  if (self->item != NULL && emoji != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "conversation.react", "(xs)",
                                confab_message_item_get_id (self->item), emoji);
}

/* XEP-0444: one button per emoji with how many reacted; ours highlighted. */
static void
sync_reactions (ConfabMessageRow *self)
{
  const char * const *reactions = confab_message_item_get_reactions (self->item);
  g_autoptr(GHashTable) senders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  const char *self_jid = own_jid (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->reactions_box))) != NULL)
    gtk_box_remove (self->reactions_box, child);

  for (guint i = 0; reactions != NULL && reactions[i] != NULL && reactions[i + 1] != NULL; i += 2)
    {
      GPtrArray *list = g_hash_table_lookup (senders, reactions[i + 1]);

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (senders, (gpointer) reactions[i + 1], list);
          g_ptr_array_add (order, (gpointer) reactions[i + 1]);
        }
      g_ptr_array_add (list, (gpointer) reactions[i]);
    }

  for (guint i = 0; i < order->len && i < 20; i++)
    {
      const char *emoji = order->pdata[i];
      GPtrArray *list = g_hash_table_lookup (senders, emoji);
      g_autofree char *shown_emoji = confab_styled_text_shorten (emoji, 8);
      g_autofree char *label = g_strdup_printf ("%s %u", shown_emoji, list->len);
      GString *tooltip = g_string_new (NULL);
      GtkWidget *button = gtk_button_new_with_label (label);
      gboolean mine = FALSE;

      for (guint j = 0; j < list->len; j++)
        {
          g_autofree char *who = confab_styled_text_isolate (list->pdata[j], CONFAB_STYLED_TEXT_MAX_NAME);

          if (j > 0)
            g_string_append (tooltip, ", ");
          g_string_append (tooltip, who);
          mine |= g_strcmp0 (list->pdata[j], self_jid) == 0;
        }
      gtk_widget_set_tooltip_text (button, tooltip->str);
      g_string_free (tooltip, TRUE);
      gtk_widget_add_css_class (button, "reaction");
      gtk_widget_add_css_class (button, "pill");
      if (mine)
        gtk_widget_add_css_class (button, "mine");
      g_object_set_data_full (G_OBJECT (button), "emoji", g_strdup (emoji), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_reaction_clicked_cb), self);
      gtk_box_append (self->reactions_box, button);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->reactions_box), order->len > 0);
}

static void
confab_message_row_sync (ConfabMessageRow *self)
{
  ConfabMessageItem *item = self->item;
  gboolean outgoing;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *time_text = NULL;
  g_autofree char *sender = NULL;
  const char *reply_body;

  if (item == NULL)
    return;

  outgoing = confab_message_item_get_direction (item) == CONFAB_HISTORY_DIRECTION_OUT;

  if (outgoing)
    {
      sender = g_strdup (_("You"));
      confab_avatar_set_jid (self->avatar, own_jid (self));
      confab_avatar_set_name (self->avatar, own_jid (self));
    }
  else
    {
      const char *name = self->conversation != NULL
                         ? confab_conversation_get_display_name (self->conversation)
                         : confab_message_item_get_sender (item);
      const char *peer = self->conversation != NULL
                         ? confab_conversation_get_peer (self->conversation)
                         : confab_message_item_get_sender (item);

      sender = confab_styled_text_isolate (name, CONFAB_STYLED_TEXT_MAX_NAME);
      confab_avatar_set_jid (self->avatar, peer);
      confab_avatar_set_name (self->avatar, name);
    }
  gtk_label_set_text (self->sender_label, sender);

  time = local_time_of (item);
  time_text = time != NULL ? g_date_time_format (time, _("%H:%M")) : g_strdup ("");
  gtk_label_set_text (self->time_label, time_text);
  gtk_label_set_text (self->side_time_label, time_text);

  if (confab_message_item_get_retracted (item) || confab_message_item_get_body (item) == NULL)
    {
      gtk_label_set_attributes (self->body_label, NULL);
      gtk_label_set_text (self->body_label, _("This message was deleted"));
      gtk_widget_add_css_class (GTK_WIDGET (self->body_label), "retracted");
      gtk_widget_add_css_class (GTK_WIDGET (self->body_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->body_label), "retracted");
      gtk_widget_remove_css_class (GTK_WIDGET (self->body_label), "dim-label");
      confab_styled_text_set_text (self->body_label, confab_message_item_get_body (item));
    }

  reply_body = confab_message_item_get_reply_body (item);
  gtk_widget_set_visible (self->reply_box, confab_message_item_get_reply_to (item) != NULL);
  if (confab_message_item_get_reply_to (item) != NULL)
    {
      const char *reply_sender = confab_message_item_get_reply_sender (item);
      g_autofree char *who = NULL;
      g_autofree char *what = NULL;

      if (reply_sender != NULL && g_strcmp0 (reply_sender, own_jid (self)) == 0)
        who = g_strdup (_("You"));
      else if (reply_sender != NULL && self->conversation != NULL
               && g_strcmp0 (reply_sender, confab_conversation_get_peer (self->conversation)) == 0)
        who = confab_styled_text_isolate (confab_conversation_get_display_name (self->conversation),
                                          CONFAB_STYLED_TEXT_MAX_NAME);
      else
        who = confab_styled_text_isolate (reply_sender != NULL ? reply_sender : _("Unknown"),
                                          CONFAB_STYLED_TEXT_MAX_NAME);
      what = reply_body != NULL
             ? confab_styled_text_isolate (reply_body, CONFAB_STYLED_TEXT_MAX_NAME)
             : g_strdup (_("Message not available"));
      gtk_label_set_text (self->reply_sender_label, who);
      gtk_label_set_text (self->reply_body_label, what);
    }

  gtk_widget_set_visible (self->edited_label,
                          confab_message_item_get_edited (item)
                          && !confab_message_item_get_retracted (item));
  sync_state (self);
  sync_reactions (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.edit",
                                 outgoing && !confab_message_item_get_retracted (item));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.reply",
                                 !confab_message_item_get_retracted (item));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "message.copy",
                                 !confab_message_item_get_retracted (item));
}

static void
on_item_notify_cb (ConfabMessageRow *self)
{
  confab_message_row_sync (self);
}

/* ---- Menu ------------------------------------------------------------------ */

static GMenuModel *
create_menu_model (void)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) actions = g_menu_new ();
  g_autoptr(GMenu) reactions = g_menu_new ();

  g_menu_append (actions, _("_Reply"), "message.reply");
  g_menu_append (actions, _("_Copy Text"), "message.copy");
  g_menu_append (actions, _("_Edit"), "message.edit");
  for (guint i = 0; i < G_N_ELEMENTS (quick_reactions); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (quick_reactions[i], NULL);

      g_menu_item_set_action_and_target (item, "message.react", "s", quick_reactions[i]);
      g_menu_append_item (reactions, item);
    }
  g_menu_append (reactions, _("Other _Reaction…"), "message.react-more");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (actions));
  g_menu_append_section (menu, _("React"), G_MENU_MODEL (reactions));
  return G_MENU_MODEL (menu);
}

static void
show_menu (ConfabMessageRow *self,
           double            x,
           double            y)
{
  if (self->item == NULL)
    return;
  if (self->menu == NULL)
    {
      g_autoptr(GMenuModel) model = create_menu_model ();

      self->menu = gtk_popover_menu_new_from_model (model);
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
      gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
on_secondary_pressed_cb (GtkGestureClick  *gesture,
                         int               n_press,
                         double            x,
                         double            y,
                         ConfabMessageRow *self)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  show_menu (self, x, y);
}

static void
on_long_pressed_cb (GtkGestureLongPress *gesture,
                    double               x,
                    double               y,
                    ConfabMessageRow    *self)
{
  show_menu (self, x, y);
}

static void
reply_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (widget);

  if (self->item != NULL)
    gtk_widget_activate_action (widget, "conversation.reply", "x",
                                confab_message_item_get_id (self->item));
}

static void
edit_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (widget);

  if (self->item != NULL)
    gtk_widget_activate_action (widget, "conversation.edit", "x",
                                confab_message_item_get_id (self->item));
}

static void
copy_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (widget);
  const char *body = self->item != NULL ? confab_message_item_get_body (self->item) : NULL;

  /* The whole text as received, not the shortened one on screen. */
  if (body != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), body);
}

static void
react_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (widget);

  if (self->item != NULL)
    gtk_widget_activate_action (widget, "conversation.react", "(xs)",
                                confab_message_item_get_id (self->item),
                                g_variant_get_string (parameter, NULL));
}

static void
on_emoji_picked_cb (GtkEmojiChooser  *chooser,
                    const char       *emoji,
                    ConfabMessageRow *self)
{
  if (self->item != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "conversation.react", "(xs)",
                                confab_message_item_get_id (self->item), emoji);
}

static void
react_more_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (widget);

  if (self->emoji_chooser == NULL)
    {
      self->emoji_chooser = gtk_emoji_chooser_new ();
      gtk_widget_set_parent (self->emoji_chooser, widget);
      g_signal_connect (self->emoji_chooser, "emoji-picked", G_CALLBACK (on_emoji_picked_cb), self);
    }
  gtk_popover_popup (GTK_POPOVER (self->emoji_chooser));
}

/* ---- GObject ---------------------------------------------------------------- */

static void
confab_message_row_dispose (GObject *object)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (object);
  GtkWidget *child;

  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->signals);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_pointer (&self->emoji_chooser, gtk_widget_unparent);
  g_clear_object (&self->item);
  g_clear_object (&self->conversation);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_MESSAGE_ROW);
  /* The template's top box is a plain child, not a bound one. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (confab_message_row_parent_class)->dispose (object);
}

static void
confab_message_row_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  ConfabMessageRow *self = CONFAB_MESSAGE_ROW (widget);

  GTK_WIDGET_CLASS (confab_message_row_parent_class)->size_allocate (widget, width, height, baseline);
  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
  if (self->emoji_chooser != NULL)
    gtk_popover_present (GTK_POPOVER (self->emoji_chooser));
}

static void
confab_message_row_class_init (ConfabMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_message_row_dispose;
  widget_class->size_allocate = confab_message_row_size_allocate;

  g_type_ensure (CONFAB_TYPE_AVATAR);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, day_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, avatar_stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, side_time_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, header_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, sender_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, reply_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, reply_sender_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, reply_body_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, body_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, edited_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, state_image);
  gtk_widget_class_bind_template_child (widget_class, ConfabMessageRow, reactions_box);

  gtk_widget_class_install_action (widget_class, "message.reply", NULL, reply_action_cb);
  gtk_widget_class_install_action (widget_class, "message.copy", NULL, copy_action_cb);
  gtk_widget_class_install_action (widget_class, "message.edit", NULL, edit_action_cb);
  gtk_widget_class_install_action (widget_class, "message.react", "s", react_action_cb);
  gtk_widget_class_install_action (widget_class, "message.react-more", NULL, react_more_action_cb);

  gtk_widget_class_set_css_name (widget_class, "message-row");
}

static void
confab_message_row_init (ConfabMessageRow *self)
{
  GtkGesture *secondary;
  GtkGesture *long_press;

  gtk_widget_init_template (GTK_WIDGET (self));
  confab_styled_text_setup_label (self->body_label);

  self->signals = g_signal_group_new (CONFAB_TYPE_MESSAGE_ITEM);
  g_signal_group_connect_swapped (self->signals, "notify", G_CALLBACK (on_item_notify_cb), self);
  /* Link colors follow the style. */
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (on_item_notify_cb), self, G_CONNECT_SWAPPED);

  secondary = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));

  long_press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_long_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (long_press));
}

GtkWidget *
confab_message_row_new (void)
{
  return g_object_new (CONFAB_TYPE_MESSAGE_ROW, NULL);
}

void
confab_message_row_set_item (ConfabMessageRow   *self,
                             ConfabMessageItem  *item,
                             ConfabConversation *conversation)
{
  g_return_if_fail (CONFAB_IS_MESSAGE_ROW (self));
  g_return_if_fail (item == NULL || CONFAB_IS_MESSAGE_ITEM (item));

  g_set_object (&self->conversation, conversation);
  if (g_set_object (&self->item, item))
    g_signal_group_set_target (self->signals, item);
  if (self->menu != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->menu));
  confab_message_row_sync (self);
}

ConfabMessageItem *
confab_message_row_get_item (ConfabMessageRow *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ROW (self), NULL);

  return self->item;
}

void
confab_message_row_set_previous (ConfabMessageRow  *self,
                                 ConfabMessageItem *previous)
{
  gboolean new_day;
  gboolean continues;

  g_return_if_fail (CONFAB_IS_MESSAGE_ROW (self));

  if (self->item == NULL)
    return;

  new_day = confab_message_row_is_new_day (self->item, previous);
  continues = confab_message_row_continues (self->item, previous);

  gtk_widget_set_visible (GTK_WIDGET (self->day_label), new_day);
  if (new_day)
    {
      g_autoptr(GDateTime) day = local_time_of (self->item);
      g_autofree char *text = day != NULL ? format_day (day) : g_strdup ("");

      gtk_label_set_text (self->day_label, text);
    }
  gtk_widget_set_visible (self->header_box, !continues);
  gtk_stack_set_visible_child_name (self->avatar_stack, continues ? "time" : "avatar");
}
