/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "confab-core-error.h"
#include "confab-jid.h"
#include "confab-secret-store.h"

/*
 * Integration tests of ConfabSecretStore against a real Secret Service: run
 * them with tools/with-session, which starts a private D-Bus session with
 * gnome-keyring and points XDG_DATA_HOME at a throwaway directory. Outside it
 * (no CONFAB_IN_SESSION), the tests that need the service are skipped, so they
 * never touch a developer's own keyring; the "unavailable" tests always run,
 * each in a subprocess with a bus of its own (or none).
 */

#define SECRETS_NAME "org.freedesktop.secrets"
#define SECRETS_PATH "/org/freedesktop/secrets"
#define SECRETS_IFACE "org.freedesktop.Secret.Service"
/* gnome-keyring's interface for creating and unlocking with a password
 * instead of a prompt (what its own tests and Seahorse use). */
#define GKR_IFACE "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"

/* The stored format is a contract (other tools, future versions): the test
 * spells the schema out rather than reaching into the store. */
static const SecretSchema test_schema = {
  "im.confab.Confab.Account",
  SECRET_SCHEMA_NONE,
  {
    { "jid", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

typedef struct {
  ConfabSecretStore *store;
  GPtrArray         *jids;     /* to remove at tear-down */
} Fixture;

/* Helpers: run one operation to completion on the default main context. */

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
save_sync (ConfabSecretStore  *store,
           const char         *jid,
           const char         *password,
           GCancellable       *cancellable,
           GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  confab_secret_store_save_async (store, jid, password, cancellable,
                                  store_result_cb, &result);
  return confab_secret_store_save_finish (store, wait_for (&result), error);
}

static char *
lookup_sync (ConfabSecretStore  *store,
             const char         *jid,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  confab_secret_store_lookup_async (store, jid, cancellable, store_result_cb, &result);
  return confab_secret_store_lookup_finish (store, wait_for (&result), error);
}

static gboolean
remove_sync (ConfabSecretStore  *store,
             const char         *jid,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  confab_secret_store_remove_async (store, jid, cancellable, store_result_cb, &result);
  return confab_secret_store_remove_finish (store, wait_for (&result), error);
}

static void
assert_lookup (ConfabSecretStore *store,
               const char        *jid,
               const char        *expected)
{
  g_autoptr(GError) error = NULL;
  char *password;

  password = lookup_sync (store, jid, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, expected);
  confab_secret_free (password);
}

static void
assert_not_found (ConfabSecretStore *store,
                  const char        *jid)
{
  g_autoptr(GError) error = NULL;
  char *password;

  password = lookup_sync (store, jid, NULL, &error);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_NOT_FOUND);
  g_assert_null (password);
}

/* A JID no other test (or earlier run in the same session) uses. */
static char *
unique_jid (Fixture    *f,
            const char *name)
{
  char *jid = g_strdup_printf ("%s-%08x@test.confab.example", name, g_random_int ());

  g_ptr_array_add (f->jids, g_strdup (jid));
  return jid;
}

static char     *open_plain_session (GDBusConnection *bus);
static GVariant *plain_secret       (const char      *session,
                                     const char      *password);

/* gnome-keyring creates the "login" collection (the default) only when it is
 * given a non-empty password; tools/with-session should do that. If it did
 * not, storing into the default collection would need a prompt that cannot
 * be shown here, so create a password-protected default collection for the
 * tests, once per session bus, without a prompt. */
static void
ensure_default_collection (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantBuilder) props = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session = NULL;
  g_autofree char *collection = NULL;
  const char *alias;

  reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, SECRETS_PATH, SECRETS_IFACE,
                                       "ReadAlias", g_variant_new ("(s)", "default"),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&o)", &alias);
  if (!g_str_equal (alias, "/"))
    return;

  g_test_message ("No default keyring in this session (tools/with-session should "
                  "unlock gnome-keyring with a non-empty password): creating one");
  session = open_plain_session (bus);
  props = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (props, "{sv}", "org.freedesktop.Secret.Collection.Label",
                         g_variant_new_string ("Confab tests"));
  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, SECRETS_PATH, GKR_IFACE,
                                       "CreateWithMasterPassword",
                                       g_variant_new ("(a{sv}@(oayays))", props,
                                                      plain_secret (session, "confab-tests")),
                                       G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(o)", &collection);
  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, SECRETS_PATH, SECRETS_IFACE,
                                       "SetAlias", g_variant_new ("(so)", "default", collection),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* Whether the Secret-Service tests can run here; skips with the reason if not. */
static gboolean
need_secret_service (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_owner = FALSE;

  if (g_strcmp0 (g_getenv ("CONFAB_IN_SESSION"), "1") != 0)
    {
      g_test_skip ("Not inside tools/with-session: run "
                   "`tools/with-session <build>/tests/core/test-secret-store` "
                   "(the tests never use the desktop's own keyring)");
      return FALSE;
    }

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    {
      g_test_skip_printf ("No D-Bus session bus: %s", error->message);
      return FALSE;
    }

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", SECRETS_NAME),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    {
      g_test_skip ("No Secret Service on the session bus (is gnome-keyring installed?)");
      return FALSE;
    }

  ensure_default_collection (bus);

  return TRUE;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->store = confab_secret_store_new ();
  f->jids = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < f->jids->len; i++)
    {
      g_autoptr(GError) error = NULL;

      /* Best effort: a test that failed may have left the keyring odd. */
      if (!remove_sync (f->store, g_ptr_array_index (f->jids, i), NULL, &error))
        g_test_message ("tear-down: %s", error->message);
    }
  g_clear_pointer (&f->jids, g_ptr_array_unref);
  g_clear_object (&f->store);
}

