/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * confab-cli: manage Confab accounts and send or receive messages from the
 * command line, using the same profile (database and keyring) as the app.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>

#include "confab-account-manager.h"
#include "confab-account-sync.h"
#include "confab-core-error.h"
#include "confab-history-store.h"
#include "confab-secret-store.h"
#include "confab-xmpp-error.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"
#include "confab-xmpp-reconnector.h"
#include "confab-xmpp-roster.h"
#include "confab-xmpp-stream.h"

enum {
  EXIT_OK       = 0,
  EXIT_USAGE    = 1,
  EXIT_AUTH     = 2,
  EXIT_TLS      = 3,
  EXIT_NETWORK  = 4,
  EXIT_PROTOCOL = 5,
  EXIT_KEYRING  = 6,
  EXIT_OTHER    = 7,
};

#define EXIT_STATUS_HELP \
  "Exit status:\n" \
  "  0  success\n" \
  "  1  usage error (bad command, option or argument)\n" \
  "  2  authentication failed (SASL)\n" \
  "  3  TLS or certificate problem\n" \
  "  4  network problem (unreachable, refused, timeout, connection lost)\n" \
  "  5  stream error or protocol violation\n" \
  "  6  keyring problem (no Secret Service, locked, no password stored)\n" \
  "  7  other error\n"

#define CA_FILE_HELP \
  "account add --ca-file stores the file with the account: send and listen\n" \
  "then trust only it (and certificates pinned in the app). With send and\n" \
  "listen, --ca-file trusts only that file for this connection instead.\n"

#define DEFAULT_TIMEOUT 30

/* ---- Helpers ------------------------------------------------------------ */

static int
exit_status_for_error (const GError *error)
{
  if (error == NULL)
    return EXIT_OTHER;

  if (error->domain == CONFAB_XMPP_SASL_ERROR)
    return EXIT_AUTH;

  if (error->domain == CONFAB_XMPP_ERROR)
    {
      switch ((ConfabXmppError) error->code)
        {
        case CONFAB_XMPP_ERROR_NO_MECHANISM:
        case CONFAB_XMPP_ERROR_AUTH_DOWNGRADE:
        case CONFAB_XMPP_ERROR_AUTH_SERVER:
        case CONFAB_XMPP_ERROR_AUTH_PARAMETERS:
          return EXIT_AUTH;
        case CONFAB_XMPP_ERROR_TLS:
        case CONFAB_XMPP_ERROR_TLS_UNAVAILABLE:
        case CONFAB_XMPP_ERROR_CERTIFICATE:
          return EXIT_TLS;
        case CONFAB_XMPP_ERROR_HOST_NOT_FOUND:
        case CONFAB_XMPP_ERROR_CONNECTION_REFUSED:
        case CONFAB_XMPP_ERROR_NETWORK:
        case CONFAB_XMPP_ERROR_TIMEOUT:
          return EXIT_NETWORK;
        case CONFAB_XMPP_ERROR_BIND:
        case CONFAB_XMPP_ERROR_PROTOCOL:
        case CONFAB_XMPP_ERROR_CLOSED:
        case CONFAB_XMPP_ERROR_RESUME_FAILED:
        case CONFAB_XMPP_ERROR_NOT_CONNECTED:
          return EXIT_PROTOCOL;
        case CONFAB_XMPP_ERROR_INVALID_JID:
          return EXIT_USAGE;
        default:
          return EXIT_OTHER;
        }
    }

  if (error->domain == CONFAB_XMPP_STREAM_ERROR)
    return EXIT_PROTOCOL;

  if (error->domain == G_TLS_ERROR)
    return EXIT_TLS;

  if (error->domain == G_RESOLVER_ERROR)
    return EXIT_NETWORK;

  if (error->domain == G_IO_ERROR)
    {
      if (error->code == G_IO_ERROR_CANCELLED)
        return EXIT_OTHER;
      return EXIT_NETWORK;
    }

  if (error->domain == CONFAB_CORE_ERROR)
    {
      switch (error->code)
        {
        case CONFAB_CORE_ERROR_KEYRING_UNAVAILABLE:
        case CONFAB_CORE_ERROR_KEYRING_LOCKED:
          return EXIT_KEYRING;
        case CONFAB_CORE_ERROR_INVALID:
          return EXIT_USAGE;
        default:
          return EXIT_OTHER;
        }
    }

  return EXIT_OTHER;
}

static int
fail (const GError *error,
      int           status)
{
  g_printerr ("confab-cli: %s\n", error != NULL ? error->message : "unknown error");
  return status;
}

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_printerr ("confab-cli: %s\n", message);
  if (context != NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
    }
  return EXIT_USAGE;
}

/* Appends @text as a JSON string (quotes included). @text must be valid
 * UTF-8; anything else is replaced, so the output always stays valid. */
static void
json_append_string (GString    *out,
                    const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  valid = g_utf8_make_valid (text, -1);
  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

static void
json_member (GString    *out,
             const char *name,
             const char *value)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  json_append_string (out, name);
  g_string_append_c (out, ':');
  json_append_string (out, value);
}

static void
json_member_bool (GString    *out,
                  const char *name,
                  gboolean    value)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  json_append_string (out, name);
  g_string_append_printf (out, ":%s", value ? "true" : "false");
}

static char *
profile_database_path (GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "confab", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create %s: %s", dir, g_strerror (saved));
      return NULL;
    }
  return g_build_filename (dir, "confab.db", NULL);
}

/* Reads one line (the password) from @path, or stdin when @path is NULL.
 * The trailing newline is dropped. Returns NULL with @error set. */
