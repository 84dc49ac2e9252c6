/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The baseline for tools/bench-ui: an AdwApplication that opens one empty
 * AdwApplicationWindow of Confab's default size (960×680). tools/bench-ui
 * starts it and Confab the same way (confab-bench-launch) and measures both
 * in the same run: time to the window mapped and drawn, and memory.
 *
 * With CONFAB_BENCH_MAPPED=1 it also prints "mapped <µs>" (the monotonic
 * clock, g_get_monotonic_time()) when the window is mapped, for comparing
 * with a program that prints the same.
 *
 * Usage: bench-empty-window   (quit with Ctrl+Q, or SIGTERM)
 */
#include <adwaita.h>
#include <glib-unix.h>

static void
on_map_cb (GtkWidget *widget,
           gpointer   user_data)
{
  g_print ("mapped %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static gboolean
terminate_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
on_startup_cb (GApplication *app,
               gpointer      user_data)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
on_activate_cb (GApplication *app,
                gpointer      user_data)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));

  gtk_window_set_title (GTK_WINDOW (window), "Empty window");
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 680);
  if (g_strcmp0 (g_getenv ("CONFAB_BENCH_MAPPED"), "1") == 0)
    g_signal_connect (window, "map", G_CALLBACK (on_map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) app = adw_application_new ("im.confab.BenchEmptyWindow",
                                                       G_APPLICATION_DEFAULT_FLAGS);
  static const GActionEntry actions[] = { { "quit", quit_action_cb } };

  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
  g_signal_connect (app, "startup", G_CALLBACK (on_startup_cb), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (on_activate_cb), NULL);
  g_unix_signal_add (SIGTERM, terminate_cb, app);

  return g_application_run (G_APPLICATION (app), argc, argv);
}
