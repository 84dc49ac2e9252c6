/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-window.c: the main window.
 *
 * Copyright 2026 The Confab developers
 *
 * Three states: the profile could not be opened (a status page saying
 * why), no account yet (the first-run page), or the adaptive main view: a
 * sidebar with the conversation list and a conversation page, which
 * become two pages on a narrow window (AdwLeaflet).
 */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-account-sync.h"
#include "confab-certificate-dialog.h"
#include "confab-conversation-list.h"
#include "confab-conversation-row.h"
#include "confab-conversation-view.h"
#include "confab-error-text.h"
#include "confab-search-dialog.h"
#include "confab-styled-text.h"
#include "confab-welcome-page.h"
#include "confab-window.h"
#include "confab-xmpp-error.h"

struct _ConfabWindow
{
  AdwApplicationWindow    parent_instance;

  GSettings              *settings;
  ConfabAccountManager   *manager;
  ConfabConversationList *conversations;
  GtkFilterListModel     *filtered;
  GtkSliceListModel      *slice;       /* the rows scrolled to so far */
  GtkCustomFilter        *filter;
  GtkSingleSelection     *selection;
  GtkStringList          *account_names;
  ConfabAccount          *filter_account;     /* NULL: all accounts */
  GPtrArray              *watched_accounts;   /* ConfabAccount, with our handlers */
  ConfabConversation     *current;
  GtkWidget              *welcome_page;
  guint                   n_accounts;
  gboolean                selecting;
  guint                   grow_rows_id;

  /* template children */
  AdwToastOverlay        *toast_overlay;
  GtkStack               *main_stack;
  GtkBox                 *welcome_box;        /* built when first shown */
  AdwLeaflet             *leaflet;
  GtkWidget              *sidebar;
  AdwHeaderBar           *sidebar_header;
  GtkMenuButton          *presence_button;
  GtkMenuButton          *primary_menu_button;
  GMenuModel             *presence_menu;
  GMenuModel             *primary_menu;
  GtkBox                 *trouble_box;
  GtkRevealer            *sync_revealer;
  GtkLabel               *sync_label;
  GtkDropDown            *account_dropdown;
  GtkStack               *list_stack;
  GtkListView            *conversation_list;
  GtkStack               *content_stack;
  AdwHeaderBar           *empty_header;
  ConfabConversationView *conversation_view;
};

G_DEFINE_FINAL_TYPE (ConfabWindow, confab_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void confab_window_sync_accounts (ConfabWindow *self);

/* ---- Size ------------------------------------------------------------------ */

static void
confab_window_restore_size (ConfabWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), MAX (width, 360), MAX (height, 294));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
confab_window_save_size (ConfabWindow *self)
{
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  int width = 0;
  int height = 0;

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", maximized);

  /* Keep the unmaximized size, so that unmaximizing after the next start
   * returns to it. */
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", width);
          g_settings_set_int (self->settings, "window-height", height);
        }
    }
  g_settings_apply (self->settings);
}

static gboolean
confab_window_close_request (GtkWindow *window)
{
  confab_window_save_size (CONFAB_WINDOW (window));

  return GTK_WINDOW_CLASS (confab_window_parent_class)->close_request (window);
}

/* ---- Style ----------------------------------------------------------------- */

/* The few styles libadwaita has no class for; loaded once per display. */
static const char window_css[] =
  ".unread-badge { background-color: @accent_bg_color; color: @accent_fg_color;"
  "  border-radius: 999px; min-width: 12px; padding: 1px 7px;"
  "  font-size: smaller; font-weight: bold; }"
  "conversation-row .heading.unread { font-weight: 800; }"
  ".trouble-bar { background-color: alpha(@error_color, 0.12); padding: 6px 12px; }"
  ".sync-bar { padding: 3px 12px; }"
  ".reply-quote { border-left: 3px solid alpha(@accent_color, 0.6); padding-left: 8px;"
  "  margin-top: 2px; margin-bottom: 2px; }"
  ".composer-mode { padding-bottom: 2px; }"
  ".message-state.error { color: @error_color; }"
  ".retracted { font-style: italic; }"
  "listview.messages { background: none; }"
  "listview.messages > row { padding: 0; }"
  "listview.messages > row .side-time { opacity: 0; }"
  "listview.messages > row:hover .side-time { opacity: 1; }"
  "button.reaction { padding: 0 8px; min-height: 24px; }"
  "button.reaction.mine { background-color: alpha(@accent_bg_color, 0.3); }"
  ".composer-entry textview, .composer-entry text { background: none; }";