/* The tests */

static void
test_save_lookup (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;

  if (!need_secret_service ())
    return;

  jid = unique_jid (f, "romeo");
  save_sync (f->store, jid, "wherefore art thou", NULL, &error);
  g_assert_no_error (error);
  assert_lookup (f->store, jid, "wherefore art thou");
}

static void
test_overwrite (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expected_label = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  GList *items;

  if (!need_secret_service ())
    return;

  jid = unique_jid (f, "juliet");
  save_sync (f->store, jid, "first", NULL, &error);
  g_assert_no_error (error);
  save_sync (f->store, jid, "second", NULL, &error);
  g_assert_no_error (error);
  assert_lookup (f->store, jid, "second");

  /* Replaced, not added: exactly one item, with the documented label and
   * attributes. */
  items = secret_password_search_sync (&test_schema, SECRET_SEARCH_ALL, NULL, &error,
                                       "jid", jid, "kind", "password", NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_retrievable_get_label (items->data);
  expected_label = g_strdup_printf ("Confab password for %s", jid);
  g_assert_cmpstr (label, ==, expected_label);
  attributes = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, "im.confab.Confab.Account");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "jid"), ==, jid);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "kind"), ==, "password");
  g_list_free_full (items, g_object_unref);
}

static void
test_separate_jids (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (!need_secret_service ())
    return;

  a = unique_jid (f, "alice");
  b = unique_jid (f, "bob");
  save_sync (f->store, a, "alice-password", NULL, &error);
  g_assert_no_error (error);
  save_sync (f->store, b, "bob-password", NULL, &error);
  g_assert_no_error (error);

  assert_lookup (f->store, a, "alice-password");
  assert_lookup (f->store, b, "bob-password");

  remove_sync (f->store, a, NULL, &error);
  g_assert_no_error (error);
  assert_not_found (f->store, a);
  assert_lookup (f->store, b, "bob-password");
}

