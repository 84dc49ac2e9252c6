/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-application.c: the Confab application object.
 *
 * Copyright 2026 The Confab developers
 */

#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>

#include "confab-add-contact-dialog.h"
#include "confab-application.h"
#include "confab-background.h"
#include "confab-contact-row.h"
#include "confab-contacts-dialog.h"
#include "confab-notifier.h"
#include "confab-preferences-window.h"
#include "confab-search-dialog.h"
#include "confab-uri-handler.h"
#include "confab-welcome-page.h"
#include "confab-window.h"

struct _ConfabApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GCancellable   *cancellable;

  /* The profile: one database, its history writer, the keyring and the
   * accounts (see confab_application_open_profile()). */
  ConfabDatabase       *database;
  ConfabHistoryStore   *history;
  ConfabSecretStore    *secrets;
  ConfabAccountManager *manager;
  GError               *profile_error;
  ConfabNotifier       *notifier;

  /* TRUE while we hold the application because run-in-background is on, so
   * that closing the last window does not quit. */
  guint           held : 1;
  /* TRUE while we turn run-in-background off ourselves after a refusal. */
  guint           reverting : 1;

  /* The accounts connect once the window is drawn (or after
   * CONNECT_FALLBACK_SECONDS without one, e.g. started as a D-Bus service):
   * a big roster arriving is never in the way of the first frame. */
  guint           connect_id;
  gulong          after_paint_id;
  GdkFrameClock  *frame_clock;
};

#define CONNECT_FALLBACK_SECONDS 2

G_DEFINE_FINAL_TYPE (ConfabApplication, confab_application, ADW_TYPE_APPLICATION)

static void
confab_application_show_toast (ConfabApplication *self,
                               const char        *title)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwToast *toast;

  if (window == NULL)
    {
      g_debug ("No window to show “%s” in", title);
      return;
    }

  toast = adw_toast_new (title);

  if (ADW_IS_PREFERENCES_WINDOW (window))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), toast);
  else if (CONFAB_IS_WINDOW (window))
    confab_window_add_toast (CONFAB_WINDOW (window), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
confab_application_sync_hold (ConfabApplication *self)
{
  gboolean background = g_settings_get_boolean (self->settings, "run-in-background");

  if (background && !self->held)
    g_application_hold (G_APPLICATION (self));
  else if (!background && self->held)
    g_application_release (G_APPLICATION (self));

  self->held = !!background;
}

static void
background_requested_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(ConfabApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean wanted = g_settings_get_boolean (self->settings, "run-in-background");
  gboolean autostart = FALSE;

  if (confab_background_request_finish (result, &autostart, &error))
    {
      g_debug ("Background portal: background allowed, autostart %s",
               autostart ? "on" : "off");
      if (wanted && !autostart)
        confab_application_show_toast (self, _("Confab may run in the background but will not start at login"));
      return;
    }

  g_debug ("Background portal request failed: %s", error->message);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      /* The user said no: the setting must not claim otherwise. */
      if (wanted)
        {
          self->reverting = TRUE;
          g_settings_set_boolean (self->settings, "run-in-background", FALSE);
          self->reverting = FALSE;
          confab_application_sync_hold (self);
        }
      confab_application_show_toast (self, _("Confab is not allowed to run in the background"));
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    {
      /* Outside a sandbox with no portal: keep the setting, which still keeps
       * Confab running when its window is closed. */
      if (wanted)
        confab_application_show_toast (self, _("Starting at login is not available on this system"));
    }
  else
    {
      confab_application_show_toast (self, _("Could not change the background setting"));
    }
}

static void
on_run_in_background_changed_cb (ConfabApplication *self,
                                 const char        *key,
                                 GSettings         *settings)
{
  gboolean background;

  g_assert (CONFAB_IS_APPLICATION (self));

  if (self->reverting)
    return;

  confab_application_sync_hold (self);

  background = g_settings_get_boolean (settings, "run-in-background");
  confab_background_request_async (g_application_get_dbus_connection (G_APPLICATION (self)),
                                   NULL,
                                   background,
                                   _("Confab keeps your accounts connected to receive messages while its window is closed."),
                                   self->cancellable,
                                   background_requested_cb,
                                   g_object_ref (self));
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* The app's own icons, also when it runs uninstalled. Added when first
 * needed: a change of the icon theme's paths makes GTK read the whole theme
 * again on the main thread (a tenth of the launch time), which is why the
 * application has no resource-base-path. */
static void
add_app_icons (GtkWindow *window)
{
  GdkDisplay *display = window != NULL ? gtk_widget_get_display (GTK_WIDGET (window))
                                       : gdk_display_get_default ();
  GtkIconTheme *theme;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "confab-app-icons") != NULL)
    return;
  theme = gtk_icon_theme_get_for_display (display);
  gtk_icon_theme_add_resource_path (theme, "/im/confab/Confab/icons");
  g_object_set_data (G_OBJECT (display), "confab-app-icons", GINT_TO_POINTER (TRUE));
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  ConfabApplication *self = user_data;
  const char *developers[] = { "The Confab developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  add_app_icons (parent);
  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-name", _("Confab"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Confab developers"),
                        "version", PACKAGE_VERSION,
                        "website", "https://confab.im/",
                        "issue-url", "https://confab.im/issues",
                        "copyright", "© 2026 The Confab developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: Replace "translator-credits" with your name(s) and
                         * e-mail address(es), one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
help_shown_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConfabApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_show_uri_full_finish (GTK_WINDOW (object), result, &error))
    {
      g_debug ("Could not open help: %s", error->message);
      confab_application_show_toast (self, _("Could not open the help"));
    }
}