static char *
read_password (const char  *path,
               GError     **error)
{
  GString *line = g_string_new (NULL);
  FILE *file = stdin;
  int c;

  if (path != NULL)
    {
      file = g_fopen (path, "r");
      if (file == NULL)
        {
          int saved = errno;

          g_string_free (line, TRUE);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Cannot open %s: %s", path, g_strerror (saved));
          return NULL;
        }
    }

  /* On a terminal: prompt, and do not echo what is typed. */
  if (path == NULL && isatty (STDIN_FILENO))
    {
      struct termios saved_attrs;

      if (tcgetattr (STDIN_FILENO, &saved_attrs) == 0)
        {
          struct termios attrs = saved_attrs;

          attrs.c_lflag &= ~(tcflag_t) ECHO;
          g_printerr ("Password: ");
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &attrs);
          while ((c = fgetc (file)) != EOF && c != '\n')
            g_string_append_c (line, (char) c);
          tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_attrs);
          g_printerr ("\n");
          goto done;
        }
    }

  while ((c = fgetc (file)) != EOF && c != '\n')
    g_string_append_c (line, (char) c);
  if (path != NULL)
    fclose (file);

done:

  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);

  if (line->len == 0 || !g_utf8_validate (line->str, line->len, NULL))
    {
      memset (line->str, 0, line->allocated_len);
      g_string_free (line, TRUE);
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                   "The password is empty or not UTF-8");
      return NULL;
    }
  return g_string_free (line, FALSE);
}

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    {
      memset (secret, 0, strlen (secret));
      g_free (secret);
    }
}

/* ---- Running async operations to completion ---------------------------- */

typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Waiter;

static void
waiter_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  g_main_loop_quit (waiter->loop);
}

static GAsyncResult *
waiter_run (Waiter *waiter)
{
  if (waiter->result == NULL)
    g_main_loop_run (waiter->loop);
  return waiter->result;
}

static void
waiter_clear (Waiter *waiter)
{
  g_clear_object (&waiter->result);
  g_clear_pointer (&waiter->loop, g_main_loop_unref);
}

/* ---- Profile ------------------------------------------------------------ */

typedef struct {
  ConfabDatabase       *db;
  ConfabSecretStore    *secrets;
  ConfabAccountManager *manager;
  ConfabHistoryStore   *history;   /* only for sessions */
} Profile;

static void
profile_clear (Profile *profile)
{
  /* The accounts (and their syncs) go first, then the store they use. */
  g_clear_object (&profile->manager);
  g_clear_object (&profile->history);
  g_clear_object (&profile->secrets);
  g_clear_object (&profile->db);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Profile, profile_clear)

/* With @with_history, each account gets its history sync, as in the app. */
static gboolean
profile_open_full (Profile       *profile,
                   gboolean       with_history,
                   GError       **error)
{
  g_autofree char *path = profile_database_path (error);

  if (path == NULL)
    return FALSE;
  profile->db = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, error);
  if (profile->db == NULL)
    return FALSE;
  profile->secrets = confab_secret_store_new ();
  profile->manager = confab_account_manager_new (profile->db, profile->secrets);
  if (with_history)
    {
      profile->history = confab_history_store_new (path, error);
      if (profile->history == NULL)
        return FALSE;
      confab_account_manager_set_history_store (profile->manager, profile->history);
    }
  return confab_account_manager_load (profile->manager, error);
}

static gboolean
profile_open (Profile       *profile,
              GError       **error)
{
  return profile_open_full (profile, FALSE, error);
}

static GTlsDatabase *
load_ca_file (const char  *ca_file,
              GError     **error)
{
  if (ca_file == NULL)
    return NULL;
  return g_tls_file_database_new (ca_file, error);
}

/* ---- account ------------------------------------------------------------ */

static const char *account_summary =
  "Commands:\n"
  "  list                  list accounts (JID, enabled, host:port)\n"
  "  add JID               add an account; the password is read from stdin\n"
  "                        (one line) or from --password-file, never from\n"
  "                        the command line\n"
  "  remove JID            remove an account and its stored password\n"
  "  enable JID            enable an account\n"
  "  disable JID           disable an account";

static int
account_list (void)
{
  g_auto(Profile) profile = { 0 };
  g_autoptr(GError) error = NULL;
  GListModel *model;
  guint n;

  if (!profile_open (&profile, &error))
    return fail (error, exit_status_for_error (error));

  model = G_LIST_MODEL (profile.manager);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (model, i);
      const char *host = confab_account_get_host (account);
      guint port = confab_account_get_port (account);

      g_print ("%s\t%s\t%s:%u%s\n",
               confab_jid_get_bare_string (confab_account_get_jid (account)),
               confab_account_get_enabled (account) ? "enabled" : "disabled",
               host != NULL ? host : "(dns)",
               port,
               confab_account_get_direct_tls (account) ? "\tdirect-tls" : "");
    }
  return EXIT_OK;
}

static int
account_add (const char *jid,
             const char *host,
             int         port,
             gboolean    direct_tls,
             const char *ca_file,
             const char *password_file)
{
  g_auto(Profile) profile = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) tls = NULL;
  g_autoptr(ConfabAccount) account = NULL;
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };
  char *password;
  int status = EXIT_OK;

  if (ca_file != NULL)
    {
      tls = load_ca_file (ca_file, &error);
      if (tls == NULL)
        return fail (error, EXIT_TLS);
    }

  password = read_password (password_file, &error);
  if (password == NULL)
    {
      waiter_clear (&waiter);
      return fail (error, EXIT_USAGE);
    }

  if (!profile_open (&profile, &error))
    {
      wipe_free (password);
      waiter_clear (&waiter);
      return fail (error, exit_status_for_error (error));
    }

  /* The CA file is stored with the account: send and listen then trust
   * only it. */
  confab_account_manager_add_async (profile.manager, jid, password, host,
                                    (guint16) port, direct_tls, ca_file, TRUE, NULL,
                                    waiter_done, &waiter);
  wipe_free (password);
  account = confab_account_manager_add_finish (profile.manager, waiter_run (&waiter), &error);
  if (account == NULL)
    {
      if (g_error_matches (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_DUPLICATE))
        status = fail (error, EXIT_USAGE);
      else
        status = fail (error, exit_status_for_error (error));
    }
  else
    {
      /* The manager starts connecting enabled accounts; we only add. */
      confab_account_disconnect (account);
      g_print ("Added %s\n", confab_jid_get_bare_string (confab_account_get_jid (account)));
    }
  waiter_clear (&waiter);
  return status;
}

