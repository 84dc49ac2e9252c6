/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-conversation-view.c: the messages of one conversation and the
 * composer under them. */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-account.h"
#include "confab-account-sync.h"
#include "confab-contact.h"
#include "confab-conversation-view.h"
#include "confab-message-row.h"
#include "confab-roster-model.h"
#include "confab-search-dialog.h"
#include "confab-styled-text.h"
#include "confab-window.h"

/* Within this many pixels of an edge counts as being at it. */
#define EDGE_PIXELS 48
/* The height of the smallest message row (one line, grouped). */
#define MIN_ROW_PIXELS 24

struct _ConfabConversationView
{
  GtkWidget                parent_instance;

  ConfabAccountManager    *manager;
  ConfabConversation      *conversation;
  ConfabConversationModel *messages;
  GSignalGroup            *conversation_signals;
  GSignalGroup            *contact_signals;

  /* Scrolling: stay at the bottom while there. Older messages put above
   * do not move the view: GtkListView keeps its anchor row in place. */
  gboolean                 at_bottom;
  double                   last_value;
  guint                    load_older_id;
  guint                    load_newer_id;

  /* template children */
  AdwHeaderBar            *header_bar;
  GtkWidget               *back_button;
  AdwWindowTitle          *window_title;
  GtkScrolledWindow       *scrolled_window;
  GtkListView             *list_view;
  ConfabComposer          *composer;
};

G_DEFINE_FINAL_TYPE (ConfabConversationView, confab_conversation_view, GTK_TYPE_WIDGET)

/* ---- Header ---------------------------------------------------------------- */

static ConfabContact *
lookup_contact (ConfabConversationView *self)
{
  ConfabAccount *account;

  if (self->conversation == NULL)
    return NULL;
  account = confab_conversation_get_account (self->conversation);
  if (account == NULL)
    return NULL;
  return confab_roster_model_lookup (confab_account_get_roster (account),
                                     confab_conversation_get_peer (self->conversation));
}

static void
sync_header (ConfabConversationView *self)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  ConfabContact *contact;
  const char *presence;
  const char *status = NULL;

  if (self->conversation == NULL)
    {
      adw_window_title_set_title (self->window_title, "");
      adw_window_title_set_subtitle (self->window_title, "");
      return;
    }

  title = confab_styled_text_isolate (confab_conversation_get_display_name (self->conversation),
                                      CONFAB_STYLED_TEXT_MAX_NAME);
  adw_window_title_set_title (self->window_title, title);

  if (confab_conversation_get_peer_chat_state (self->conversation) == CONFAB_XMPP_CHAT_STATE_COMPOSING)
    {
      adw_window_title_set_subtitle (self->window_title, _("typing…"));
      return;
    }

  if (!confab_conversation_get_available (self->conversation))
    presence = _("Offline");
  else
    switch (confab_conversation_get_show (self->conversation))
      {
      case CONFAB_XMPP_PRESENCE_SHOW_AWAY:
        presence = _("Away");
        break;
      case CONFAB_XMPP_PRESENCE_SHOW_XA:
        presence = _("Away for a while");
        break;
      case CONFAB_XMPP_PRESENCE_SHOW_DND:
        presence = _("Busy");
        break;
      case CONFAB_XMPP_PRESENCE_SHOW_CHAT:
        presence = _("Free to chat");
        break;
      case CONFAB_XMPP_PRESENCE_SHOW_NONE:
      default:
        presence = _("Available");
        break;
      }

  contact = lookup_contact (self);
  if (contact != NULL && confab_conversation_get_available (self->conversation))
    status = confab_contact_get_status (contact);
  if (status != NULL && status[0] != '\0')
    {
      g_autofree char *shown = confab_styled_text_isolate (status, CONFAB_STYLED_TEXT_MAX_NAME);

      /* Translators: presence, then the contact's status message. */
      subtitle = g_strdup_printf (_("%s — %s"), presence, shown);
    }
  else
    subtitle = g_strdup (presence);
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

/* ---- Scrolling ------------------------------------------------------------- */

static GtkAdjustment *
vadjustment (ConfabConversationView *self)
{
  return gtk_scrolled_window_get_vadjustment (self->scrolled_window);
}

static void
scroll_to_bottom (ConfabConversationView *self)
{
  GtkAdjustment *adjustment = vadjustment (self);

  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment)
                            - gtk_adjustment_get_page_size (adjustment));
}