static void
help_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ConfabApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_show_uri_full (window, "help:confab", GDK_CURRENT_TIME, NULL,
                     help_shown_cb, g_object_ref (self));
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ConfabApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  ConfabPreferencesWindow *preferences;

  preferences = confab_preferences_window_new (parent, self->settings, self->manager);
  gtk_window_present (GTK_WINDOW (preferences));
}

/* The main window, created (not yet presented) when there is none. */
static ConfabWindow *
confab_application_get_main_window (ConfabApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (CONFAB_IS_WINDOW (active))
    return CONFAB_WINDOW (active);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (CONFAB_IS_WINDOW (l->data))
        return l->data;
    }
  return confab_window_new (self);
}

/* The window dialogs belong to: the active one, else the main window. */
static GtkWindow *
confab_application_get_parent (ConfabApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (active == NULL)
    {
      /* Running in the background without a window: dialogs still need
       * one to belong to. */
      active = GTK_WINDOW (confab_application_get_main_window (self));
      gtk_window_present (active);
    }
  return active;
}

/* Brings up an open window of @type instead of opening a second one. */
static gboolean
confab_application_present_existing (ConfabApplication *self,
                                     GType              type)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
        {
          gtk_window_present (l->data);
          return TRUE;
        }
    }
  return FALSE;
}

static void
show_contacts_action_cb (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  ConfabApplication *self = user_data;

  if (self->manager != NULL
      && !confab_application_present_existing (self, CONFAB_TYPE_CONTACTS_DIALOG))
    confab_contacts_dialog_present (confab_application_get_parent (self), self->manager);
}

static void
add_contact_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ConfabApplication *self = user_data;

  if (self->manager != NULL)
    confab_add_contact_dialog_present (confab_application_get_parent (self), self->manager);
}

static void
add_account_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ConfabApplication *self = user_data;

  if (self->manager != NULL)
    confab_account_dialog_present (confab_application_get_parent (self), self->manager);
}

static void
search_action_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  ConfabApplication *self = user_data;

  if (self->manager != NULL)
    confab_search_dialog_present (confab_application_get_parent (self), self->manager, NULL);
}

static gboolean
presence_from_string (const char            *text,
                      ConfabAccountPresence *presence)
{
  static const struct { const char *name; ConfabAccountPresence value; } names[] = {
    { "available", CONFAB_ACCOUNT_PRESENCE_AVAILABLE },
    { "away", CONFAB_ACCOUNT_PRESENCE_AWAY },
    { "busy", CONFAB_ACCOUNT_PRESENCE_BUSY },
    { "offline", CONFAB_ACCOUNT_PRESENCE_OFFLINE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_strcmp0 (text, names[i].name) == 0)
        {
          *presence = names[i].value;
          return TRUE;
        }
    }
  return FALSE;
}

/* app.set-presence is stateful (a string), so menus show it as radio
 * items: available, away, busy, offline. */
static void
set_presence_change_state_cb (GSimpleAction *action,
                              GVariant      *value,
                              gpointer       user_data)
{
  ConfabApplication *self = user_data;
  ConfabAccountPresence presence;
  g_autofree char *status = NULL;

  if (!presence_from_string (g_variant_get_string (value, NULL), &presence))
    {
      g_debug ("Unknown presence “%s”", g_variant_get_string (value, NULL));
      return;
    }
  g_simple_action_set_state (action, value);
  if (self->manager == NULL)
    return;
  status = g_settings_get_string (self->settings, "status-message");
  confab_account_manager_set_presence_all (self->manager, presence,
                                           *status != '\0' ? status : NULL);
}