static void
test_remove (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  gboolean ok;

  if (!need_secret_service ())
    return;

  jid = unique_jid (f, "mercutio");
  save_sync (f->store, jid, "a plague", NULL, &error);
  g_assert_no_error (error);

  ok = remove_sync (f->store, jid, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  assert_not_found (f->store, jid);

  /* Removing what is not there succeeds: account removal need not care. */
  ok = remove_sync (f->store, jid, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_unicode_passwords (Fixture       *f,
                        gconstpointer  data)
{
  static const char *passwords[] = {
    "pässwörd",
    "密码🔑 with spaces",
    "\xe2\x80\x8b zero\xe2\x80\x8bwidth \xe2\x80\x8b",  /* U+200B around */
    "quotes \" ' ` and \\ backslash; $(not a command) %s %n",
    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",  /* a ZWJ sequence */
    "日本語のパスワード\tタブ\n改行",
  };
  g_autofree char *jid = NULL;

  if (!need_secret_service ())
    return;

  jid = unique_jid (f, "nurse");
  for (guint i = 0; i < G_N_ELEMENTS (passwords); i++)
    {
      g_autoptr(GError) error = NULL;

      save_sync (f->store, jid, passwords[i], NULL, &error);
      g_assert_no_error (error);
      assert_lookup (f->store, jid, passwords[i]);
    }
}

static void
test_odd_jids (Fixture       *f,
               gconstpointer  data)
{
  /* Each pair names the same account (RFC 7622 normalization); the first
   * saves, the second looks up. */
  static const struct {
    const char *saved_as;
    const char *looked_up_as;
  } cases[] = {
    { "Tybalt@Example.COM/Balcony Room", "tybalt@example.com" },
    { "ünïcødé.用户@exämple.test", "ÜNÏCØDÉ.用户@EXÄMPLE.test/resource" },
    { "user@xn--exmple-cua.test", "user@exämple.test" },
    { "d.o_n-t+p%n!c#$*=?^{|}~@weird.example.", "d.o_n-t+p%n!c#$*=?^{|}~@weird.example" },
    { "example.org", "example.org/just-a-resource" },
  };

  if (!need_secret_service ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *password = g_strdup_printf ("odd-%u", i);
      ConfabJid *a, *b;

      /* Only test what the JID module promises: both spellings are valid and
       * have the same bare form. */
      a = confab_jid_parse (cases[i].saved_as, &error);
      g_assert_no_error (error);
      b = confab_jid_parse (cases[i].looked_up_as, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (confab_jid_get_bare_string (a), ==, confab_jid_get_bare_string (b));
      g_ptr_array_add (f->jids, g_strdup (confab_jid_get_bare_string (a)));
      confab_jid_unref (a);
      confab_jid_unref (b);

      save_sync (f->store, cases[i].saved_as, password, NULL, &error);
      g_assert_no_error (error);
      assert_lookup (f->store, cases[i].looked_up_as, password);
    }
}

static void
test_never_saved (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *jid = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_secret_service ())
    return;

  jid = unique_jid (f, "paris");
  assert_not_found (f->store, jid);

  /* A different account with a password does not leak into it. */
  save_sync (f->store, "friar@test.confab.example", "laurence", NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (f->jids, g_strdup ("friar@test.confab.example"));
  assert_not_found (f->store, jid);
}

/* Runs without a Secret Service: the input is refused before any D-Bus. */
static void
test_invalid_input (Fixture       *f,
                    gconstpointer  data)
{
  static const char *bad_jids[] = { "", "@example.com", "user@", "a@b@c", "user@exa mple.com" };
  g_autoptr(GError) error = NULL;
  char *password;

  for (guint i = 0; i < G_N_ELEMENTS (bad_jids); i++)
    {
      save_sync (f->store, bad_jids[i], "password", NULL, &error);
      g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
      g_clear_error (&error);

      password = lookup_sync (f->store, bad_jids[i], NULL, &error);
      g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
      g_assert_null (password);
      g_clear_error (&error);

      remove_sync (f->store, bad_jids[i], NULL, &error);
      g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
      g_clear_error (&error);
    }

  save_sync (f->store, "valid@example.com", "", NULL, &error);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
  g_clear_error (&error);

  save_sync (f->store, "valid@example.com", "not \xff utf-8", NULL, &error);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID);
  /* The message must not echo the password. */
  g_assert_null (strstr (error->message, "not \xff"));
  g_clear_error (&error);
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  char *password;

  if (!need_secret_service ())
    return;

  jid = unique_jid (f, "balthasar");
  g_cancellable_cancel (cancellable);
  save_sync (f->store, jid, "never stored", cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  password = lookup_sync (f->store, jid, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (password);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

/* gnome-keyring's binary format, whose items are encrypted with a key derived
 * from the keyring password. A keyring created with an empty password is
 * written in another, plain-text format instead ("[keyring]" key file) with
 * the secrets in clear: there, only the user's choice protects them. */
static gboolean
is_encrypted_gnome_keyring (const char *path)
{
  static const char magic[] = "GnomeKeyring\n\r\0\n";
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  /* Magic, then major and minor version, then the crypto (0 = AES). */
  return length > sizeof magic + 2 &&
         memcmp (contents, magic, sizeof magic - 1) == 0 &&
         contents[sizeof magic - 1 + 2] == 0;
}

static void
collect_files (const char *dir,
               GPtrArray  *files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, files);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
}

static void
test_no_plaintext (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *jid = NULL;
  g_autofree char *password = NULL;
  g_autofree char *keyrings = NULL;
  const char *roots[] = { g_getenv ("XDG_DATA_HOME"), g_getenv ("XDG_RUNTIME_DIR") };
  guint encrypted_keyrings = 0;

  if (!need_secret_service ())
    return;

  /* tools/with-session points these at a throwaway directory. */
  g_assert_nonnull (roots[0]);
  g_assert_nonnull (roots[1]);
  keyrings = g_build_filename (roots[0], "keyrings", NULL);

  jid = unique_jid (f, "benvolio");
  password = g_strdup_printf ("plaintext-canary-%08x%08x", g_random_int (), g_random_int ());
  save_sync (f->store, jid, password, NULL, &error);
  g_assert_no_error (error);
  assert_lookup (f->store, jid, password);

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    collect_files (roots[i], files);

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);

      if (g_str_has_prefix (path, keyrings) && g_str_has_suffix (path, ".keyring"))
        {
          if (!is_encrypted_gnome_keyring (path))
            {
              g_test_message ("%s is an unencrypted keyring (empty password): "
                              "its secrets are in clear by design; not checked", path);
              continue;
            }
          encrypted_keyrings++;
        }

      g_test_message ("checking %s", path);
      g_assert_false (file_contains (path, password));
    }

  /* The item went into an encrypted keyring on disk (the "login" keyring that
   * tools/with-session unlocks with a password). */
  g_assert_cmpuint (encrypted_keyrings, >, 0);
}

/* A keyring that stays locked: the lookup's unlock prompt cannot be shown
 * here (the prompter has no display), which the service reports like a
 * dismissed prompt. */

static char *
open_plain_session (GDBusConnection *bus)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  char *session;

  reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, SECRETS_PATH, SECRETS_IFACE,
                                       "OpenSession",
                                       g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                       G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(vo)", NULL, &session);
  return session;
}

static GVariant *
plain_secret (const char *session,
              const char *password)
{
  return g_variant_new ("(o@ay@ays)", session,
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password,
                                                   strlen (password), 1),
                        "text/plain");
}

static void
call_or_fail (GDBusConnection *bus,
              const char      *path,
              const char      *iface,
              const char      *method,
              GVariant        *args,
              GVariant       **reply_out)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (bus, SECRETS_NAME, path, iface, method, args,
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  if (reply_out)
    *reply_out = reply;
  else
    g_variant_unref (reply);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_locked (Fixture       *f,
             gconstpointer  data)
{
  static const char *keyring_password = "confab-locked-test";
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariantBuilder) props = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session = NULL;
  g_autofree char *collection = NULL;
  g_autofree char *jid = NULL;
  const char *paths[2] = { NULL, NULL };
  char *password;
  guint timeout_id;

  if (!need_secret_service ())
    return;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  session = open_plain_session (bus);

  /* A collection of our own, created with a password (no prompt). */
  props = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (props, "{sv}", "org.freedesktop.Secret.Collection.Label",
                         g_variant_new_string ("Confab locked test"));
  call_or_fail (bus, SECRETS_PATH, GKR_IFACE, "CreateWithMasterPassword",
                g_variant_new ("(a{sv}@(oayays))", props,
                               plain_secret (session, keyring_password)),
                &reply);
  g_variant_get (reply, "(o)", &collection);
  g_clear_pointer (&reply, g_variant_unref);

  jid = unique_jid (f, "capulet");
  secret_password_store_sync (&test_schema, collection, "locked test item", "in a locked keyring",
                              NULL, &error, "jid", jid, "kind", "password", NULL);
  g_assert_no_error (error);

  paths[0] = collection;
  call_or_fail (bus, SECRETS_PATH, SECRETS_IFACE, "Lock",
                g_variant_new ("(^ao)", paths), NULL);

  /* Should a prompter be able to show the prompt after all, nobody answers
   * it: give up after a while instead of hanging. */
  cancellable = g_cancellable_new ();
  timeout_id = g_timeout_add_seconds (20, cancel_cb, cancellable);

  password = lookup_sync (f->store, jid, cancellable, &error);
  g_assert_null (password);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_test_skip ("The unlock prompt was shown and not answered: cannot test a "
                   "locked keyring here");
    }
  else
    {
      g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_LOCKED);
      g_clear_error (&error);

      remove_sync (f->store, jid, cancellable, &error);
      g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_LOCKED);
    }
  g_clear_error (&error);
  if (!g_cancellable_is_cancelled (cancellable))
    g_source_remove (timeout_id);

  /* Clean up: unlock with the password and delete the collection. */
  call_or_fail (bus, SECRETS_PATH, GKR_IFACE, "UnlockWithMasterPassword",
                g_variant_new ("(o@(oayays))", collection,
                               plain_secret (session, keyring_password)),
                NULL);
  call_or_fail (bus, collection, "org.freedesktop.Secret.Collection", "Delete",
                NULL, NULL);
}