static void
ensure_style (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "confab-window-css") != NULL)
    return;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, window_css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "confab-window-css",
                          g_object_ref (provider), g_object_unref);
}

/* ---- Rows as far as scrolled ----------------------------------------------- */

/* GTK 4.8's list view keeps a row widget for up to 200 items whatever its
 * height: the list offers the first rows of filtered, as many as the
 * window shows at first, and grows as it is scrolled (after the frame),
 * so a long list costs neither startup time nor memory. */
#define ROW_HEIGHT_MIN 52   /* the 40 px avatar and the row's margins */
#define MORE_ROWS      30

static void
ensure_rows (ConfabWindow *self,
             guint         n_rows)
{
  if (self->slice != NULL && gtk_slice_list_model_get_size (self->slice) < n_rows)
    gtk_slice_list_model_set_size (self->slice, n_rows);
}

static guint
initial_rows (ConfabWindow *self)
{
  int width = 0;
  int height = 0;

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    return MORE_ROWS;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  return (guint) MAX (height, 294) / ROW_HEIGHT_MIN + 2;
}

static gboolean
grow_rows_cb (gpointer user_data)
{
  ConfabWindow *self = user_data;

  self->grow_rows_id = 0;
  ensure_rows (self, gtk_slice_list_model_get_size (self->slice) + MORE_ROWS);
  return G_SOURCE_REMOVE;
}

/* Within two pages of the end: more rows, once this frame is done. */
static void
on_list_scrolled_cb (ConfabWindow  *self,
                     GtkAdjustment *adjustment)
{
  double page = gtk_adjustment_get_page_size (adjustment);

  if (self->slice == NULL || page <= 0 || self->grow_rows_id != 0)
    return;
  if (gtk_adjustment_get_value (adjustment) + 2 * page >= gtk_adjustment_get_upper (adjustment)
      && gtk_slice_list_model_get_size (self->slice)
         < g_list_model_get_n_items (G_LIST_MODEL (self->filtered)))
    self->grow_rows_id = g_idle_add (grow_rows_cb, self);
}

/* ---- Pages and menus built when first needed (launch time) ----------------- */

static void
menu_button_popup_cb (GtkMenuButton *button,
                      gpointer       user_data)
{
  gtk_menu_button_set_menu_model (button, user_data);
}

/* GtkMenuButton builds the whole popover as soon as it has a menu model:
 * the model is given when the menu is first opened. */
static void
set_menu_when_opened (GtkMenuButton *button,
                      GMenuModel    *menu)
{
  gtk_menu_button_set_create_popup_func (button, menu_button_popup_cb,
                                         g_object_ref (menu), g_object_unref);
}

/* A page of the main stack with a flat header bar and the main menu;
 * with @hide_title the header shows no title. Returns the page's box. */
static GtkBox *
add_page_with_menu (ConfabWindow *self,
                    const char   *name,
                    gboolean      hide_title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *menu_button = gtk_menu_button_new ();

  gtk_widget_add_css_class (header, "flat");
  if (hide_title)
    adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), adw_window_title_new ("", NULL));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "open-menu-symbolic");
  gtk_menu_button_set_primary (GTK_MENU_BUTTON (menu_button), TRUE);
  gtk_widget_set_tooltip_text (menu_button, _("Main Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Main Menu"), -1);
  set_menu_when_opened (GTK_MENU_BUTTON (menu_button), self->primary_menu);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu_button);
  gtk_box_append (GTK_BOX (box), header);
  gtk_stack_add_named (self->main_stack, box, name);
  return GTK_BOX (box);
}

/* ---- Title and reading ----------------------------------------------------- */

static void
sync_title (ConfabWindow *self)
{
  guint unread = self->conversations != NULL
                 ? confab_conversation_list_get_unread_count (self->conversations) : 0;
  g_autofree char *title = NULL;

  if (unread > 0)
    /* Translators: the window title with the number of unread messages. */
    title = g_strdup_printf (_("(%u) Confab"), unread);
  else
    title = g_strdup (_("Confab"));
  /* Each change is a round trip to the display server. */
  if (g_strcmp0 (title, gtk_window_get_title (GTK_WINDOW (self))) != 0)
    gtk_window_set_title (GTK_WINDOW (self), title);
}

static gboolean
conversation_page_shown (ConfabWindow *self)
{
  if (self->current == NULL
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "main") != 0
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "conversation") != 0)
    return FALSE;
  return !adw_leaflet_get_folded (self->leaflet)
         || adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->content_stack);
}

