/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "confab-database.h"
#include "confab-history-store.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-roster.h"
#include "core-test-util.h"

typedef struct {
  char *dir;
} Fixture;

static gboolean
in_session (void)
{
  if (g_strcmp0 (g_getenv ("CONFAB_IN_SESSION"), "1") == 0 && xmpp_test_server () != NULL)
    return TRUE;
  g_test_skip ("Needs the Secret Service and Prosody: run under tools/with-session");
  return FALSE;
}

static const char *
cli_path (void)
{
  const char *path = g_getenv ("CONFAB_CLI");

  g_assert_nonnull (path);
  return path;
}

static GSubprocessLauncher *
launcher_new (Fixture *f)
{
  GSubprocessLauncher *launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autofree char *data = g_build_filename (f->dir, "data", NULL);
  g_autofree char *config = g_build_filename (f->dir, "config", NULL);

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  return launcher;
}

/* Runs confab-cli with @args (NULL-terminated, without the program),
 * feeding @input on stdin; returns the exit status. */
static int
run_cli (Fixture            *f,
         const char         *input,
         char              **out,
         char              **err,
         const char * const *args)
{
  g_autoptr(GSubprocessLauncher) launcher = launcher_new (f);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  g_ptr_array_add (argv, (char *) cli_path ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL,
                                 &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  g_test_message ("confab-cli %s -> %d\nstdout: %s\nstderr: %s",
                  args[0], g_subprocess_get_exit_status (process),
                  stdout_text, stderr_text);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (process);
}

/* The test server's STARTTLS port. */
static guint16
server_port (void)
{
  return confab_test_server_get_port (xmpp_test_server ());
}

static int
add_account (Fixture    *f,
             const char *localpart,
             const char *password,
             guint16     port,
             char      **err)
{
  g_autofree char *jid = g_strdup_printf ("%s@confab.test", localpart);
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *input = g_strdup_printf ("%s\n", password);
  const char *args[] = {
    "account", "add", jid, "--host", "127.0.0.1", "--port", port_text,
    "--ca-file", confab_test_server_get_ca_file (xmpp_test_server ()), NULL
  };

  return run_cli (f, input, NULL, err, args);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("confab-cli-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  core_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* The password must not appear in any file of the profile. */
static void
assert_not_in_profile (Fixture    *f,
                       const char *secret)
{
  g_autofree char *dir = g_build_filename (f->dir, "data", "confab", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint files = 0;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      files++;
      for (gsize i = 0; i + strlen (secret) <= length; i++)
        g_assert_false (memcmp (contents + i, secret, strlen (secret)) == 0);
    }
  g_assert_cmpuint (files, >, 0);
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  const char *args[] = { "--help", NULL };
  const char *sub_args[] = { "listen", "--help", NULL };
  const char *commands[] = { "account list", "account add", "account remove",
                             "account enable", "account disable", "send", "listen",
                             "history", "search" };
  g_autofree char *out = NULL;
  g_autofree char *sub_out = NULL;

  g_assert_cmpint (run_cli (f, NULL, &out, NULL, args), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_assert_nonnull (strstr (out, commands[i]));
  g_assert_nonnull (strstr (out, "Exit status"));

  g_assert_cmpint (run_cli (f, NULL, &sub_out, NULL, sub_args), ==, 0);
  g_assert_nonnull (strstr (sub_out, "--count"));
  g_assert_nonnull (strstr (sub_out, "--timeout"));
}

static void
test_usage_errors (Fixture       *f,
                   gconstpointer  data)
{
  const char *password_arg[] = { "account", "add", "alice@confab.test", "secret-alice", NULL };
  const char *unknown[] = { "frobnicate", NULL };
  const char *none[] = { NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (f, "secret-alice\n", NULL, &err, password_arg), ==, 1);
  g_assert_nonnull (strstr (err, "password"));
  g_assert_cmpint (run_cli (f, NULL, NULL, NULL, unknown), ==, 1);
  g_assert_cmpint (run_cli (f, NULL, NULL, NULL, none), ==, 1);
}

static void
test_add_list (Fixture       *f,
               gconstpointer  data)
{
  const char *list[] = { "account", "list", NULL };
  const char *disable[] = { "account", "disable", "alice@confab.test", NULL };
  const char *remove[] = { "account", "remove", "alice@confab.test", NULL };
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *expected = NULL;
  guint16 port;

  if (!in_session ())
    return;
  port = server_port ();

  g_assert_cmpint (add_account (f, "alice", "secret-alice", port, NULL), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, &out, NULL, list), ==, 0);
  expected = g_strdup_printf ("alice@confab.test\tenabled\t127.0.0.1:%u", port);
  g_assert_nonnull (strstr (out, expected));
  assert_not_in_profile (f, "secret-alice");

  /* A second add of the same account is refused. */
  g_assert_cmpint (add_account (f, "alice", "secret-alice", port, NULL), ==, 1);

  g_assert_cmpint (run_cli (f, NULL, NULL, NULL, disable), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, &out2, NULL, list), ==, 0);
  g_assert_nonnull (strstr (out2, "alice@confab.test\tdisabled"));

  g_assert_cmpint (run_cli (f, NULL, NULL, NULL, remove), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, &out3, NULL, list), ==, 0);
  g_assert_null (strstr (out3, "alice@confab.test"));
}

/* Starts "listen bob", sends @body from alice once bob is online, and
 * returns the one line listen printed (it must then exit 0). */
static char *
send_and_listen (Fixture    *f,
                 const char *body)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) listener = NULL;
  g_autoptr(GDataInputStream) listen_out = NULL;
  g_autoptr(GDataInputStream) listen_err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *line = NULL;
  g_autofree char *rest = NULL;
  const char *ca_file;
  guint16 port;

  port = server_port ();
  ca_file = confab_test_server_get_ca_file (xmpp_test_server ());

  g_assert_cmpint (add_account (f, "alice", "secret-alice", port, NULL), ==, 0);
  g_assert_cmpint (add_account (f, "bob", "secret-bob", port, NULL), ==, 0);

  launcher = launcher_new (f);
  /* The listener trusts the CA file stored by "account add"; the sender
   * names it again, which overrides the stored one for that connection. */
  listener = g_subprocess_launcher_spawn (launcher, &error, cli_path (), "listen",
                                          "bob@confab.test", "--count", "1",
                                          "--timeout", "20", NULL);
  g_assert_no_error (error);
  listen_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (listener));
  listen_err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (listener));

  /* Wait until bob is online. */
  ready = g_data_input_stream_read_line_utf8 (listen_err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ready);
  g_test_message ("listen: %s", ready);
  g_assert_true (g_str_has_prefix (ready, "listening as bob@confab.test/"));

  {
    const char *args[] = { "send", "alice@confab.test", "bob@confab.test",
                           body, "--ca-file", ca_file, NULL };

    g_assert_cmpint (run_cli (f, NULL, NULL, NULL, args), ==, 0);
  }

  line = g_data_input_stream_read_line_utf8 (listen_out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_test_message ("event: %s", line);
  g_assert_true (g_str_has_prefix (line, "{\"type\":\"message\""));
  g_assert_nonnull (strstr (line, "\"from\":\"alice@confab.test/"));
  g_assert_true (g_str_has_suffix (line, "}"));

  g_subprocess_wait (listener, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (listener));
  g_assert_cmpint (g_subprocess_get_exit_status (listener), ==, 0);

  /* Exactly one event. */
  rest = g_data_input_stream_read_line_utf8 (listen_out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (rest);

  return g_steal_pointer (&line);
}

static void
test_send_listen (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *line = NULL;

  if (!in_session ())
    return;
  line = send_and_listen (f, "hello \"world\"");
  g_assert_nonnull (strstr (line, "\"body\":\"hello \\\"world\\\"\""));

  /* Both ends stored it: the sender before sending, the listener before
   * acknowledging it to the server. */
  {
    const char *sender_history[] = { "history", "alice@confab.test", "bob@confab.test", NULL };
    const char *receiver_history[] = { "history", "bob@confab.test", "alice@confab.test", NULL };
    g_autofree char *out = NULL;
    g_autofree char *in = NULL;

    g_assert_cmpint (run_cli (f, NULL, &out, NULL, sender_history), ==, 0);
    g_assert_nonnull (strstr (out, "hello \\\"world\\\""));
    g_assert_cmpint (run_cli (f, NULL, &in, NULL, receiver_history), ==, 0);
    g_assert_nonnull (strstr (in, "hello \\\"world\\\""));
  }
}

static void
test_escaping (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *line = NULL;

  if (!in_session ())
    return;
  line = send_and_listen (f, "back\\slash\ttab\nline \xc3\xa9");
  g_assert_nonnull (strstr (line, "\"body\":\"back\\\\slash\\ttab\\nline \xc3\xa9\""));
}

static void
test_listen_timeout (Fixture       *f,
                     gconstpointer  data)
{
  const char *args[] = { "listen", "carol@confab.test", "--timeout", "2",
                         "--ca-file", NULL, NULL };
  g_autofree char *out = NULL;

  if (!in_session ())
    return;
  args[5] = confab_test_server_get_ca_file (xmpp_test_server ());
  g_assert_cmpint (add_account (f, "carol", "secret-carol", server_port (), NULL), ==, 0);
  g_assert_cmpint (run_cli (f, NULL, &out, NULL, args), ==, 0);
  g_assert_cmpstr (out, ==, "");
}

static void
test_unknown_account (Fixture       *f,
                      gconstpointer  data)
{
  const char *args[] = { "send", "nobody@confab.test", "bob@confab.test", "hi", NULL };
  g_autofree char *err = NULL;

  if (!in_session ())
    return;
  g_assert_cmpint (run_cli (f, NULL, NULL, &err, args), ==, 1);
  g_assert_nonnull (strstr (err, "nobody@confab.test"));
}

static void
store_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ConfabHistoryOutcome outcome;
  gint64 row_id = 0;

  g_assert_true (confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (source), result,
                                                          &row_id, &outcome, &error));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, CONFAB_HISTORY_OUTCOME_STORED);
  *(gboolean *) user_data = TRUE;
}