static void
on_status_response_cb (AdwMessageDialog  *dialog,
                       const char        *response,
                       ConfabApplication *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "set-presence");
  g_autoptr(GVariant) state = NULL;
  g_autofree char *status = NULL;
  ConfabAccountPresence presence = CONFAB_ACCOUNT_PRESENCE_AVAILABLE;

  if (g_strcmp0 (response, "set") == 0)
    status = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  else if (g_strcmp0 (response, "clear") == 0)
    status = g_strdup ("");
  else
    return;

  g_settings_set_string (self->settings, "status-message", status);
  state = g_action_get_state (action);
  presence_from_string (g_variant_get_string (state, NULL), &presence);
  if (self->manager != NULL)
    confab_account_manager_set_presence_all (self->manager, presence,
                                             *status != '\0' ? status : NULL);
}

/* A small dialog for the status message (RFC 6121 §4.7.2.2) of every
 * account; the choice is kept for the next start. */
static void
set_status_action_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ConfabApplication *self = user_data;
  g_autofree char *status = g_settings_get_string (self->settings, "status-message");
  GtkWidget *dialog;
  GtkWidget *entry;

  dialog = adw_message_dialog_new (confab_application_get_parent (self),
                                   _("Set Status Message"),
                                   _("Your contacts see it with your presence."));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), status);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("e.g. In a meeting until 3"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_max_length (GTK_ENTRY (entry), 200);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Status message"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "clear", _("C_lear"),
                                    "set", _("_Set"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "set", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "set");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_status_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The conversation named by an (account bare JID, peer) target, as the
 * notifications carry it; NULL when either is gone or invalid. */
static ConfabConversation *
conversation_from_target (ConfabApplication *self,
                          GVariant          *parameter)
{
  const char *account_jid = NULL;
  const char *peer = NULL;
  ConfabAccount *account;
  ConfabConversationList *list;

  if (self->manager == NULL)
    return NULL;
  g_variant_get (parameter, "(&s&s)", &account_jid, &peer);
  account = confab_account_manager_lookup (self->manager, account_jid);
  list = confab_account_manager_get_conversations (self->manager);
  if (account == NULL || list == NULL)
    return NULL;
  return confab_conversation_list_ensure (list, account, peer);
}

static void
open_conversation_action_cb (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  ConfabApplication *self = user_data;
  ConfabConversation *conversation = conversation_from_target (self, parameter);
  ConfabWindow *window = confab_application_get_main_window (self);

  gtk_window_present (GTK_WINDOW (window));
  if (conversation == NULL)
    return;
  confab_window_open_conversation (window, conversation, 0);
  if (self->notifier != NULL)
    confab_notifier_withdraw (self->notifier, conversation);
}

static void
mark_read_action_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ConfabApplication *self = user_data;
  ConfabConversation *conversation = conversation_from_target (self, parameter);

  if (conversation == NULL)
    return;
  confab_conversation_mark_read (conversation);
  if (self->notifier != NULL)
    confab_notifier_withdraw (self->notifier, conversation);
}

static void
open_uri_action_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ConfabApplication *self = user_data;

  if (self->manager != NULL)
    confab_uri_handler_open (confab_application_get_parent (self), self->manager,
                             g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action_cb },
  { "about", about_action_cb },
  { "help", help_action_cb },
  { "preferences", preferences_action_cb },
  { "show-contacts", show_contacts_action_cb },
  { "add-contact", add_contact_action_cb },
  { "add-account", add_account_action_cb },
  { "search", search_action_cb },
  { "set-presence", NULL, "s", "'available'", set_presence_change_state_cb },
  { "set-status", set_status_action_cb },
  { "open-conversation", open_conversation_action_cb, "(ss)" },
  { "mark-read", mark_read_action_cb, "(ss)" },
  { "open-uri", open_uri_action_cb, "s" },
};

static void
stop_waiting_for_paint (ConfabApplication *self)
{
  if (self->frame_clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
  g_clear_object (&self->frame_clock);
}

static gboolean
connect_accounts_cb (gpointer user_data)
{
  ConfabApplication *self = user_data;

  self->connect_id = 0;
  stop_waiting_for_paint (self);
  if (self->manager != NULL)
    confab_account_manager_connect_all (self->manager);
  return G_SOURCE_REMOVE;
}

/* The first frame is on screen: connect right after it. */
static void
on_after_paint_cb (GdkFrameClock     *clock,
                   ConfabApplication *self)
{
  stop_waiting_for_paint (self);
  if (self->connect_id == 0)
    return;
  g_source_remove (self->connect_id);
  self->connect_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, connect_accounts_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->connect_id),
                            "[confab] connect accounts");
}

static void
connect_after_first_frame (ConfabApplication *self,
                           GtkWindow         *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

  if (self->connect_id == 0 || self->frame_clock != NULL || clock == NULL)
    return;
  self->frame_clock = g_object_ref (clock);
  self->after_paint_id = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (on_after_paint_cb), self);
}

/* The profile lives where confab-cli keeps it, so both see the same
 * accounts and history. Failing to open it (a database from a newer
 * Confab, a full disk) leaves the manager NULL and the error for the window
 * to show: never a crash, never a fresh database over the old one. */
