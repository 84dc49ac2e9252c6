/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-window.c: the main window.
 *
 * Copyright 2026 The Confab developers
 */

#include "config.h"

#include "confab-window.h"

struct _ConfabWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* template children */
  AdwToastOverlay      *toast_overlay;
};

G_DEFINE_FINAL_TYPE (ConfabWindow, confab_window, ADW_TYPE_APPLICATION_WINDOW)

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

static void
close_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  gtk_window_close (GTK_WINDOW (user_data));
}

static const GActionEntry win_actions[] = {
  { "close", close_action_cb },
};

static void
confab_window_dispose (GObject *object)
{
  ConfabWindow *self = CONFAB_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (confab_window_parent_class)->dispose (object);
}

static void
confab_window_class_init (ConfabWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = confab_window_dispose;
  window_class->close_request = confab_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabWindow, toast_overlay);
}

static void
confab_window_init (ConfabWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   win_actions, G_N_ELEMENTS (win_actions),
                                   self);

  self->settings = g_settings_new (APP_ID);
  confab_window_restore_size (self);
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

  return g_object_new (CONFAB_TYPE_WINDOW,
                       "application", application,
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