/* Stores a message from alice to bob, pending, in the profile's history
 * at @path (as the app would before sending it). */
static void
store_pending_to_bob (const char *path,
                      const char *body,
                      const char *origin_id)
{
  g_autoptr(ConfabHistoryStore) store = NULL;
  gint64 account_id;
  gboolean done = FALSE;

  store = core_test_history_open (path, "alice@confab.test", &account_id);
  confab_history_store_add_outgoing_pending_async (store, account_id, "bob@confab.test",
                                                   CONFAB_HISTORY_KIND_CHAT, body, origin_id,
                                                   NULL, store_done, &done);
  g_assert_true (xmpp_test_wait_for (&done, 10));
}

static void
test_history_search (Fixture       *f,
                     gconstpointer  data)
{
  const char *history[] = { "history", "alice@confab.test", "bob@confab.test", NULL };
  const char *search[] = { "search", "findme", NULL };
  const char *search_none[] = { "search", "absentword", NULL };
  g_autofree char *path = g_build_filename (f->dir, "data", "confab", "confab.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *out3 = NULL;

  if (!in_session ())
    return;
  g_assert_cmpint (add_account (f, "alice", "secret-alice", server_port (), NULL), ==, 0);

  store_pending_to_bob (path, "findme \"quoted\"", "test-id-1");

  g_assert_cmpint (run_cli (f, NULL, &out, NULL, history), ==, 0);
  g_assert_true (g_str_has_prefix (out, "{\"peer\":\"bob@confab.test\",\"direction\":\"out\""));
  g_assert_nonnull (strstr (out, "\"body\":\"findme \\\"quoted\\\"\""));
  g_assert_nonnull (strstr (out, "\"origin_id\":\"test-id-1\""));
  g_assert_nonnull (strstr (out, "\"state\":\"pending\""));
  g_assert_cmpint (strchr (out, '\n') - out + 1, ==, strlen (out));

  g_assert_cmpint (run_cli (f, NULL, &out2, NULL, search), ==, 0);
  g_assert_nonnull (strstr (out2, "\"origin_id\":\"test-id-1\""));
  g_assert_cmpint (run_cli (f, NULL, &out3, NULL, search_none), ==, 0);
  g_assert_cmpstr (out3, ==, "");
}

/* The text export neutralizes terminal escapes from the network and keeps
 * multi-line bodies readable. */
static void
test_history_text (Fixture       *f,
                   gconstpointer  data)
{
  const char *history[] = { "history", "alice@confab.test", "bob@confab.test",
                            "--format", "text", NULL };
  const char *bad_format[] = { "history", "alice@confab.test", "bob@confab.test",
                               "--format", "xml", NULL };
  g_autofree char *path = g_build_filename (f->dir, "data", "confab", "confab.db", NULL);
  g_autofree char *out = NULL;

  if (!in_session ())
    return;
  g_assert_cmpint (add_account (f, "alice", "secret-alice", server_port (), NULL), ==, 0);
  store_pending_to_bob (path, "first line\n\033[31mred\033[0m", "text-id-1");

  g_assert_cmpint (run_cli (f, NULL, &out, NULL, history), ==, 0);
  g_assert_true (g_str_has_prefix (out, "["));
  g_assert_nonnull (strstr (out, "] alice@confab.test: first line\n    \xef\xbf\xbd[31mred"));
  g_assert_null (strchr (out, '\033'));
  g_assert_cmpint (run_cli (f, NULL, NULL, NULL, bad_format), ==, 1);
}

static void
roster_set_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_xmpp_roster_set_item_finish (CONFAB_XMPP_ROSTER (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_roster (Fixture       *f,
             gconstpointer  data)
{
  const char *roster[] = { "roster", "alice@confab.test", NULL };
  const char *groups[] = { "Friends", "Café \"club\"", NULL };
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabJid) bob = confab_jid_parse ("bob@confab.test", NULL);
  g_autofree char *out = NULL;
  gboolean done = FALSE;

  if (!in_session ())
    return;
  g_assert_cmpint (add_account (f, "alice", "secret-alice", server_port (), NULL), ==, 0);

  /* Alice's roster on the server gets bob, from another session. */
  stream = xmpp_test_stream_new ("alice", 0);
  confab_xmpp_add_standard_modules (stream);
  xmpp_test_connect_ok (stream);
  confab_xmpp_roster_set_item_async (CONFAB_XMPP_ROSTER (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_ROSTER)),
                                     bob, "Bob \"B\"", groups, NULL, roster_set_done, &done);
  g_assert_true (xmpp_test_wait_for (&done, 10));
  xmpp_test_close (stream);

  g_assert_cmpint (run_cli (f, NULL, &out, NULL, roster), ==, 0);
  /* Groups keep no order on the server: check the line's parts. */
  g_assert_true (g_str_has_prefix (out, "{\"jid\":\"bob@confab.test\",\"name\":\"Bob \\\"B\\\"\","
                                        "\"subscription\":\"none\",\"ask\":false,\"groups\":["));
  g_assert_nonnull (strstr (out, "\"Café \\\"club\\\"\""));
  g_assert_nonnull (strstr (out, "\"Friends\""));
  g_assert_true (g_str_has_suffix (out, "]}\n"));
  g_assert_cmpint (strchr (out, '\n') - out + 1, ==, strlen (out));
}

/* Adds carol with @password, through @port, then has her send "hi" to bob
 * (the test CA given on the command line). Returns the exit status. */
static int
carol_sends_hi (Fixture     *f,
                const char  *password,
                guint16      port,
                char       **err)
{
  const char *args[] = { "send", "carol@confab.test", "bob@confab.test", "hi",
                         "--ca-file", NULL, NULL };

  args[5] = confab_test_server_get_ca_file (xmpp_test_server ());
  g_assert_cmpint (add_account (f, "carol", password, port, NULL), ==, 0);
  return run_cli (f, NULL, NULL, err, args);
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *err = NULL;

  if (!in_session ())
    return;
  g_assert_cmpint (carol_sends_hi (f, "not-the-password", server_port (), &err), ==, 2);
  g_assert_true (g_str_has_prefix (err, "confab-cli: "));
  g_assert_cmpuint (strlen (err), >, strlen ("confab-cli: \n"));
}

/* account add --ca-file stores the file, and it is then the account's only
 * trust anchor: one without the test CA makes the server untrusted, with
 * no --ca-file on the command line. */
static void
test_stored_ca_file (Fixture       *f,
                     gconstpointer  data)
{
  const char *bad_add[] = { "account", "add", "carol@confab.test", "--ca-file", "/nonexistent/ca.pem", NULL };
  const char *send[] = { "send", "carol@confab.test", "bob@confab.test", "hi", NULL };
  const char *list[] = { "account", "list", NULL };
  const char *system_bundle = "/etc/ssl/certs/ca-certificates.crt";
  g_autofree char *port_text = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  if (!in_session ())
    return;

  /* An unusable file: a TLS error, nothing added. */
  g_assert_cmpint (run_cli (f, "secret-carol\n", NULL, NULL, bad_add), ==, 3);
  g_assert_cmpint (run_cli (f, NULL, &out, NULL, list), ==, 0);
  g_assert_cmpstr (out, ==, "");

  if (!g_file_test (system_bundle, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("No system CA bundle to use as a wrong CA");
      return;
    }
  port_text = g_strdup_printf ("%u", server_port ());
  {
    const char *add[] = { "account", "add", "carol@confab.test", "--host", "127.0.0.1",
                          "--port", port_text, "--ca-file", system_bundle, NULL };

    g_assert_cmpint (run_cli (f, "secret-carol\n", NULL, NULL, add), ==, 0);
  }
  g_assert_cmpint (run_cli (f, NULL, NULL, &err, send), ==, 3);
  g_assert_true (g_str_has_prefix (err, "confab-cli: "));
}

static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* Bind an ephemeral port, then free it: nothing listens there after. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
test_closed_port (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *err = NULL;

  if (!in_session ())
    return;
  g_assert_cmpint (carol_sends_hi (f, "secret-carol", closed_port (), &err), ==, 4);
  g_assert_true (g_str_has_prefix (err, "confab-cli: "));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  core_test_start_server_in_session ();

  g_test_add ("/cli/help", Fixture, NULL, fixture_set_up, test_help, fixture_tear_down);
  g_test_add ("/cli/usage-errors", Fixture, NULL, fixture_set_up, test_usage_errors, fixture_tear_down);
  g_test_add ("/cli/add-list", Fixture, NULL, fixture_set_up, test_add_list, fixture_tear_down);
  g_test_add ("/cli/send-listen", Fixture, NULL, fixture_set_up, test_send_listen, fixture_tear_down);
  g_test_add ("/cli/escaping", Fixture, NULL, fixture_set_up, test_escaping, fixture_tear_down);
  g_test_add ("/cli/listen-timeout", Fixture, NULL, fixture_set_up, test_listen_timeout, fixture_tear_down);
  g_test_add ("/cli/unknown-account", Fixture, NULL, fixture_set_up, test_unknown_account, fixture_tear_down);
  g_test_add ("/cli/history-search", Fixture, NULL, fixture_set_up, test_history_search, fixture_tear_down);
  g_test_add ("/cli/history-text", Fixture, NULL, fixture_set_up, test_history_text, fixture_tear_down);
  g_test_add ("/cli/roster", Fixture, NULL, fixture_set_up, test_roster, fixture_tear_down);
  g_test_add ("/cli/wrong-password", Fixture, NULL, fixture_set_up, test_wrong_password, fixture_tear_down);
  g_test_add ("/cli/closed-port", Fixture, NULL, fixture_set_up, test_closed_port, fixture_tear_down);
  g_test_add ("/cli/stored-ca-file", Fixture, NULL, fixture_set_up, test_stored_ca_file, fixture_tear_down);

  return core_test_run ();
}