static ConfabAccount *
lookup_account (Profile     *profile,
                const char  *jid,
                GError     **error)
{
  g_autoptr(ConfabJid) parsed = confab_jid_parse (jid, NULL);
  ConfabAccount *account;

  if (parsed == NULL)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                   "“%s” is not a valid JID", jid);
      return NULL;
    }
  account = confab_account_manager_lookup (profile->manager,
                                           confab_jid_get_bare_string (parsed));
  if (account == NULL)
    g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND,
                 "No account %s", confab_jid_get_bare_string (parsed));
  return account;
}

static int
account_remove (const char *jid)
{
  g_auto(Profile) profile = { 0 };
  g_autoptr(GError) error = NULL;
  Waiter waiter = { NULL, NULL };
  ConfabAccount *account;
  int status = EXIT_OK;

  if (!profile_open (&profile, &error))
    return fail (error, exit_status_for_error (error));
  account = lookup_account (&profile, jid, &error);
  if (account == NULL)
    return fail (error, EXIT_USAGE);

  waiter.loop = g_main_loop_new (NULL, FALSE);
  confab_account_manager_remove_async (profile.manager, account, NULL, waiter_done, &waiter);
  if (!confab_account_manager_remove_finish (profile.manager, waiter_run (&waiter), &error))
    status = fail (error, exit_status_for_error (error));
  waiter_clear (&waiter);
  return status;
}

static int
account_set_enabled (const char *jid,
                     gboolean    enabled)
{
  g_auto(Profile) profile = { 0 };
  g_autoptr(GError) error = NULL;
  ConfabAccount *account;

  if (!profile_open (&profile, &error))
    return fail (error, exit_status_for_error (error));
  account = lookup_account (&profile, jid, &error);
  if (account == NULL)
    return fail (error, EXIT_USAGE);
  if (!confab_account_manager_set_enabled (profile.manager, account, enabled, &error))
    return fail (error, exit_status_for_error (error));
  if (enabled)
    confab_account_disconnect (account);
  return EXIT_OK;
}

static int
cmd_account (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *password_file = NULL;
  int port = 0;
  gboolean direct_tls = FALSE;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "add: server host (default: from DNS)", "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "add: server port (default: from DNS)", "PORT" },
    { "direct-tls", 0, 0, G_OPTION_ARG_NONE, &direct_tls, "add: TLS from the start (XEP-0368) instead of STARTTLS", NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "add: trust only the CA certificates in FILE for this account (stored)", "FILE" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, "add: read the password from the first line of FILE instead of stdin", "FILE" },
    { NULL }
  };
  const char *sub;

  context = g_option_context_new ("account list | add JID | remove JID | enable JID | disable JID");
  g_option_context_set_summary (context, account_summary);
  g_option_context_set_description (context, CA_FILE_HELP "\n" EXIT_STATUS_HELP);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (NULL, error->message);

  if (argc < 2)
    return usage_error (context, "account: missing subcommand");
  sub = argv[1];

  if (port < 0 || port > 65535)
    return usage_error (NULL, "account: --port must be between 0 and 65535");

  if (g_strcmp0 (sub, "list") == 0)
    {
      if (argc != 2)
        return usage_error (context, "account list: takes no arguments");
      return account_list ();
    }

  if (argc != 3)
    return usage_error (context, "account: expected exactly one JID (passwords are never accepted as arguments)");

  if (g_strcmp0 (sub, "add") == 0)
    return account_add (argv[2], host, port, direct_tls, ca_file, password_file);
  if (g_strcmp0 (sub, "remove") == 0)
    return account_remove (argv[2]);
  if (g_strcmp0 (sub, "enable") == 0)
    return account_set_enabled (argv[2], TRUE);
  if (g_strcmp0 (sub, "disable") == 0)
    return account_set_enabled (argv[2], FALSE);

  return usage_error (context, "account: unknown subcommand");
}

/* ---- Sessions (send, listen) -------------------------------------------- */

typedef struct {
  GMainLoop        *loop;
  ConfabXmppStream *stream;
  GError           *error;        /* why the session ended abnormally */
  int               status;
  gboolean          finished;
  /* send */
  char             *sent_id;
  /* listen */
  int               count;
  int               printed;
  guint             timeout_id;
} Session;

static void
session_finish (Session *session,
                int      status,
                GError  *error)
{
  if (session->finished)
    {
      g_clear_error (&error);
      return;
    }
  session->finished = TRUE;
  session->status = status;
  session->error = error;
  g_main_loop_quit (session->loop);
}

static void
on_connection_lost (ConfabXmppStream *stream,
                    GError           *error,
                    gpointer          user_data)
{
  Session *session = user_data;

  session_finish (session,
                  error != NULL ? exit_status_for_error (error) : EXIT_NETWORK,
                  error != NULL ? g_error_copy (error)
                                : g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NETWORK,
                                               "The connection was lost"));
}

static void
on_closed (ConfabXmppStream *stream,
           GError           *error,
           gpointer          user_data)
{
  Session *session = user_data;

  if (error != NULL)
    session_finish (session, exit_status_for_error (error), g_error_copy (error));
  else
    session_finish (session, EXIT_PROTOCOL,
                    g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CLOSED,
                                 "The server closed the stream"));
}

