/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The demo's private Prosody and its people (see demo-server.h).
 *
 * Prosody's "internal" storage keeps one Lua file per user and store:
 * <data_path>/<host>/<store>/<user>.dat, where the host is percent-encoded
 * ("confab%2etest"). accounts/<user>.dat holds { password = … } for
 * internal_plain; roster/<user>.dat maps each contact's bare JID to its
 * item (subscription, name, groups) plus the [false] metadata entry
 * (roster version, pending inbound requests). The files are read when a
 * session loads them, so writing them before anyone logs in is enough.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "confab-xmpp-message.h"
#include "demo-server.h"

#define HOST_DIR "confab%2etest"

struct _DemoServer
{
  ConfabTestServer *server;
  char             *data_dir;     /* Prosody's data_path/<host> */
  char             *secrets_dir;  /* password files for the scripts */
  GHashTable       *passwords;    /* localpart → password */
  char             *peer_password;
  guint             n_bench_contacts;
};

static const DemoPerson people[] = {
  { DEMO_BOT, "Ada", "Demo" },
  { "grace", "Grace", "Friends" },
  { "alan", "Alan", "Friends" },
  { DEMO_BURST_SENDER, "Bob", "Work" },
  { "margaret", "Margaret", "Work" },
};

static const char * const first_names[] = {
  "Amara", "Bruno", "Chen", "Dalia", "Emil", "Fatima", "Gustav", "Hana", "Ivo", "Jana",
  "Kofi", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sami", "Tove",
  "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zora", "Anders", "Beatriz", "Cyril", "Dmitri",
  "Elif", "Farid", "Greta", "Hugo", "Ingrid", "Jonas", "Kaito", "Leila", "Milan", "Noor",
};

static const char * const last_names[] = {
  "Abbott", "Baptiste", "Castillo", "Dubois", "Eriksen", "Fischer", "Gallo", "Haddad",
  "Ivanova", "Jensen", "Kowalski", "Laurent", "Moreau", "Nakamura", "Okafor", "Petrov",
  "Quinn", "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Xu", "Yilmaz",
  "Zhang", "Andersson", "Bianchi", "Costa", "Delgado", "Edwards", "Ferreira", "Garcia",
  "Horvat", "Ito", "Jovanovic", "Kim", "Lindqvist", "Mendes", "Novak", "Olsen", "Park",
  "Ramos", "Silva", "Torres", "Usman", "Vasquez", "Wagner", "Young", "Ziegler",
  "Alvarez", "Berg", "Chowdhury", "Dang", "Engel", "Fontaine", "Gomez", "Hansen", "Iqbal",
  "Jung",
};

const DemoPerson *
demo_people (guint *n_people)
{
  *n_people = G_N_ELEMENTS (people);
  return people;
}

char *
demo_server_bench_jid (guint index)
{
  return g_strdup_printf ("peer%04u@" CONFAB_TEST_DOMAIN, index);
}

char *
demo_server_bench_name (guint index)
{
  guint i = index - 1;

  return g_strdup_printf ("%s %s", first_names[i % G_N_ELEMENTS (first_names)],
                          last_names[(i / G_N_ELEMENTS (first_names)) % G_N_ELEMENTS (last_names)]);
}

/* A password from the system CSPRNG (a UUID without its dashes). */
static char *
new_password (void)
{
  g_autofree char *uuid = confab_xmpp_new_uuid ();
  GString *password = g_string_new (NULL);

  for (const char *p = uuid; *p != '\0'; p++)
    if (*p != '-')
      g_string_append_c (password, *p);
  return g_string_free (password, FALSE);
}

/* Appends @s as a Lua string literal (the values are ours, but quote
 * properly anyway). */
static void
append_lua_string (GString    *out,
                   const char *s)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\%03u", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static gboolean
ensure_dir (const char  *path,
            GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) == 0)
    return TRUE;
  {
    int saved = errno;

    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 "Could not create %s: %s", path, g_strerror (saved));
  }
  return FALSE;
}

