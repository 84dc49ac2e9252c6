/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * confab-demo-server: the private server, bot and data behind
 * tools/run-confab's demo, tools/make-screenshots and tools/bench-ui.
 *
 *   serve --info FILE [--bench-contacts N] [--no-bot]
 *       Starts Prosody on 127.0.0.1 with the demo people, writes FILE (for
 *       `.` in sh) once everything is ready, runs the bot, and stops it all
 *       on SIGTERM/SIGINT/SIGHUP or when its parent process dies.
 *   burst --port P --ca-file F --jid JID --password-file F --to JID [--count N]
 *   fill-showcase --database PATH --account JID
 *   fill-bench --database PATH --account JID [--conversations N] [--big N] [--big-messages N]
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "demo-bot.h"
#include "demo-burst.h"
#include "demo-fill.h"
#include "demo-server.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
fail (const char   *what,
      const GError *error)
{
  g_printerr ("confab-demo-server: %s: %s\n", what, error != NULL ? error->message : "failed");
  return 1;
}

static gboolean
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  g_printerr ("confab-demo-server: %s\n", error->message);
  return FALSE;
}

static int
cmd_serve (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("serve");
  g_autoptr(GError) error = NULL;
  g_autoptr(DemoServer) server = NULL;
  g_autoptr(DemoBot) bot = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *info = NULL;
  int bench_contacts = 0;
  gboolean no_bot = FALSE;
  pid_t parent = getppid ();
  const GOptionEntry entries[] = {
    { "info", 0, 0, G_OPTION_ARG_FILENAME, &info, "Write the server's details to FILE when ready", "FILE" },
    { "bench-contacts", 0, 0, G_OPTION_ARG_INT, &bench_contacts, "Add N benchmark contacts to the user's roster", "N" },
    { "no-bot", 0, 0, G_OPTION_ARG_NONE, &no_bot, "Do not run the bot", NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv))
    return 2;
  if (info == NULL || bench_contacts < 0 || bench_contacts > 9999)
    {
      g_printerr ("confab-demo-server: serve needs --info FILE (and --bench-contacts 0..9999)\n");
      return 2;
    }

  /* Whoever started us owns the demo: if it dies, so do we, and our
   * Prosody with us (its supervisor is tied to this process the same way). */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () != parent)
    return 0;
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGHUP, quit_cb, loop);

  server = demo_server_start ((guint) bench_contacts, &error);
  if (server == NULL)
    return fail ("could not start the demo server", error);

  if (!no_bot)
    {
      ConfabTestServer *test_server = demo_server_get_server (server);

      bot = demo_bot_new (DEMO_BOT "@" CONFAB_TEST_DOMAIN,
                          demo_server_get_password (server, DEMO_BOT),
                          confab_test_server_get_port (test_server),
                          confab_test_server_get_tls_database (test_server),
                          DEMO_USER "@" CONFAB_TEST_DOMAIN);
      demo_bot_start (bot);
    }

  if (!demo_server_write_info (server, info, &error))
    return fail ("could not write the server's details", error);

  g_main_loop_run (loop);

  g_unlink (info);
  g_clear_pointer (&bot, demo_bot_free);
  g_clear_pointer (&server, demo_server_free);
  return 0;
}

static int
cmd_burst (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("burst");
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_autofree char *to = NULL;
  int port = 0;
  int count = 5000;
  const GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "The server's STARTTLS port on 127.0.0.1", "PORT" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "The server's CA", "FILE" },
    { "jid", 0, 0, G_OPTION_ARG_STRING, &jid, "Send as JID", "JID" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, "Its password (first line)", "FILE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "The recipient", "JID" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Messages to send (default 5000)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv))
    return 2;
  if (port <= 0 || port > 65535 || ca_file == NULL || jid == NULL || password_file == NULL
      || to == NULL || count < 0)
    {
      g_printerr ("confab-demo-server: burst needs --port, --ca-file, --jid, --password-file and --to\n");
      return 2;
    }
  if (!g_file_get_contents (password_file, &password, NULL, &error))
    return fail ("could not read the password", error);
  g_strchomp (password);
  database = g_tls_file_database_new (ca_file, &error);
  if (database == NULL)
    return fail ("could not read the CA", error);
  if (!demo_burst_send (jid, password, (guint16) port, database, to, (guint) count, &error))
    return fail ("burst", error);
  return 0;
}

static int
cmd_fill (int       argc,
          char    **argv,
          gboolean  bench)
{
  g_autoptr(GOptionContext) context = g_option_context_new (bench ? "fill-bench" : "fill-showcase");
  g_autoptr(GError) error = NULL;
  g_autofree char *database = NULL;
  g_autofree char *account = NULL;
  int conversations = 200;
  int big = 0;
  int big_messages = 100000;
  const GOptionEntry entries[] = {
    { "database", 0, 0, G_OPTION_ARG_FILENAME, &database, "The profile's confab.db", "PATH" },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, "The account's bare JID", "JID" },
    { "conversations", 0, 0, G_OPTION_ARG_INT, &conversations, "fill-bench: conversations (default 200)", "N" },
    { "big", 0, 0, G_OPTION_ARG_INT, &big, "fill-bench: how many get --big-messages more (default 0)", "N" },
    { "big-messages", 0, 0, G_OPTION_ARG_INT, &big_messages, "fill-bench: messages in each big one (default 100000)", "N" },
    { NULL }
  };
  gboolean ok;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!parse_options (context, &argc, &argv))
    return 2;
  if (database == NULL || account == NULL || conversations < 0 || big < 0 || big_messages < 0)
    {
      g_printerr ("confab-demo-server: fill needs --database and --account\n");
      return 2;
    }
  if (bench)
    ok = demo_fill_bench (database, account, (guint) conversations, (guint) big,
                          (guint) big_messages, &error);
  else
    ok = demo_fill_showcase (database, account, &error);
  if (!ok)
    return fail ("could not write the history", error);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  const char *command = argc > 1 ? argv[1] : "";

  if (g_str_equal (command, "serve"))
    return cmd_serve (argc - 1, argv + 1);
  if (g_str_equal (command, "burst"))
    return cmd_burst (argc - 1, argv + 1);
  if (g_str_equal (command, "fill-showcase"))
    return cmd_fill (argc - 1, argv + 1, FALSE);
  if (g_str_equal (command, "fill-bench"))
    return cmd_fill (argc - 1, argv + 1, TRUE);

  g_printerr ("Usage: confab-demo-server serve|burst|fill-showcase|fill-bench [OPTIONS]\n"
              "       confab-demo-server COMMAND --help\n");
  return 2;
}