static gboolean
on_listen_timeout (gpointer user_data)
{
  Session *session = user_data;

  /* Reaching --timeout is a normal end for listen. */
  session->timeout_id = 0;
  session_finish (session, EXIT_OK, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
on_send_timeout (gpointer user_data)
{
  Session *session = user_data;

  session->timeout_id = 0;
  session_finish (session, EXIT_NETWORK,
                  g_error_new (CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_TIMEOUT,
                               "The server did not acknowledge the message in time"));
  return G_SOURCE_REMOVE;
}

/* Connects the account @jid of @profile: its settings, stored CA file and
 * pinned certificates from the profile, its password from the keyring,
 * @ca_file (if any) instead as the only trust anchor. The stream and the
 * history sync are the account's own (the profile must outlive them). */
static ConfabXmppStream *
session_connect (Profile            *profile,
                 const char         *jid,
                 const char         *ca_file,
                 guint               timeout,
                 ConfabAccountSync **sync_out,
                 int                *status,
                 GError            **error)
{
  g_autoptr(GTlsDatabase) tls = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  Waiter waiter = { NULL, NULL };
  ConfabAccount *account;
  const char *host;
  char *password;
  gboolean ok;

  if (ca_file != NULL)
    {
      tls = load_ca_file (ca_file, error);
      if (tls == NULL)
        {
          *status = EXIT_TLS;
          return NULL;
        }
    }

  if (!profile_open_full (profile, TRUE, error))
    {
      *status = exit_status_for_error (*error);
      return NULL;
    }
  account = lookup_account (profile, jid, error);
  if (account == NULL)
    {
      *status = EXIT_USAGE;
      return NULL;
    }

  waiter.loop = g_main_loop_new (NULL, FALSE);
  confab_secret_store_lookup_async (profile->secrets,
                                    confab_jid_get_bare_string (confab_account_get_jid (account)),
                                    NULL, waiter_done, &waiter);
  password = confab_secret_store_lookup_finish (profile->secrets, waiter_run (&waiter), error);
  waiter_clear (&waiter);
  if (password == NULL)
    {
      /* Without a stored password there is nothing to connect with: it is
       * a keyring problem either way. */
      *status = EXIT_KEYRING;
      return NULL;
    }

  /* The account's stream carries its pins and stored CA file; its sync
   * stores everything received before the server hears it arrived, and
   * everything sent as pending first (ARCHITECTURE.md), exactly as in the
   * app (it sees the session start: MAM catch-up, resend of pending). */
  stream = g_object_ref (confab_account_get_stream (account));
  host = confab_account_get_host (account);
  if (host != NULL)
    confab_xmpp_stream_set_host (stream, host, (guint16) confab_account_get_port (account));
  confab_xmpp_stream_set_direct_tls (stream, confab_account_get_direct_tls (account));
  if (tls != NULL)
    confab_xmpp_stream_set_tls_database (stream, tls);
  else if (!confab_account_prepare_tls (account, error))
    {
      /* A stored CA file that cannot be used: never the system's anchors. */
      g_clear_object (sync_out);
      *status = EXIT_TLS;
      return NULL;
    }
  confab_xmpp_stream_set_connect_timeout (stream, timeout);
  g_assert (confab_account_get_sync (account) != NULL);
  *sync_out = g_object_ref (confab_account_get_sync (account));

  waiter.loop = g_main_loop_new (NULL, FALSE);
  confab_xmpp_stream_connect_async (stream, password, NULL, waiter_done, &waiter);
  confab_secret_free (password);
  ok = confab_xmpp_stream_connect_finish (stream, waiter_run (&waiter), error);
  waiter_clear (&waiter);
  if (!ok)
    {
      g_clear_object (sync_out);
      *status = exit_status_for_error (*error);
      return NULL;
    }
  return g_steal_pointer (&stream);
}

/* Lets the history writer finish what the session handed it (bounded). */
static void
session_drain (ConfabAccountSync *sync)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (confab_account_sync_get_held_count (sync) > 0 && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static void
session_close (ConfabXmppStream *stream)
{
  Waiter waiter = { g_main_loop_new (NULL, FALSE), NULL };

  if (confab_xmpp_stream_get_state (stream) != CONFAB_XMPP_STREAM_STATE_BOUND)
    {
      waiter_clear (&waiter);
      return;
    }
  confab_xmpp_stream_close_async (stream, NULL, waiter_done, &waiter);
  confab_xmpp_stream_close_finish (stream, waiter_run (&waiter), NULL);
  waiter_clear (&waiter);
}

/* ---- send --------------------------------------------------------------- */

static void
on_stanza_acked (ConfabXmppStream *stream,
                 const char       *id,
                 gpointer          user_data)
{
  Session *session = user_data;

  if (session->sent_id != NULL && g_strcmp0 (id, session->sent_id) == 0)
    session_finish (session, EXIT_OK, NULL);
}

/* Without XEP-0198 there is no ack: the server answering a ping sent after
 * the message proves it processed the message (one stream is in order). */
static void
on_ping_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Session *session = user_data;
  g_autoptr(ConfabXmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = confab_xmpp_stream_send_iq_finish (CONFAB_XMPP_STREAM (source), result, &error);
  if (reply != NULL || error->domain == CONFAB_XMPP_STANZA_ERROR)
    {
      /* An error reply (e.g. no ping support) is still an answer, unless
       * no answer came at all. */
      if (reply == NULL && error->code == CONFAB_XMPP_STANZA_ERROR_TIMEOUT)
        session_finish (session, EXIT_NETWORK, g_steal_pointer (&error));
      else
        session_finish (session, EXIT_OK, NULL);
    }
  else
    {
      session_finish (session, exit_status_for_error (error), g_steal_pointer (&error));
    }
}

static int
cmd_send (int    argc,
          char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabAccountSync) sync = NULL;
  g_autoptr(ConfabJid) to = NULL;
  g_autofree char *ca_file = NULL;
  g_auto(Profile) profile = { 0 };
  int timeout = DEFAULT_TIMEOUT;
  Session session = { 0 };
  int status = EXIT_OK;
  const GOptionEntry entries[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Trust only the CA certificates in FILE", "FILE" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Give up after SECONDS (default 30)", "SECONDS" },
    { NULL }
  };

  context = g_option_context_new ("send JID_FROM TO TEXT");
  g_option_context_set_summary (context,
                                "Connects the account JID_FROM, sends TEXT as a chat message to TO,\n"
                                "waits until the server acknowledged it (XEP-0198) and disconnects.");
  g_option_context_set_description (context, CA_FILE_HELP "\n" EXIT_STATUS_HELP);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (NULL, error->message);
  if (argc != 4)
    return usage_error (context, "send: expected JID_FROM TO TEXT");
  if (timeout <= 0)
    return usage_error (NULL, "send: --timeout must be positive");
  to = confab_jid_parse (argv[2], NULL);
  if (to == NULL)
    return usage_error (NULL, "send: TO is not a valid JID");
  if (!g_utf8_validate (argv[3], -1, NULL) || argv[3][0] == '\0')
    return usage_error (NULL, "send: TEXT must be non-empty UTF-8");

  stream = session_connect (&profile, argv[1], ca_file, (guint) timeout, &sync, &status, &error);
  if (stream == NULL)
    return fail (error, status);

  session.loop = g_main_loop_new (NULL, FALSE);
  session.stream = stream;
  g_signal_connect (stream, "stanza-acked", G_CALLBACK (on_stanza_acked), &session);
  g_signal_connect (stream, "connection-lost", G_CALLBACK (on_connection_lost), &session);
  g_signal_connect (stream, "closed", G_CALLBACK (on_closed), &session);
  session.timeout_id = g_timeout_add_seconds ((guint) timeout, on_send_timeout, &session);

  /* Stored as pending first, then sent with that id (resent if need be). */
  session.sent_id = confab_account_sync_send_chat (sync, confab_jid_get_bare_string (to), argv[3]);
  if (!confab_xmpp_stream_has_stream_feature (stream, "sm", "urn:xmpp:sm:3"))
    {
      g_autoptr(ConfabXmppNode) ping = confab_xmpp_node_new ("iq", NULL);
      ConfabJid *own = confab_xmpp_stream_get_jid (stream);

      confab_xmpp_node_set_attr (ping, "type", "get");
      confab_xmpp_node_set_attr (ping, "to", confab_jid_get_domain (own));
      confab_xmpp_node_add_child (ping, "ping", "urn:xmpp:ping");
      confab_xmpp_stream_send_iq_async (stream, ping, (guint) timeout, NULL,
                                        on_ping_done, &session);
    }
  if (!session.finished)
    g_main_loop_run (session.loop);

  g_clear_handle_id (&session.timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (stream, &session);
  session_drain (sync);
  session_close (stream);

  status = session.status;
  if (status != EXIT_OK)
    fail (session.error, status);
  g_clear_error (&session.error);
  g_free (session.sent_id);
  g_main_loop_unref (session.loop);
  return status;
}

/* ---- listen ------------------------------------------------------------- */

static void
emit_event (Session *session,
            GString *json)
{
  g_string_append_c (json, '}');
  fputs (json->str, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  g_string_free (json, TRUE);

  session->printed++;
  if (session->count > 0 && session->printed >= session->count)
    session_finish (session, EXIT_OK, NULL);
}

static GString *
event_begin (Session           *session,
             const char        *type,
             ConfabXmppMessage *message)
{
  GString *json = g_string_new ("{");

  json_member (json, "type", type);
  if (message != NULL)
    {
      json_member (json, "from", confab_jid_to_string (confab_xmpp_message_get_from (message)));
      json_member (json, "id", confab_xmpp_message_get_id (message));
      json_member (json, "stanza_id", confab_xmpp_message_get_stanza_id (message));
    }
  return json;
}

static void
on_message_received (ConfabXmppMessages *messages,
                     ConfabXmppMessage  *message,
                     gboolean            is_carbon,
                     gboolean            is_sent_carbon,
                     gpointer            user_data)
{
  Session *session = user_data;
  GString *json;

  if (session->finished)
    return;
  json = event_begin (session, "message", message);
  json_member (json, "body", confab_xmpp_message_get_body (message));
  json_member_bool (json, "carbon", is_carbon);
  json_member_bool (json, "sent_carbon", is_sent_carbon);
  emit_event (session, json);
}

static void
on_receipt_received (ConfabXmppMessages *messages,
                     ConfabXmppMessage  *message,
                     const char         *id,
                     gpointer            user_data)
{
  Session *session = user_data;
  GString *json;

  if (session->finished)
    return;
  json = event_begin (session, "receipt", message);
  json_member (json, "receipt_id", id);
  emit_event (session, json);
}

static void
on_correction_received (ConfabXmppMessages *messages,
                        ConfabXmppMessage  *message,
                        const char         *replace_id,
                        gboolean            verified,
                        gpointer            user_data)
{
  Session *session = user_data;
  GString *json;

  /* Only an edit by the author of a message seen here counts as accepted;
   * the history store checks the others against the stored author. */
  if (session->finished || !verified)
    return;
  json = event_begin (session, "correction", message);
  json_member (json, "replace_id", replace_id);
  json_member (json, "body", confab_xmpp_message_get_body (message));
  json_member_bool (json, "verified", verified);
  emit_event (session, json);
}

static void
on_retraction_received (ConfabXmppMessages *messages,
                        ConfabXmppMessage  *message,
                        const char         *retract_id,
                        gboolean            verified,
                        gpointer            user_data)
{
  Session *session = user_data;
  GString *json;

  /* Only an edit by the author of a message seen here counts as accepted;
   * the history store checks the others against the stored author. */
  if (session->finished || !verified)
    return;
  json = event_begin (session, "retraction", message);
  json_member (json, "retract_id", retract_id);
  json_member_bool (json, "verified", verified);
  emit_event (session, json);
}

static void
on_reaction_received (ConfabXmppMessages *messages,
                      ConfabXmppMessage  *message,
                      const char         *id,
                      const char * const *reactions,
                      gpointer            user_data)
{
  Session *session = user_data;
  GString *json;

  if (session->finished)
    return;
  json = event_begin (session, "reaction", message);
  json_member (json, "reacted_id", id);
  g_string_append (json, ",\"reactions\":[");
  for (guint i = 0; reactions != NULL && reactions[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      json_append_string (json, reactions[i]);
    }
  g_string_append_c (json, ']');
  emit_event (session, json);
}

static void
on_roster_item_changed (ConfabXmppRoster     *roster,
                        ConfabXmppRosterItem *item,
                        const char           *version,
                        gpointer              user_data)
{
  Session *session = user_data;
  GString *json;

  if (session->finished)
    return;
  json = event_begin (session, "roster", NULL);
  json_member (json, "jid", confab_jid_to_string (confab_xmpp_roster_item_get_jid (item)));
  json_member (json, "name", confab_xmpp_roster_item_get_name (item));
  json_member (json, "subscription",
               confab_xmpp_subscription_to_string (confab_xmpp_roster_item_get_subscription (item)));
  emit_event (session, json);
}

static void
on_presence_changed (ConfabXmppPresence     *presence,
                     ConfabXmppPresenceInfo *info,
                     gpointer                user_data)
{
  Session *session = user_data;
  ConfabJid *bound = confab_xmpp_stream_get_bound_jid (session->stream);
  ConfabJid *jid = confab_xmpp_presence_info_get_jid (info);
  GString *json;

  if (session->finished)
    return;
  /* The server echoes our own presence back: not an event. */
  if (bound != NULL && confab_jid_equal (jid, bound))
    return;
  json = event_begin (session, "presence", NULL);
  json_member (json, "from", confab_jid_to_string (jid));
  json_member_bool (json, "available", confab_xmpp_presence_info_get_available (info));
  json_member (json, "show",
               confab_xmpp_presence_show_to_string (confab_xmpp_presence_info_get_show (info)));
  json_member (json, "status", confab_xmpp_presence_info_get_status (info));
  emit_event (session, json);
}

static int
cmd_listen (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabAccountSync) sync = NULL;
  g_autofree char *ca_file = NULL;
  g_auto(Profile) profile = { 0 };
  int timeout = 0;
  int count = 0;
  Session session = { 0 };
  ConfabXmppModule *module;
  int status = EXIT_OK;
  const GOptionEntry entries[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Trust only the CA certificates in FILE", "FILE" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Stop after N events (default: never)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Stop after SECONDS, exit status 0 (default: never)", "SECONDS" },
    { NULL }
  };

  context = g_option_context_new ("listen JID");
  g_option_context_set_summary (context,
                                "Connects the account JID, sends presence and prints each event as\n"
                                "one line of JSON with a \"type\" of message, correction, retraction,\n"
                                "reaction, receipt, roster or presence, plus sender, ids and text.\n"
                                "A line \"listening as FULL_JID\" on stderr says when it is ready.");
  g_option_context_set_description (context, CA_FILE_HELP "\n" EXIT_STATUS_HELP);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (NULL, error->message);
  if (argc != 2)
    return usage_error (context, "listen: expected JID");
  if (count < 0 || timeout < 0)
    return usage_error (NULL, "listen: --count and --timeout must not be negative");

  stream = session_connect (&profile, argv[1], ca_file,
                            timeout > 0 ? (guint) timeout : DEFAULT_TIMEOUT,
                            &sync, &status, &error);
  if (stream == NULL)
    return fail (error, status);

  session.loop = g_main_loop_new (NULL, FALSE);
  session.stream = stream;
  session.count = count;
  g_signal_connect (stream, "connection-lost", G_CALLBACK (on_connection_lost), &session);
  g_signal_connect (stream, "closed", G_CALLBACK (on_closed), &session);

  module = confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES);
  g_signal_connect (module, "message-received", G_CALLBACK (on_message_received), &session);
  g_signal_connect (module, "receipt-received", G_CALLBACK (on_receipt_received), &session);
  g_signal_connect (module, "correction-received", G_CALLBACK (on_correction_received), &session);
  g_signal_connect (module, "retraction-received", G_CALLBACK (on_retraction_received), &session);
  g_signal_connect (module, "reaction-received", G_CALLBACK (on_reaction_received), &session);
  module = confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_ROSTER);
  if (module != NULL)
    g_signal_connect (module, "item-changed", G_CALLBACK (on_roster_item_changed), &session);
  module = confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_PRESENCE);
  /* The account sent our initial presence when the session started. */
  if (module != NULL)
    g_signal_connect (module, "presence-changed", G_CALLBACK (on_presence_changed), &session);

  g_printerr ("listening as %s\n",
              confab_jid_to_string (confab_xmpp_stream_get_bound_jid (stream)));

  if (timeout > 0)
    session.timeout_id = g_timeout_add_seconds ((guint) timeout, on_listen_timeout, &session);
  g_main_loop_run (session.loop);

  g_clear_handle_id (&session.timeout_id, g_source_remove);

  g_signal_handlers_disconnect_by_data (stream, &session);
  module = confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_MESSAGES);
  g_signal_handlers_disconnect_by_data (module, &session);
  module = confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_ROSTER);
  if (module != NULL)
    g_signal_handlers_disconnect_by_data (module, &session);
  module = confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_PRESENCE);
  if (module != NULL)
    g_signal_handlers_disconnect_by_data (module, &session);
  session_drain (sync);
  session_close (stream);

  status = session.status;
  if (status != EXIT_OK)
    fail (session.error, status);
  g_clear_error (&session.error);
  g_main_loop_unref (session.loop);
  return status;
}