/* Older messages exist in the local history, or perhaps in the archive. */
static gboolean
may_load_older (ConfabConversationView *self)
{
  if (self->messages == NULL)
    return FALSE;
  return confab_conversation_model_get_has_older (self->messages)
         || (self->conversation != NULL && confab_conversation_can_fetch_history (self->conversation));
}

static gboolean
load_older_cb (gpointer user_data)
{
  ConfabConversationView *self = user_data;

  self->load_older_id = 0;
  if (self->messages == NULL)
    return G_SOURCE_REMOVE;
  /* Local pages first; past the start of the local history, the archive
   * (its messages are inserted above as they are stored). */
  if (confab_conversation_model_get_has_older (self->messages))
    confab_conversation_model_load_older (self->messages);
  else if (self->conversation != NULL)
    confab_conversation_fetch_history (self->conversation, CONFAB_ARCHIVE_FETCH_OLDER);
  return G_SOURCE_REMOVE;
}

/* After a jump into the past (a search result), the loaded window may end
 * before the newest message: scrolling down brings the next page. */
static gboolean
load_newer_cb (gpointer user_data)
{
  ConfabConversationView *self = user_data;

  self->load_newer_id = 0;
  if (self->messages != NULL && confab_conversation_model_get_has_newer (self->messages))
    confab_conversation_model_load_newer (self->messages);
  return G_SOURCE_REMOVE;
}

static void
on_value_changed_cb (ConfabConversationView *self,
                     GtkAdjustment          *adjustment)
{
  double value = gtk_adjustment_get_value (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);

  gboolean moved_up = value < self->last_value;
  gboolean moved_down = value > self->last_value;

  self->last_value = value;
  /* The end of a window into the past is not the bottom. */
  self->at_bottom = value + page >= upper - EDGE_PIXELS
                    && (self->messages == NULL || !confab_conversation_model_get_has_newer (self->messages));

  /* Only a move towards the top loads more: while a conversation opens,
   * the view starts at the top before it is put at the bottom. */
  if (moved_up && value < MAX (page / 2, EDGE_PIXELS) && upper > page
      && may_load_older (self) && self->load_older_id == 0)
    self->load_older_id = g_idle_add_full (G_PRIORITY_LOW, load_older_cb, self, NULL);

  if (moved_down && value + page > upper - MAX (page / 2, EDGE_PIXELS)
      && self->messages != NULL && confab_conversation_model_get_has_newer (self->messages)
      && self->load_newer_id == 0)
    self->load_newer_id = g_idle_add_full (G_PRIORITY_LOW, load_newer_cb, self, NULL);
}

static void
on_adjustment_changed_cb (ConfabConversationView *self,
                          GtkAdjustment          *adjustment)
{
  if (self->at_bottom)
    scroll_to_bottom (self);

  /* Too few messages to scroll: nothing would ever reach the top, so load
   * older ones until the view is full or the history ends. GtkListView
   * estimates the height of rows it has not measured yet, so the upper
   * bound alone is not trusted: the rows must be too few to fill the view
   * even at the height of a one-line message. */
  if (gtk_adjustment_get_upper (adjustment) <= gtk_adjustment_get_page_size (adjustment)
      && gtk_adjustment_get_page_size (adjustment) > 0
      && may_load_older (self)
      && g_list_model_get_n_items (G_LIST_MODEL (self->messages)) * MIN_ROW_PIXELS
         < gtk_adjustment_get_page_size (adjustment)
      && self->load_older_id == 0)
    self->load_older_id = g_idle_add_full (G_PRIORITY_LOW, load_older_cb, self, NULL);
}

/* ---- List ------------------------------------------------------------------ */

static void
update_previous (GtkListItem            *list_item,
                 ConfabConversationView *self)
{
  GtkWidget *row = gtk_list_item_get_child (list_item);
  guint position = gtk_list_item_get_position (list_item);
  g_autoptr(ConfabMessageItem) previous = NULL;

  if (row == NULL || gtk_list_item_get_item (list_item) == NULL || self->messages == NULL)
    return;
  if (position != GTK_INVALID_LIST_POSITION && position > 0)
    previous = g_list_model_get_item (G_LIST_MODEL (self->messages), position - 1);
  confab_message_row_set_previous (CONFAB_MESSAGE_ROW (row), previous);
}