ConfabConversation *
confab_window_get_visible_conversation (ConfabWindow *self)
{
  g_return_val_if_fail (CONFAB_IS_WINDOW (self), NULL);

  if (!gtk_window_is_active (GTK_WINDOW (self)) || !conversation_page_shown (self))
    return NULL;
  return self->current;
}

/* Read means seen: the conversation is on screen in the focused window. */
static void
maybe_mark_read (ConfabWindow *self)
{
  ConfabConversation *visible = confab_window_get_visible_conversation (self);

  if (visible != NULL && confab_conversation_get_unread_count (visible) > 0)
    confab_conversation_mark_read (visible);
}

static void
on_current_unread_changed_cb (ConfabWindow *self)
{
  maybe_mark_read (self);
}

static void
on_is_active_changed_cb (ConfabWindow *self)
{
  maybe_mark_read (self);
}

/* ---- Conversation list ----------------------------------------------------- */

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              ConfabWindow             *self)
{
  gtk_list_item_set_child (list_item, confab_conversation_row_new ());
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             ConfabWindow             *self)
{
  ConfabConversationRow *row = CONFAB_CONVERSATION_ROW (gtk_list_item_get_child (list_item));

  confab_conversation_row_set_show_account (row, self->n_accounts >= 2);
  confab_conversation_row_set_conversation (row, gtk_list_item_get_item (list_item));
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               ConfabWindow             *self)
{
  confab_conversation_row_set_conversation (CONFAB_CONVERSATION_ROW (gtk_list_item_get_child (list_item)),
                                            NULL);
}

/* The account chosen in the filter, or NULL for all (transfer full). */
static ConfabAccount *
selected_account (ConfabWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->account_dropdown);
  const char *jid;
  ConfabAccount *account;

  /* Entry 0 is "All Accounts"; the others are JIDs, looked up by name as
   * the manager's list may have changed since. */
  if (self->account_names == NULL || selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    return NULL;
  jid = gtk_string_list_get_string (self->account_names, selected);
  account = jid != NULL ? confab_account_manager_lookup (self->manager, jid) : NULL;
  return account != NULL ? g_object_ref (account) : NULL;
}

static gboolean
filter_cb (gpointer item,
           gpointer user_data)
{
  ConfabWindow *self = user_data;

  return self->filter_account == NULL || confab_conversation_get_account (item) == self->filter_account;
}

static void
on_account_selected_cb (ConfabWindow *self)
{
  g_clear_object (&self->filter_account);
  self->filter_account = selected_account (self);
  if (self->filter != NULL)
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static guint
find_position (GListModel *model,
               gpointer    item)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) other = g_list_model_get_item (model, i);

      if (other == item)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

/* The list reorders when a conversation gets a message: keep the open one
 * selected wherever it moves. */
static void
sync_selection (ConfabWindow *self)
{
  guint position;

  if (self->selection == NULL || self->selecting)
    return;
  self->selecting = TRUE;
  if (self->current != NULL)
    {
      guint in_filtered = find_position (G_LIST_MODEL (self->filtered), self->current);

      /* Growing the rows emits items-changed: not selecting from inside
       * it, before the list view has seen the new rows (GTK crashes). */
      if (in_filtered != GTK_INVALID_LIST_POSITION)
        ensure_rows (self, in_filtered + MORE_ROWS);
    }
  self->selecting = FALSE;
  position = self->current != NULL
             ? find_position (G_LIST_MODEL (self->selection), self->current)
             : GTK_INVALID_LIST_POSITION;
  if (gtk_single_selection_get_selected (self->selection) == position)
    return;
  self->selecting = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->selecting = FALSE;
}

static void
on_list_items_changed_cb (ConfabWindow *self)
{
  gtk_stack_set_visible_child_name (self->list_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) > 0
                                    ? "list" : "empty");
  sync_selection (self);
}

/* The conversation page (view, composer, message list) is built when the
 * first conversation is opened: on launch the window shows "No Conversation
 * Selected", and building it then cost launch time and memory. */
static ConfabConversationView *
ensure_conversation_view (ConfabWindow *self)
{
  gboolean folded;

  if (self->conversation_view != NULL)
    return self->conversation_view;

  self->conversation_view = g_object_new (CONFAB_TYPE_CONVERSATION_VIEW, NULL);
  gtk_stack_add_named (self->content_stack, GTK_WIDGET (self->conversation_view), "conversation");
  if (self->manager != NULL)
    confab_conversation_view_set_manager (self->conversation_view, self->manager);
  folded = adw_leaflet_get_folded (self->leaflet);
  adw_header_bar_set_show_start_title_buttons (confab_conversation_view_get_header_bar (self->conversation_view),
                                               folded);
  confab_conversation_view_set_show_back_button (self->conversation_view, folded);
  return self->conversation_view;
}