/* ---- roster ----------------------------------------------------------- */

static int
compare_roster_items (gconstpointer a,
                      gconstpointer b)
{
  ConfabXmppRosterItem *item_a = *(ConfabXmppRosterItem **) a;
  ConfabXmppRosterItem *item_b = *(ConfabXmppRosterItem **) b;

  return g_strcmp0 (confab_jid_to_string (confab_xmpp_roster_item_get_jid (item_a)),
                    confab_jid_to_string (confab_xmpp_roster_item_get_jid (item_b)));
}

static void
print_roster_item (ConfabXmppRosterItem *item)
{
  const char * const *groups = confab_xmpp_roster_item_get_groups (item);
  GString *json = g_string_new ("{");

  json_member (json, "jid", confab_jid_to_string (confab_xmpp_roster_item_get_jid (item)));
  json_member (json, "name", confab_xmpp_roster_item_get_name (item));
  json_member (json, "subscription",
               confab_xmpp_subscription_to_string (confab_xmpp_roster_item_get_subscription (item)));
  json_member_bool (json, "ask", confab_xmpp_roster_item_get_ask_subscribe (item));
  g_string_append (json, ",");
  json_append_string (json, "groups");
  g_string_append (json, ":[");
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      json_append_string (json, groups[i]);
    }
  g_string_append (json, "]}");
  g_print ("%s\n", json->str);
  g_string_free (json, TRUE);
}

