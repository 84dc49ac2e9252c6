/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-preferences-window.c: the preferences window.
 *
 * Copyright 2026 The Confab developers
 *
 * Only settings that already do something are shown here.
 */

#include "config.h"

#include "confab-accounts-page.h"
#include "confab-preferences-window.h"

struct _ConfabPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;
  ConfabAccountManager *manager;

  /* template children */
  GtkSwitch            *background_switch;
  GtkSwitch            *send_on_enter_switch;
  GtkSwitch            *notifications_switch;
  GtkWidget            *preview_row;
  GtkSwitch            *preview_switch;
};

G_DEFINE_FINAL_TYPE (ConfabPreferencesWindow, confab_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
confab_preferences_window_constructed (GObject *object)
{
  ConfabPreferencesWindow *self = CONFAB_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (confab_preferences_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  g_settings_bind (self->settings, "run-in-background",
                   self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "send-on-enter",
                   self->send_on_enter_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notifications",
                   self->notifications_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notification-preview",
                   self->preview_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  /* Previews only matter when there are notifications. */
  g_settings_bind (self->settings, "notifications",
                   self->preview_row, "sensitive",
                   G_SETTINGS_BIND_GET);

  /* The accounts page, when there is a profile to show. */
  if (self->manager != NULL)
    {
      GtkWidget *page = confab_accounts_page_new (self->manager);

      if (ADW_IS_PREFERENCES_PAGE (page))
        adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
      else if (page != NULL)
        g_object_unref (g_object_ref_sink (page));
    }
}

static void
confab_preferences_window_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  ConfabPreferencesWindow *self = CONFAB_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_set_object (&self->settings, g_value_get_object (value));
      break;

    case PROP_MANAGER:
      g_set_object (&self->manager, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_preferences_window_dispose (GObject *object)
{
  ConfabPreferencesWindow *self = CONFAB_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (confab_preferences_window_parent_class)->dispose (object);
}

static void
confab_preferences_window_class_init (ConfabPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = confab_preferences_window_constructed;
  object_class->set_property = confab_preferences_window_set_property;
  object_class->dispose = confab_preferences_window_dispose;

  /**
   * ConfabPreferencesWindow:settings:
   *
   * The #GSettings of the `im.confab.Confab` schema the window edits.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * ConfabPreferencesWindow:manager:
   *
   * The accounts shown on the "Accounts" page (none when %NULL).
   */
  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL,
                         CONFAB_TYPE_ACCOUNT_MANAGER,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferencesWindow, send_on_enter_switch);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferencesWindow, notifications_switch);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferencesWindow, preview_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabPreferencesWindow, preview_switch);
}

static void
confab_preferences_window_init (ConfabPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * confab_preferences_window_new:
 * @parent: (nullable): the window the preferences belong to
 * @settings: (nullable): the settings to edit, or %NULL for the app's schema
 * @manager: (nullable): the accounts for the "Accounts" page
 *
 * Returns: (transfer none): a new preferences window
 */
ConfabPreferencesWindow *
confab_preferences_window_new (GtkWindow            *parent,
                               GSettings            *settings,
                               ConfabAccountManager *manager)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (CONFAB_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       "settings", settings,
                       "manager", manager,
                       NULL);
}