static void
show_conversation (ConfabWindow       *self,
                   ConfabConversation *conversation)
{
  if (conversation != NULL)
    ensure_conversation_view (self);
  if (self->current != conversation && self->conversation_view != NULL)
    {
      if (self->current != NULL)
        g_signal_handlers_disconnect_by_func (self->current, on_current_unread_changed_cb, self);
      g_set_object (&self->current, conversation);
      if (conversation != NULL)
        g_signal_connect_object (conversation, "notify::unread-count",
                                 G_CALLBACK (on_current_unread_changed_cb), self,
                                 G_CONNECT_SWAPPED);
      confab_conversation_view_set_conversation (self->conversation_view, conversation);
    }
  gtk_stack_set_visible_child_name (self->content_stack, conversation != NULL ? "conversation" : "empty");
  if (conversation != NULL)
    {
      adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content_stack));
      gtk_widget_grab_focus (GTK_WIDGET (confab_conversation_view_get_composer (self->conversation_view)));
    }
  sync_selection (self);
  maybe_mark_read (self);
}

static void
on_conversation_activate_cb (ConfabWindow *self,
                             guint         position)
{
  g_autoptr(ConfabConversation) conversation = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (conversation != NULL)
    show_conversation (self, conversation);
}

void
confab_window_open_conversation (ConfabWindow       *self,
                                 ConfabConversation *conversation,
                                 gint64              message_id)
{
  g_return_if_fail (CONFAB_IS_WINDOW (self));
  g_return_if_fail (CONFAB_IS_CONVERSATION (conversation));

  if (self->selection == NULL)
    return;
  /* A conversation of another account than the one shown: show all. */
  if (find_position (G_LIST_MODEL (self->filtered), conversation) == GTK_INVALID_LIST_POSITION)
    gtk_drop_down_set_selected (self->account_dropdown, 0);
  gtk_stack_set_visible_child_name (self->main_stack, "main");
  show_conversation (self, conversation);
  if (message_id != 0)
    confab_conversation_view_scroll_to_message (self->conversation_view, message_id);
}

/* ---- Leaflet --------------------------------------------------------------- */

static void
on_leaflet_folded_cb (ConfabWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  /* One set of window buttons: at the ends of the window when unfolded,
   * on every page when folded. */
  adw_header_bar_set_show_end_title_buttons (self->sidebar_header, folded);
  adw_header_bar_set_show_start_title_buttons (self->empty_header, folded);
  if (self->conversation_view != NULL)
    {
      AdwHeaderBar *content_header = confab_conversation_view_get_header_bar (self->conversation_view);

      adw_header_bar_set_show_start_title_buttons (content_header, folded);
      confab_conversation_view_set_show_back_button (self->conversation_view, folded);
    }
  maybe_mark_read (self);
}

static void
on_leaflet_visible_child_cb (ConfabWindow *self)
{
  maybe_mark_read (self);
}

/* ---- Accounts: filter, trouble, sync, presence ------------------------------ */

static void
on_review_clicked_cb (GtkButton    *button,
                      ConfabWindow *self)
{
  ConfabAccount *account = g_object_get_data (G_OBJECT (button), "account");

  if (account != NULL)
    confab_certificate_dialog_present (GTK_WINDOW (self), account);
}