static int
cmd_roster (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppStream) stream = NULL;
  g_autoptr(ConfabAccountSync) sync = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *version = NULL;
  g_auto(Profile) profile = { 0 };
  Waiter waiter = { NULL, NULL };
  ConfabXmppRoster *roster;
  int status = EXIT_OK;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "Trust only the CA certificates in FILE", "FILE" },
    { NULL }
  };

  context = g_option_context_new ("roster JID");
  g_option_context_set_summary (context,
                                "Connects the account JID and prints its roster (RFC 6121 §2), one\n"
                                "JSON object per contact sorted by JID: jid, name, subscription,\n"
                                "ask (our request is pending) and groups.");
  g_option_context_set_description (context, CA_FILE_HELP "\n" EXIT_STATUS_HELP);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (NULL, error->message);
  if (argc != 2)
    return usage_error (context, "roster: expected JID");

  stream = session_connect (&profile, argv[1], ca_file, DEFAULT_TIMEOUT, &sync, &status, &error);
  if (stream == NULL)
    return fail (error, status);

  roster = CONFAB_XMPP_ROSTER (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XMPP_ROSTER));
  /* No stored version: ask for the whole roster (§2.6). */
  confab_xmpp_roster_set_version (roster, NULL);
  waiter.loop = g_main_loop_new (NULL, FALSE);
  confab_xmpp_roster_fetch_async (roster, NULL, waiter_done, &waiter);
  ok = confab_xmpp_roster_fetch_finish (roster, waiter_run (&waiter), &items, &version, &error);
  waiter_clear (&waiter);

  session_drain (sync);
  session_close (stream);
  if (!ok)
    return fail (error, exit_status_for_error (error));
  if (items != NULL)
    {
      g_ptr_array_sort (items, compare_roster_items);
      for (guint i = 0; i < items->len; i++)
        print_roster_item (g_ptr_array_index (items, i));
    }
  return EXIT_OK;
}