static void
on_position_changed_cb (GtkListItem            *list_item,
                        GParamSpec             *pspec,
                        ConfabConversationView *self)
{
  update_previous (list_item, self);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          ConfabConversationView   *self)
{
  gtk_list_item_set_child (list_item, confab_message_row_new ());
  gtk_list_item_set_activatable (list_item, FALSE);
  gtk_list_item_set_selectable (list_item, FALSE);
  /* A message inserted above changes who this one follows. */
  g_signal_connect_object (list_item, "notify::position",
                           G_CALLBACK (on_position_changed_cb), self, 0);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         ConfabConversationView   *self)
{
  ConfabMessageRow *row = CONFAB_MESSAGE_ROW (gtk_list_item_get_child (list_item));

  confab_message_row_set_item (row, gtk_list_item_get_item (list_item), self->conversation);
  update_previous (list_item, self);
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           ConfabConversationView   *self)
{
  confab_message_row_set_item (CONFAB_MESSAGE_ROW (gtk_list_item_get_child (list_item)), NULL, NULL);
}

static ConfabMessageItem *
find_item (ConfabConversationView *self,
           gint64                  id)
{
  int position;

  if (self->messages == NULL)
    return NULL;
  position = confab_conversation_model_find (self->messages, id);
  if (position < 0)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->messages), position);
}

/* ---- Actions --------------------------------------------------------------- */

static void
reply_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConfabConversationView *self = CONFAB_CONVERSATION_VIEW (widget);
  g_autoptr(ConfabMessageItem) item = find_item (self, g_variant_get_int64 (parameter));

  if (item != NULL && !confab_message_item_get_retracted (item))
    confab_composer_reply_to (self->composer, item);
}

static void
edit_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConfabConversationView *self = CONFAB_CONVERSATION_VIEW (widget);
  g_autoptr(ConfabMessageItem) last = NULL;

  if (self->conversation == NULL)
    return;
  /* XEP-0308 corrects the last message only. */
  last = confab_conversation_get_last_outgoing (self->conversation);
  if (last != NULL && confab_message_item_get_id (last) == g_variant_get_int64 (parameter))
    confab_composer_edit_last (self->composer);
  else
    {
      GtkRoot *root = gtk_widget_get_root (widget);

      if (CONFAB_IS_WINDOW (root))
        confab_window_add_toast (CONFAB_WINDOW (root),
                                 adw_toast_new (_("Only your last message can be edited")));
    }
}

static void
react_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConfabConversationView *self = CONFAB_CONVERSATION_VIEW (widget);
  gint64 id;
  const char *emoji;
  g_autoptr(ConfabMessageItem) item = NULL;

  g_variant_get (parameter, "(x&s)", &id, &emoji);
  item = find_item (self, id);
  if (item != NULL && self->conversation != NULL && emoji[0] != '\0')
    confab_conversation_toggle_reaction (self->conversation, item, emoji);
}

static void
on_search_clicked_cb (ConfabConversationView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->manager != NULL && GTK_IS_WINDOW (root))
    confab_search_dialog_present (GTK_WINDOW (root), self->manager, self->conversation);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
on_conversation_notify_cb (ConfabConversationView *self)
{
  sync_header (self);
}