static GtkWidget *
create_trouble_bar (ConfabWindow  *self,
                    ConfabAccount *account,
                    const char    *text,
                    gboolean       certificate)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (box, "trouble-bar");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);

  if (certificate)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Review"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (button), "account", g_object_ref (account), g_object_unref);
      g_signal_connect (button, "clicked", G_CALLBACK (on_review_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  return box;
}

/* Each account in trouble gets a small bar at the top of the sidebar:
 * visible, but out of the way of the conversations. */
static void
sync_trouble (ConfabWindow *self)
{
  GtkWidget *child;
  guint n = self->manager != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->manager)) : 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->trouble_box))) != NULL)
    gtk_box_remove (self->trouble_box, child);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (G_LIST_MODEL (self->manager), i);
      g_autofree char *jid = confab_styled_text_isolate (confab_jid_get_bare_string (confab_account_get_jid (account)),
                                                         CONFAB_STYLED_TEXT_MAX_NAME);
      ConfabXmppReconnector *reconnector = confab_account_get_reconnector (account);
      g_autofree char *text = NULL;
      gboolean certificate = FALSE;

      if (!confab_account_get_enabled (account))
        continue;

      switch (confab_account_get_state (account))
        {
        case CONFAB_ACCOUNT_STATE_ERROR:
          {
            const GError *error = confab_account_get_error (account);
            g_autofree char *reason = error != NULL ? confab_error_describe (error)
                                      : g_strdup (confab_account_get_error_message (account));

            certificate = g_error_matches (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE);
            /* Translators: an account, then why it is not connected. */
            text = g_strdup_printf (_("%s: %s"), jid, reason != NULL ? reason : _("Not connected"));
          }
          break;
        case CONFAB_ACCOUNT_STATE_CONNECTING:
          if (reconnector != NULL && confab_xmpp_reconnector_get_attempts (reconnector) > 0)
            text = g_strdup_printf (_("%s: reconnecting…"), jid);
          break;
        case CONFAB_ACCOUNT_STATE_OFFLINE:
        case CONFAB_ACCOUNT_STATE_ONLINE:
        default:
          break;
        }

      if (text != NULL)
        {
          GtkWidget *revealer = gtk_revealer_new ();

          gtk_revealer_set_child (GTK_REVEALER (revealer),
                                  create_trouble_bar (self, account, text, certificate));
          gtk_revealer_set_reveal_child (GTK_REVEALER (revealer), TRUE);
          gtk_box_append (self->trouble_box, revealer);
        }
    }
}

/* History sync (XEP-0313 catch-up) in one discreet line. */
static void
sync_progress (ConfabWindow *self)
{
  guint n = self->manager != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->manager)) : 0;
  gboolean catching_up = FALSE;
  guint progress = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (G_LIST_MODEL (self->manager), i);
      ConfabAccountSync *sync = confab_account_get_sync (account);

      if (sync != NULL && confab_account_sync_get_catching_up (sync))
        {
          catching_up = TRUE;
          progress += confab_account_sync_get_progress (sync);
        }
    }

  if (catching_up)
    {
      g_autofree char *text = progress > 0
                              ? g_strdup_printf (ngettext ("Catching up on history… %u message",
                                                           "Catching up on history… %u messages",
                                                           progress), progress)
                              : g_strdup (_("Catching up on history…"));

      gtk_label_set_text (self->sync_label, text);
    }
  gtk_revealer_set_reveal_child (self->sync_revealer, catching_up);
}

static void
sync_presence_button (ConfabWindow *self)
{
  guint n = self->manager != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->manager)) : 0;
  ConfabAccountPresence presence = CONFAB_ACCOUNT_PRESENCE_OFFLINE;
  const char *icon;

  /* The most available of the accounts. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (G_LIST_MODEL (self->manager), i);
      ConfabAccountPresence own = confab_account_get_own_presence (account);

      if (confab_account_get_enabled (account) && own < presence)
        presence = own;
    }

  switch (presence)
    {
    case CONFAB_ACCOUNT_PRESENCE_AVAILABLE:
      icon = "user-available-symbolic";
      break;
    case CONFAB_ACCOUNT_PRESENCE_AWAY:
      icon = "user-away-symbolic";
      break;
    case CONFAB_ACCOUNT_PRESENCE_BUSY:
      icon = "user-busy-symbolic";
      break;
    case CONFAB_ACCOUNT_PRESENCE_OFFLINE:
    default:
      icon = "user-offline-symbolic";
      break;
    }
  gtk_menu_button_set_icon_name (self->presence_button, icon);
}

/* On the first-run page, the main view comes once an account is online:
 * the page's own login says so with ::account-added, one added elsewhere
 * (the command line, another window) by its state. A login being tried is
 * not one yet. */
static gboolean
waiting_for_first_account (ConfabWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->manager));

  if (self->n_accounts > 0 || self->welcome_page == NULL
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "welcome") != 0)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (G_LIST_MODEL (self->manager), i);

      if (confab_account_get_state (account) == CONFAB_ACCOUNT_STATE_ONLINE)
        return FALSE;
    }
  return TRUE;
}

static void
on_account_changed_cb (ConfabWindow *self)
{
  if (self->n_accounts == 0 && g_list_model_get_n_items (G_LIST_MODEL (self->manager)) > 0
      && !waiting_for_first_account (self))
    {
      confab_window_sync_accounts (self);
      return;
    }
  sync_trouble (self);
  sync_presence_button (self);
}

static void
on_sync_changed_cb (ConfabWindow *self)
{
  sync_progress (self);
}