/* ---- history, search ---------------------------------------------------- */

static const char *
history_state_to_string (ConfabHistoryState state)
{
  switch (state)
    {
    case CONFAB_HISTORY_STATE_PENDING:
      return "pending";
    case CONFAB_HISTORY_STATE_SENT:
      return "sent";
    case CONFAB_HISTORY_STATE_FAILED:
      return "failed";
    case CONFAB_HISTORY_STATE_DELIVERED:
      return "delivered";
    case CONFAB_HISTORY_STATE_READ:
      return "read";
    default:
      return "unknown";
    }
}

static void
print_history_message (const ConfabHistoryMessage *message)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (message->timestamp / G_USEC_PER_SEC);
  g_autofree char *stamp = time != NULL ? g_date_time_format_iso8601 (time) : NULL;
  GString *json = g_string_new ("{");

  json_member (json, "peer", message->peer);
  json_member (json, "direction",
               message->direction == CONFAB_HISTORY_DIRECTION_OUT ? "out" : "in");
  json_member (json, "sender", message->sender);
  json_member (json, "time", stamp);
  json_member (json, "body", message->body);
  json_member (json, "origin_id", message->origin_id);
  json_member (json, "stanza_id", message->stanza_id);
  json_member (json, "state", history_state_to_string (message->state));
  json_member_bool (json, "edited", message->edited);
  json_member_bool (json, "retracted", message->retracted);
  g_string_append_c (json, '}');
  g_print ("%s\n", json->str);
  g_string_free (json, TRUE);
}

static void
append_printable_char (GString  *out,
                       gunichar  c)
{
  if (g_unichar_iscntrl (c) && c != '\t')
    g_string_append_unichar (out, 0xFFFD);
  else
    g_string_append_unichar (out, c);
}

static void
append_printable (GString    *out,
                  const char *text)
{
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p = g_utf8_next_char (p))
    append_printable_char (out, g_utf8_get_char (p));
}
/* A line of the text export: "[time] sender: body". The body comes from
 * the network, so control characters (terminal escapes) become U+FFFD and
 * its line breaks are indented under the header. */
static void
print_history_message_text (const ConfabHistoryMessage *message)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (message->timestamp / G_USEC_PER_SEC);
  g_autofree char *stamp = time != NULL ? g_date_time_format_iso8601 (time) : g_strdup ("?");
  GString *line = g_string_new (NULL);
  const char *body = message->retracted ? "(retracted)" : message->body;

  g_string_append_printf (line, "[%s] ", stamp);
  append_printable (line, message->sender);
  g_string_append (line, ": ");
  for (const char *p = body != NULL ? body : ""; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append (line, "\n    ");
      else
        append_printable_char (line, c);
    }
  if (message->edited && !message->retracted)
    g_string_append (line, " (edited)");
  g_print ("%s\n", line->str);
  g_string_free (line, TRUE);
}