/* No Secret Service: each case runs in a subprocess with its own bus
 * environment, and must fail with KEYRING_UNAVAILABLE (not crash, not hang,
 * not write anything). */

static void
assert_unavailable (void)
{
  g_autoptr(ConfabSecretStore) store = confab_secret_store_new ();
  g_autoptr(GError) error = NULL;
  char *password;

  save_sync (store, "romeo@example.com", "secret", NULL, &error);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_UNAVAILABLE);
  g_test_message ("save: %s", error->message);
  g_clear_error (&error);

  password = lookup_sync (store, "romeo@example.com", NULL, &error);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_UNAVAILABLE);
  g_assert_null (password);
  g_test_message ("lookup: %s", error->message);
  g_clear_error (&error);

  remove_sync (store, "romeo@example.com", NULL, &error);
  g_assert_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_KEYRING_UNAVAILABLE);
  g_test_message ("remove: %s", error->message);
}

/* Whatever happens, use libsecret's D-Bus backend (not its file backend). */
static void
isolate_child (const char *runtime_dir)
{
  g_unsetenv ("SECRET_BACKEND");
  /* Without a display, GLib cannot autolaunch a bus through X11. */
  g_unsetenv ("DISPLAY");
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);
}

static void
run_in_subprocess (void)
{
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_unavailable_no_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("confab-no-bus-XXXXXX", NULL);

      isolate_child (dir);
      g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
      assert_unavailable ();
      g_rmdir (dir);
      return;
    }
  run_in_subprocess ();
}