static void
unwatch_accounts (ConfabWindow *self)
{
  for (guint i = 0; self->watched_accounts != NULL && i < self->watched_accounts->len; i++)
    {
      ConfabAccount *account = g_ptr_array_index (self->watched_accounts, i);
      ConfabAccountSync *sync = confab_account_get_sync (account);

      g_signal_handlers_disconnect_by_data (account, self);
      if (sync != NULL)
        g_signal_handlers_disconnect_by_data (sync, self);
    }
  if (self->watched_accounts != NULL)
    g_ptr_array_set_size (self->watched_accounts, 0);
}

static void
watch_accounts (ConfabWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->manager));

  unwatch_accounts (self);
  for (guint i = 0; i < n; i++)
    {
      ConfabAccount *account = g_list_model_get_item (G_LIST_MODEL (self->manager), i);
      ConfabAccountSync *sync = confab_account_get_sync (account);

      g_signal_connect_swapped (account, "notify::state", G_CALLBACK (on_account_changed_cb), self);
      g_signal_connect_swapped (account, "notify::error-message", G_CALLBACK (on_account_changed_cb), self);
      g_signal_connect_swapped (account, "notify::own-presence", G_CALLBACK (on_account_changed_cb), self);
      g_signal_connect_swapped (account, "notify::enabled", G_CALLBACK (on_account_changed_cb), self);
      if (sync != NULL)
        {
          g_signal_connect_swapped (sync, "notify::catching-up", G_CALLBACK (on_sync_changed_cb), self);
          g_signal_connect_swapped (sync, "notify::progress", G_CALLBACK (on_sync_changed_cb), self);
        }
      g_ptr_array_add (self->watched_accounts, account);
    }
}

static void
on_welcome_account_added_cb (ConfabWindow  *self,
                             ConfabAccount *account)
{
  confab_window_sync_accounts (self);
}

static void
confab_window_sync_accounts (ConfabWindow *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->manager));
  g_autoptr(ConfabAccount) shown = selected_account (self);
  guint selected = 0;
  gboolean had_several = self->n_accounts >= 2;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  self->n_accounts = n;
  watch_accounts (self);

  /* The filter: "All Accounts", then each account. */
  g_ptr_array_add (names, g_strdup (_("All Accounts")));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (G_LIST_MODEL (self->manager), i);

      g_ptr_array_add (names, g_strdup (confab_jid_get_bare_string (confab_account_get_jid (account))));
      /* The account shown stays shown wherever it moved in the list. */
      if (account == shown)
        selected = i + 1;
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->account_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->account_names)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->account_dropdown, n >= 2 ? selected : 0);
  gtk_widget_set_visible (GTK_WIDGET (self->account_dropdown), n >= 2);
  on_account_selected_cb (self);

  /* Rows show their account only with several: rebind them all when that
   * changes (rare: adding or removing the second account). */
  if (had_several != (n >= 2))
    {
      gtk_list_view_set_model (self->conversation_list, NULL);
      gtk_list_view_set_model (self->conversation_list, GTK_SELECTION_MODEL (self->selection));
      sync_selection (self);
    }

  if (n == 0)
    {
      /* First run (or every account removed): the welcome page. */
      if (self->welcome_page == NULL)
        {
          if (self->welcome_box == NULL)
            self->welcome_box = add_page_with_menu (self, "welcome", TRUE);
          self->welcome_page = confab_welcome_page_new (self->manager);
          if (self->welcome_page != NULL)
            {
              gtk_widget_set_vexpand (self->welcome_page, TRUE);
              gtk_box_append (self->welcome_box, self->welcome_page);
              g_signal_connect_object (self->welcome_page, "account-added",
                                       G_CALLBACK (on_welcome_account_added_cb), self,
                                       G_CONNECT_SWAPPED);
            }
        }
      gtk_stack_set_visible_child_name (self->main_stack, "welcome");
    }
  else
    gtk_stack_set_visible_child_name (self->main_stack, "main");

  sync_trouble (self);
  sync_progress (self);
  sync_presence_button (self);
}

static void
on_accounts_changed_cb (ConfabWindow *self)
{
  if (waiting_for_first_account (self))
    {
      watch_accounts (self);
      return;
    }
  confab_window_sync_accounts (self);
}