static ConfabHistoryStore *
open_history (Profile  *profile,
              GError  **error)
{
  if (!profile_open (profile, error))
    return NULL;
  return confab_history_store_new (confab_database_get_path (profile->db), error);
}

static int
cmd_history (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Profile) profile = { 0 };
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(ConfabHistoryConversation) conversation = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(ConfabJid) peer = NULL;
  ConfabAccount *account;
  g_autofree char *format = NULL;
  gboolean as_text;
  int limit = 20;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Print the newest N messages (default 20; 0: all, e.g. to export)", "N" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, "json (default) or text", "FORMAT" },
    { NULL }
  };

  context = g_option_context_new ("history JID PEER");
  g_option_context_set_summary (context,
                                "Prints the stored conversation of the account JID with PEER, oldest\n"
                                "first, one JSON object per line (peer, direction, sender, time,\n"
                                "body, ids, state, edited, retracted), or with --format text one\n"
                                "line \"[time] sender: body\" each. Works offline.");
  g_option_context_set_description (context, EXIT_STATUS_HELP);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (NULL, error->message);
  if (argc != 3)
    return usage_error (context, "history: expected JID PEER");
  if (limit < 0)
    return usage_error (NULL, "history: --limit must not be negative");
  if (format != NULL && g_strcmp0 (format, "json") != 0 && g_strcmp0 (format, "text") != 0)
    return usage_error (NULL, "history: --format must be json or text");
  as_text = g_strcmp0 (format, "text") == 0;
  peer = confab_jid_parse (argv[2], NULL);
  if (peer == NULL)
    return usage_error (NULL, "history: PEER is not a valid JID");

  store = open_history (&profile, &error);
  if (store == NULL)
    return fail (error, exit_status_for_error (error));
  account = lookup_account (&profile, argv[1], &error);
  if (account == NULL)
    return fail (error, EXIT_USAGE);

  conversation = confab_history_store_get_conversation (store, confab_account_get_row_id (account),
                                                        confab_jid_get_bare_string (peer), &error);
  if (error != NULL)
    return fail (error, EXIT_OTHER);
  if (conversation == NULL)
    return EXIT_OK;

  messages = confab_history_store_list_newest (store, conversation->id,
                                               limit > 0 ? (guint) limit : G_MAXINT, &error);
  if (messages == NULL)
    return fail (error, EXIT_OTHER);
  for (guint i = 0; i < messages->len; i++)
    {
      if (as_text)
        print_history_message_text (g_ptr_array_index (messages, i));
      else
        print_history_message (g_ptr_array_index (messages, i));
    }
  return EXIT_OK;
}

static int
cmd_search (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Profile) profile = { 0 };
  g_autoptr(ConfabHistoryStore) store = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  int limit = 50;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "Print at most N matches (default 50)", "N" },
    { NULL }
  };

  context = g_option_context_new ("search TEXT");
  g_option_context_set_summary (context,
                                "Searches the stored messages of every account for messages that\n"
                                "contain every word of TEXT; prints matches newest first, one JSON\n"
                                "object per line (as history). Works offline.");
  g_option_context_set_description (context, EXIT_STATUS_HELP);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (NULL, error->message);
  if (argc != 2)
    return usage_error (context, "search: expected TEXT");
  if (limit <= 0)
    return usage_error (NULL, "search: --limit must be positive");
  if (!g_utf8_validate (argv[1], -1, NULL))
    return usage_error (NULL, "search: TEXT must be UTF-8");

  store = open_history (&profile, &error);
  if (store == NULL)
    return fail (error, exit_status_for_error (error));
  messages = confab_history_store_search (store, 0, argv[1], (guint) limit, &error);
  if (messages == NULL)
    return fail (error, EXIT_OTHER);
  for (guint i = 0; i < messages->len; i++)
    print_history_message (g_ptr_array_index (messages, i));
  return EXIT_OK;
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const char *command;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("COMMAND [ARGS…]");
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_set_summary (context,
                                "Commands:\n"
                                "  account list                 list accounts\n"
                                "  account add JID [OPTIONS]    add an account (password on stdin\n"
                                "                               or --password-file)\n"
                                "  account remove JID           remove an account and its password\n"
                                "  account enable JID           enable an account\n"
                                "  account disable JID          disable an account\n"
                                "  send JID_FROM TO TEXT        send a chat message and wait for the\n"
                                "                               server's acknowledgement\n"
                                "  listen JID [--count N] [--timeout SECONDS]\n"
                                "                               print incoming events as JSON lines\n"
                                "  roster JID                   print the roster as JSON lines\n"
                                "  history JID PEER [--limit N] [--format json|text]\n"
                                "                               print the stored conversation with\n"
                                "                               PEER (--limit 0 exports all of it)\n"
                                "  search TEXT [--limit N]      search stored messages\n"
                                "\n"
                                "Run “confab-cli COMMAND --help” for the options of a command.\n"
                                "The profile is $XDG_DATA_HOME/confab/confab.db; passwords are kept\n"
                                "only in the Secret Service keyring.");
  g_option_context_set_description (context, EXIT_STATUS_HELP);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (NULL, error->message);

  if (argc < 2)
    return usage_error (context, "missing command");

  command = argv[1];
  if (g_strcmp0 (command, "account") == 0)
    return cmd_account (argc - 1, argv + 1);
  if (g_strcmp0 (command, "send") == 0)
    return cmd_send (argc - 1, argv + 1);
  if (g_strcmp0 (command, "listen") == 0)
    return cmd_listen (argc - 1, argv + 1);
  if (g_strcmp0 (command, "roster") == 0)
    return cmd_roster (argc - 1, argv + 1);
  if (g_strcmp0 (command, "history") == 0)
    return cmd_history (argc - 1, argv + 1);
  if (g_strcmp0 (command, "search") == 0)
    return cmd_search (argc - 1, argv + 1);

  return usage_error (context, "unknown command");
}