static void
test_unavailable_dead_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("confab-dead-bus-XXXXXX", NULL);
      g_autofree char *address = g_strdup_printf ("unix:path=%s/no-such-socket", dir);

      isolate_child (dir);
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      assert_unavailable ();
      g_rmdir (dir);
      return;
    }
  run_in_subprocess ();
}

static void
test_unavailable_no_service (void)
{
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");

  if (daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return;
    }

  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("confab-empty-bus-XXXXXX", NULL);
      GTestDBus *bus;

      isolate_child (dir);
      /* A private bus with no services to activate: nobody owns
       * org.freedesktop.secrets and nothing can start it. */
      bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_test_dbus_up (bus);
      assert_unavailable ();
      /* libsecret keeps its service proxy, and so the bus connection, for
       * the rest of the process: g_test_dbus_down() would wait for the
       * connection to go away. Leave the bus to GTestDBus's watcher, which
       * stops it when this process exits. */
      (void) bus;
      g_rmdir (dir);
      return;
    }
  run_in_subprocess ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/core/secret-store/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("save-lookup", test_save_lookup);
  ADD ("overwrite", test_overwrite);
  ADD ("separate-jids", test_separate_jids);
  ADD ("remove", test_remove);
  ADD ("unicode-passwords", test_unicode_passwords);
  ADD ("odd-jids", test_odd_jids);
  ADD ("never-saved", test_never_saved);
  ADD ("invalid-input", test_invalid_input);
  ADD ("cancelled", test_cancelled);
  ADD ("no-plaintext", test_no_plaintext);
  ADD ("locked", test_locked);
#undef ADD

  g_test_add_func ("/core/secret-store/unavailable/no-bus", test_unavailable_no_bus);
  g_test_add_func ("/core/secret-store/unavailable/dead-bus", test_unavailable_dead_bus);
  g_test_add_func ("/core/secret-store/unavailable/no-service", test_unavailable_no_service);

  return g_test_run ();
}