static void
confab_window_setup_main (ConfabWindow *self)
{
  GtkListItemFactory *factory;
  g_autoptr(GtkExpression) expression = NULL;

  self->conversations = g_object_ref (confab_account_manager_get_conversations (self->manager));
  self->filter = gtk_custom_filter_new (filter_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->conversations)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->slice = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)), 0,
                                          initial_rows (self));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->slice)));
  {
    GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->conversation_list));

    if (adjustment != NULL)
      {
        g_signal_connect_object (adjustment, "value-changed",
                                 G_CALLBACK (on_list_scrolled_cb), self, G_CONNECT_SWAPPED);
        g_signal_connect_object (adjustment, "changed",
                                 G_CALLBACK (on_list_scrolled_cb), self, G_CONNECT_SWAPPED);
      }
    else
      ensure_rows (self, G_MAXUINT);
  }
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  /* After the list view's own handler: it knows the rows before we select. */
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (on_list_items_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), self);
  gtk_list_view_set_factory (self->conversation_list, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->conversation_list, GTK_SELECTION_MODEL (self->selection));

  self->account_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->account_dropdown, G_LIST_MODEL (self->account_names));
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->account_dropdown, expression);

  if (self->conversation_view != NULL)
    confab_conversation_view_set_manager (self->conversation_view, self->manager);

  g_signal_connect_object (self->conversations, "notify::unread-count",
                           G_CALLBACK (sync_title), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->manager, "items-changed",
                           G_CALLBACK (on_accounts_changed_cb), self, G_CONNECT_SWAPPED);

  confab_window_sync_accounts (self);
  on_list_items_changed_cb (self);
  on_leaflet_folded_cb (self);
  sync_title (self);
}

static void
confab_window_show_profile_error (ConfabWindow *self)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  const GError *error = CONFAB_IS_APPLICATION (application)
                        ? confab_application_get_profile_error (CONFAB_APPLICATION (application))
                        : NULL;
  g_autofree char *reason = error != NULL ? confab_error_describe (error) : NULL;
  /* AdwStatusPage's description is markup; the reason may hold a path. */
  g_autofree char *escaped = reason != NULL ? g_markup_escape_text (reason, -1) : NULL;
  GtkBox *box = add_page_with_menu (self, "error", FALSE);
  GtkWidget *page = adw_status_page_new ();

  gtk_widget_set_name (page, "error_page");
  gtk_widget_set_vexpand (page, TRUE);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "dialog-error-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), _("Your Profile Could Not Be Opened"));
  adw_status_page_set_description (ADW_STATUS_PAGE (page),
                                   escaped != NULL ? escaped
                                   : _("Confab could not open its database. Your messages and accounts are unchanged."));
  gtk_box_append (box, page);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
}

/* ---- Actions --------------------------------------------------------------- */

static void
close_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
}

static void
search_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  ConfabWindow *self = user_data;

  if (self->manager != NULL)
    confab_search_dialog_present (GTK_WINDOW (self), self->manager, NULL);
}

static void
search_conversation_action_cb (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  ConfabWindow *self = user_data;

  if (self->manager != NULL)
    confab_search_dialog_present (GTK_WINDOW (self), self->manager,
                                  conversation_page_shown (self) ? self->current : NULL);
}

static void
show_sidebar_action_cb (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  ConfabWindow *self = user_data;

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

static void
step_conversation (ConfabWindow *self,
                   int           step)
{
  guint n, position;
  g_autoptr(ConfabConversation) next = NULL;

  if (self->selection == NULL)
    return;
  /* Over the whole list, not only the rows made so far (the slice starts
   * at 0: its positions are filtered's). */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  if (n == 0)
    return;
  position = gtk_single_selection_get_selected (self->selection);
  if (position == GTK_INVALID_LIST_POSITION)
    position = step > 0 ? 0 : n - 1;
  else
    position = (position + n + step) % n;
  next = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);
  show_conversation (self, next);
}

static void
next_conversation_action_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  step_conversation (user_data, 1);
}

static void
previous_conversation_action_cb (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  step_conversation (user_data, -1);
}

/* The shortcuts window is built when first asked for: GtkApplication would
 * build it with every window (a tenth of the launch time), so it is not at
 * the path it loads by itself (gtk/help-overlay.ui). Once built, GTK's own
 * win.show-help-overlay replaces this one. */
static void
show_help_overlay_action_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  ConfabWindow *self = user_data;
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/im/confab/Confab/shortcuts-window.ui");
  GtkShortcutsWindow *overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (self), overlay);
  gtk_window_present (GTK_WINDOW (overlay));
}

static const GActionEntry win_actions[] = {
  { "close", close_action_cb },
  { "show-help-overlay", show_help_overlay_action_cb },
  { "search", search_action_cb },
  { "search-conversation", search_conversation_action_cb },
  { "show-sidebar", show_sidebar_action_cb },
  { "next-conversation", next_conversation_action_cb },
  { "previous-conversation", previous_conversation_action_cb },
};