static void
confab_application_open_profile (ConfabApplication *self)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "confab", NULL);
  g_autofree char *path = g_build_filename (dir, "confab.db", NULL);
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (&self->profile_error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder %s: %s"), dir, g_strerror (saved));
      return;
    }
  self->database = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, &error);
  if (self->database != NULL)
    self->history = confab_history_store_new (path, &error);
  if (self->history == NULL)
    {
      g_propagate_error (&self->profile_error, g_steal_pointer (&error));
      g_clear_object (&self->database);
      return;
    }
  self->secrets = confab_secret_store_new ();
  self->manager = confab_account_manager_new (self->database, self->secrets);
  confab_account_manager_set_history_store (self->manager, self->history);
  if (!confab_account_manager_load (self->manager, &error))
    {
      g_propagate_error (&self->profile_error, g_steal_pointer (&error));
      g_clear_object (&self->manager);
      return;
    }
  self->notifier = confab_notifier_new (G_APPLICATION (self), self->manager, self->settings);
  self->connect_id = g_timeout_add_seconds (CONNECT_FALLBACK_SECONDS, connect_accounts_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->connect_id),
                            "[confab] connect accounts");
}

static void
confab_application_startup (GApplication *application)
{
  ConfabApplication *self = CONFAB_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "F1", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *add_contact_accels[] = { "<Control>n", NULL };
  static const char *contacts_accels[] = { "<Control><Shift>c", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (confab_application_parent_class)->startup (application);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings,
                           "changed::run-in-background",
                           G_CALLBACK (on_run_in_background_changed_cb),
                           self,
                           G_CONNECT_SWAPPED);
  confab_application_sync_hold (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay", shortcuts_accels);
  /* Ctrl+F and Ctrl+Shift+F are the window's (win.search-conversation,
   * win.search); app.search is for when there is no window. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.add-contact", add_contact_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.show-contacts", contacts_accels);

  confab_application_open_profile (self);
}

static void
confab_application_shutdown (GApplication *application)
{
  ConfabApplication *self = CONFAB_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->connect_id, g_source_remove);
  stop_waiting_for_paint (self);

  G_APPLICATION_CLASS (confab_application_parent_class)->shutdown (application);
}

static void
confab_application_activate (GApplication *application)
{
  ConfabApplication *self = CONFAB_APPLICATION (application);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = GTK_WINDOW (confab_window_new (self));

  gtk_window_present (window);
  connect_after_first_frame (self, window);
}

static void
confab_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  ConfabApplication *self = CONFAB_APPLICATION (application);
  ConfabWindow *window;

  g_application_activate (application);
  window = confab_application_get_main_window (self);

  /* xmpp: URIs (RFC 5122) from the desktop: each asks before it acts. */
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (!g_file_has_uri_scheme (files[i], "xmpp"))
        {
          g_debug ("Not an xmpp: URI, ignored: %s", uri);
          continue;
        }
      if (self->manager != NULL)
        confab_uri_handler_open (GTK_WINDOW (window), self->manager, uri);
    }
}

static void
confab_application_dispose (GObject *object)
{
  ConfabApplication *self = CONFAB_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->notifier);
  g_clear_object (&self->manager);
  g_clear_object (&self->secrets);
  g_clear_object (&self->history);
  g_clear_object (&self->database);
  g_clear_error (&self->profile_error);

  G_OBJECT_CLASS (confab_application_parent_class)->dispose (object);
}

static void
confab_application_class_init (ConfabApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = confab_application_dispose;

  app_class->startup = confab_application_startup;
  app_class->shutdown = confab_application_shutdown;
  app_class->activate = confab_application_activate;
  app_class->open = confab_application_open;
}

static void
confab_application_init (ConfabApplication *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * confab_application_new:
 *
 * Returns: (transfer full): the application
 */
ConfabApplication *
confab_application_new (void)
{
  return g_object_new (CONFAB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       /* None: GtkApplication would add <base>/icons to the
                        * icon theme at startup (see add_app_icons()). */
                       "resource-base-path", NULL,
                       NULL);
}

/**
 * confab_application_get_settings:
 * @self: a #ConfabApplication
 *
 * Returns: (transfer none): the application's #GSettings, once started up
 */
GSettings *
confab_application_get_settings (ConfabApplication *self)
{
  g_return_val_if_fail (CONFAB_IS_APPLICATION (self), NULL);

  return self->settings;
}

ConfabAccountManager *
confab_application_get_account_manager (ConfabApplication *self)
{
  g_return_val_if_fail (CONFAB_IS_APPLICATION (self), NULL);

  return self->manager;
}

const GError *
confab_application_get_profile_error (ConfabApplication *self)
{
  g_return_val_if_fail (CONFAB_IS_APPLICATION (self), NULL);

  return self->profile_error;
}