static void
confab_conversation_view_dispose (GObject *object)
{
  ConfabConversationView *self = CONFAB_CONVERSATION_VIEW (object);
  GtkWidget *child;

  g_clear_handle_id (&self->load_older_id, g_source_remove);
  g_clear_handle_id (&self->load_newer_id, g_source_remove);
  if (self->conversation_signals != NULL)
    g_signal_group_set_target (self->conversation_signals, NULL);
  if (self->contact_signals != NULL)
    g_signal_group_set_target (self->contact_signals, NULL);
  g_clear_object (&self->conversation_signals);
  g_clear_object (&self->contact_signals);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_CONVERSATION_VIEW);
  /* The template's top box is a plain child, not a bound one. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->messages);
  g_clear_object (&self->conversation);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (confab_conversation_view_parent_class)->dispose (object);
}

static void
confab_conversation_view_class_init (ConfabConversationViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_conversation_view_dispose;

  g_type_ensure (CONFAB_TYPE_COMPOSER);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationView, header_bar);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationView, back_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationView, window_title);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationView, list_view);
  gtk_widget_class_bind_template_child (widget_class, ConfabConversationView, composer);
  gtk_widget_class_bind_template_callback (widget_class, on_search_clicked_cb);

  gtk_widget_class_install_action (widget_class, "conversation.reply", "x", reply_action_cb);
  gtk_widget_class_install_action (widget_class, "conversation.edit", "x", edit_action_cb);
  gtk_widget_class_install_action (widget_class, "conversation.react", "(xs)", react_action_cb);

  gtk_widget_class_set_css_name (widget_class, "conversation-view");
}

static void
confab_conversation_view_init (ConfabConversationView *self)
{
  GtkListItemFactory *factory;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  adjustment = vadjustment (self);
  g_signal_connect_object (adjustment, "value-changed",
                           G_CALLBACK (on_value_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (adjustment, "changed",
                           G_CALLBACK (on_adjustment_changed_cb), self, G_CONNECT_SWAPPED);

  self->conversation_signals = g_signal_group_new (CONFAB_TYPE_CONVERSATION);
  g_signal_group_connect_swapped (self->conversation_signals, "notify",
                                  G_CALLBACK (on_conversation_notify_cb), self);
  self->contact_signals = g_signal_group_new (CONFAB_TYPE_CONTACT);
  g_signal_group_connect_swapped (self->contact_signals, "notify::status",
                                  G_CALLBACK (on_conversation_notify_cb), self);
  self->at_bottom = TRUE;
}

GtkWidget *
confab_conversation_view_new (void)
{
  return g_object_new (CONFAB_TYPE_CONVERSATION_VIEW, NULL);
}

void
confab_conversation_view_set_manager (ConfabConversationView *self,
                                      ConfabAccountManager   *manager)
{
  g_return_if_fail (CONFAB_IS_CONVERSATION_VIEW (self));

  g_set_object (&self->manager, manager);
}

void
confab_conversation_view_set_conversation (ConfabConversationView *self,
                                           ConfabConversation     *conversation)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (CONFAB_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (conversation == NULL || CONFAB_IS_CONVERSATION (conversation));

  if (self->conversation == conversation)
    return;

  g_clear_handle_id (&self->load_older_id, g_source_remove);
  g_clear_handle_id (&self->load_newer_id, g_source_remove);
  confab_composer_set_conversation (self->composer, conversation);
  gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->messages);
  g_set_object (&self->conversation, conversation);
  g_signal_group_set_target (self->conversation_signals, conversation);
  g_signal_group_set_target (self->contact_signals, lookup_contact (self));

  if (conversation != NULL)
    {
      /* Holding the model keeps it loaded; the conversation drops it when
       * no view holds it any more. */
      ConfabAccountSync *sync = confab_account_get_sync (confab_conversation_get_account (conversation));

      self->messages = confab_conversation_get_messages (conversation);
      selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->messages)));
      gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
      /* While the account still catches up on its archive, the
       * conversation in view gets its newest page first. */
      if (sync != NULL && confab_account_sync_get_catching_up (sync))
        confab_conversation_fetch_history (conversation, CONFAB_ARCHIVE_FETCH_NEWEST);
    }

  /* A conversation opens at its newest message. */
  self->at_bottom = TRUE;
  self->last_value = 0;
  scroll_to_bottom (self);
  sync_header (self);
}

ConfabConversation *
confab_conversation_view_get_conversation (ConfabConversationView *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION_VIEW (self), NULL);

  return self->conversation;
}

void
confab_conversation_view_scroll_to_message (ConfabConversationView *self,
                                            gint64                  message_id)
{
  int position;

  g_return_if_fail (CONFAB_IS_CONVERSATION_VIEW (self));

  if (self->messages == NULL || message_id <= 0)
    return;
  position = confab_conversation_model_load_around (self->messages, message_id);
  if (position < 0)
    return;
  self->at_bottom = FALSE;
  /* GtkListBase's action: GTK 4.8 has no gtk_list_view_scroll_to(). */
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", (guint) position);
}

void
confab_conversation_view_set_show_back_button (ConfabConversationView *self,
                                               gboolean                show)
{
  g_return_if_fail (CONFAB_IS_CONVERSATION_VIEW (self));

  gtk_widget_set_visible (self->back_button, show);
}

ConfabComposer *
confab_conversation_view_get_composer (ConfabConversationView *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION_VIEW (self), NULL);

  return self->composer;
}

AdwHeaderBar *
confab_conversation_view_get_header_bar (ConfabConversationView *self)
{
  g_return_val_if_fail (CONFAB_IS_CONVERSATION_VIEW (self), NULL);

  return self->header_bar;
}