/* ---- GObject ---------------------------------------------------------------- */

static void
confab_window_constructed (GObject *object)
{
  ConfabWindow *self = CONFAB_WINDOW (object);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  G_OBJECT_CLASS (confab_window_parent_class)->constructed (object);

  if (self->manager == NULL && CONFAB_IS_APPLICATION (application))
    {
      ConfabAccountManager *manager = confab_application_get_account_manager (CONFAB_APPLICATION (application));

      if (manager != NULL)
        self->manager = g_object_ref (manager);
    }

  if (self->manager != NULL)
    confab_window_setup_main (self);
  else
    confab_window_show_profile_error (self);
}

static void
confab_window_dispose (GObject *object)
{
  ConfabWindow *self = CONFAB_WINDOW (object);

  unwatch_accounts (self);
  g_clear_handle_id (&self->grow_rows_id, g_source_remove);
  g_clear_pointer (&self->watched_accounts, g_ptr_array_unref);
  if (self->current != NULL)
    g_signal_handlers_disconnect_by_func (self->current, on_current_unread_changed_cb, self);
  if (self->conversation_list != NULL)
    gtk_list_view_set_model (self->conversation_list, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_WINDOW);
  /* Owned by content_stack, which the template disposed. */
  self->conversation_view = NULL;
  g_clear_object (&self->current);
  g_clear_object (&self->selection);
  g_clear_object (&self->slice);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->account_names);
  g_clear_object (&self->filter_account);
  g_clear_object (&self->conversations);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (confab_window_parent_class)->dispose (object);
}

static void
confab_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ConfabWindow *self = CONFAB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ConfabWindow *self = CONFAB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      self->manager = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_window_class_init (ConfabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = confab_window_constructed;
  object_class->dispose = confab_window_dispose;
  object_class->get_property = confab_window_get_property;
  object_class->set_property = confab_window_set_property;
  window_class->close_request = confab_window_close_request;

  /**
   * ConfabWindow:manager:
   *
   * The accounts shown; by default the application's.
   */
  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, CONFAB_TYPE_ACCOUNT_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, presence_menu);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, sidebar_header);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, presence_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, trouble_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, sync_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, account_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, conversation_list);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, empty_header);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_visible_child_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_account_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_conversation_activate_cb);

  /* Shortcuts of this window (listed in ui/help-overlay.ui). */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK,
                                       "win.search-conversation", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK,
                                       "win.next-conversation", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK,
                                       "win.previous-conversation", NULL);
}

static void
confab_window_init (ConfabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ensure_style (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   win_actions, G_N_ELEMENTS (win_actions),
                                   self);

  set_menu_when_opened (self->presence_button, self->presence_menu);
  set_menu_when_opened (self->primary_menu_button, self->primary_menu);

  self->watched_accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->settings = g_settings_new (APP_ID);
  confab_window_restore_size (self);

  g_signal_connect (self, "notify::is-active", G_CALLBACK (on_is_active_changed_cb), NULL);
}

/**
 * confab_window_new:
 * @application: the application
 *
 * Returns: (transfer none): a new main window, owned by @application
 */
ConfabWindow *
confab_window_new (ConfabApplication *application)
{
  g_return_val_if_fail (CONFAB_IS_APPLICATION (application), NULL);

  /* GtkWindow:application is applied after constructed(), so the manager
   * is passed explicitly. */
  return g_object_new (CONFAB_TYPE_WINDOW,
                       "application", application,
                       "manager", confab_application_get_account_manager (application),
                       NULL);
}

/**
 * confab_window_new_for_manager:
 * @application: (nullable): a registered application
 * @manager: the accounts to show
 *
 * Returns: (transfer none): a new main window (owned by @application, or
 * by GTK's list of toplevels when @application is NULL)
 */
ConfabWindow *
confab_window_new_for_manager (GtkApplication       *application,
                               ConfabAccountManager *manager)
{
  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager), NULL);

  return g_object_new (CONFAB_TYPE_WINDOW,
                       "application", application,
                       "manager", manager,
                       NULL);
}

/**
 * confab_window_add_toast:
 * @self: a #ConfabWindow
 * @toast: (transfer full): the toast to show
 *
 * Shows @toast over the window's content.
 */
void
confab_window_add_toast (ConfabWindow *self,
                         AdwToast     *toast)
{
  g_return_if_fail (CONFAB_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}