static gboolean
write_store_file (DemoServer  *self,
                  const char  *store,
                  const char  *localpart,
                  GString     *contents,
                  GError     **error)
{
  g_autofree char *dir = g_build_filename (self->data_dir, store, NULL);
  g_autofree char *name = g_strconcat (localpart, ".dat", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return ensure_dir (dir, error)
         && g_file_set_contents_full (path, contents->str, contents->len,
                                      G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static gboolean
write_account (DemoServer  *self,
               const char  *localpart,
               const char  *password,
               GError     **error)
{
  g_autoptr(GString) lua = g_string_new ("return {\n\t[\"password\"] = ");

  append_lua_string (lua, password);
  g_string_append (lua, ";\n};\n");
  return write_store_file (self, "accounts", localpart, lua, error);
}

/* One roster item, subscribed both ways (RFC 6121 §2.1.2.5). */
static void
append_roster_item (GString    *lua,
                    const char *jid,
                    const char *name,
                    const char *group)
{
  g_string_append (lua, "\t[");
  append_lua_string (lua, jid);
  g_string_append (lua, "] = {\n\t\t[\"subscription\"] = \"both\";\n\t\t[\"name\"] = ");
  append_lua_string (lua, name);
  g_string_append (lua, ";\n\t\t[\"groups\"] = {");
  if (group != NULL)
    {
      g_string_append (lua, " [");
      append_lua_string (lua, group);
      g_string_append (lua, "] = true;");
    }
  g_string_append (lua, " };\n\t};\n");
}

static GString *
roster_begin (void)
{
  return g_string_new ("return {\n"
                       "\t[false] = {\n\t\t[\"version\"] = 1;\n\t\t[\"pending\"] = {};\n\t};\n");
}

static gboolean
roster_finish (DemoServer  *self,
               const char  *localpart,
               GString     *lua,
               GError     **error)
{
  g_string_append (lua, "};\n");
  return write_store_file (self, "roster", localpart, lua, error);
}

static gboolean
write_password_file (DemoServer  *self,
                     const char  *name,
                     const char  *password,
                     GError     **error)
{
  g_autofree char *path = g_build_filename (self->secrets_dir, name, NULL);
  g_autofree char *line = g_strconcat (password, "\n", NULL);

  return g_file_set_contents_full (path, line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static gboolean
populate (DemoServer  *self,
          GError     **error)
{
  g_autoptr(GString) user_roster = roster_begin ();
  const char *user_jid = DEMO_USER "@" CONFAB_TEST_DOMAIN;
  char *password;

  password = new_password ();
  g_hash_table_insert (self->passwords, g_strdup (DEMO_USER), password);
  if (!write_account (self, DEMO_USER, password, error)
      || !write_password_file (self, DEMO_USER, password, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(GString) roster = roster_begin ();
      g_autofree char *jid = g_strconcat (people[i].localpart, "@" CONFAB_TEST_DOMAIN, NULL);

      password = new_password ();
      g_hash_table_insert (self->passwords, g_strdup (people[i].localpart), password);
      if (!write_account (self, people[i].localpart, password, error)
          || !write_password_file (self, people[i].localpart, password, error))
        return FALSE;
      append_roster_item (user_roster, jid, people[i].name, people[i].group);
      append_roster_item (roster, user_jid, "You", NULL);
      if (!roster_finish (self, people[i].localpart, roster, error))
        return FALSE;
    }

  if (self->n_bench_contacts > 0)
    {
      self->peer_password = new_password ();
      if (!write_password_file (self, "peer", self->peer_password, error))
        return FALSE;
    }
  for (guint i = 1; i <= self->n_bench_contacts; i++)
    {
      g_autoptr(GString) roster = roster_begin ();
      g_autofree char *jid = demo_server_bench_jid (i);
      g_autofree char *name = demo_server_bench_name (i);
      g_autofree char *localpart = g_strndup (jid, strchr (jid, '@') - jid);

      /* Real accounts that list the user too, so the server answers the
       * user's presence probes instead of cancelling the subscriptions. */
      if (!write_account (self, localpart, self->peer_password, error))
        return FALSE;
      append_roster_item (user_roster, jid, name, i % 3 == 0 ? "Work" : "Friends");
      append_roster_item (roster, user_jid, "You", NULL);
      if (!roster_finish (self, localpart, roster, error))
        return FALSE;
    }

  return roster_finish (self, DEMO_USER, user_roster, error);
}

DemoServer *
demo_server_start (guint    n_bench_contacts,
                   GError **error)
{
  g_autoptr(DemoServer) self = g_new0 (DemoServer, 1);
  const char *dir;

  self->passwords = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->n_bench_contacts = n_bench_contacts;
  self->server = confab_test_server_start (NULL, error);
  if (self->server == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                     "Prosody is not installed (tools/install-deps installs it)");
      return NULL;
    }

  dir = confab_test_server_get_directory (self->server);
  self->data_dir = g_build_filename (dir, "data", HOST_DIR, NULL);
  self->secrets_dir = g_build_filename (dir, "secrets", NULL);
  if (!ensure_dir (self->data_dir, error) || !ensure_dir (self->secrets_dir, error))
    return NULL;
  if (!populate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
demo_server_free (DemoServer *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->server, confab_test_server_free);
  g_clear_pointer (&self->passwords, g_hash_table_unref);
  g_free (self->data_dir);
  g_free (self->secrets_dir);
  g_free (self->peer_password);
  g_free (self);
}

ConfabTestServer *
demo_server_get_server (DemoServer *self)
{
  return self->server;
}

const char *
demo_server_get_password (DemoServer *self,
                          const char *localpart)
{
  return g_hash_table_lookup (self->passwords, localpart);
}

static void
append_var (GString    *out,
            const char *name,
            const char *value)
{
  g_autofree char *quoted = g_shell_quote (value);

  g_string_append_printf (out, "%s=%s\n", name, quoted);
}

gboolean
demo_server_write_info (DemoServer  *self,
                        const char  *path,
                        GError     **error)
{
  g_autoptr(GString) info = g_string_new ("# Written by confab-demo-server; read with `.` in sh.\n");
  g_autofree char *port = g_strdup_printf ("%u", confab_test_server_get_port (self->server));
  g_autofree char *pid = g_strdup_printf ("%d", (int) confab_test_server_get_pid (self->server));
  g_autofree char *user_password = g_build_filename (self->secrets_dir, DEMO_USER, NULL);
  g_autofree char *sender_password = g_build_filename (self->secrets_dir, DEMO_BURST_SENDER, NULL);
  g_autofree char *peer_password = g_build_filename (self->secrets_dir, "peer", NULL);

  append_var (info, "DEMO_DOMAIN", CONFAB_TEST_DOMAIN);
  append_var (info, "DEMO_HOST", "127.0.0.1");
  append_var (info, "DEMO_PORT", port);
  append_var (info, "DEMO_CA_FILE", confab_test_server_get_ca_file (self->server));
  append_var (info, "DEMO_JID", DEMO_USER "@" CONFAB_TEST_DOMAIN);
  append_var (info, "DEMO_PASSWORD_FILE", user_password);
  append_var (info, "DEMO_BOT_JID", DEMO_BOT "@" CONFAB_TEST_DOMAIN);
  append_var (info, "DEMO_SENDER_JID", DEMO_BURST_SENDER "@" CONFAB_TEST_DOMAIN);
  append_var (info, "DEMO_SENDER_PASSWORD_FILE", sender_password);
  if (self->n_bench_contacts > 0)
    append_var (info, "DEMO_PEER_PASSWORD_FILE", peer_password);
  append_var (info, "DEMO_SERVER_DIR", confab_test_server_get_directory (self->server));
  append_var (info, "DEMO_PROSODY_PID", pid);

  return g_file_set_contents_full (path, info->str, info->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
