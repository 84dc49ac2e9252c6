/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "ui-test-util.h"

#define ONLINE_SECONDS 60

void
ui_test_init (int    *argc,
              char ***argv)
{
  /* Software rendering: the test machines have no GPU. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  /* The app's GSettings schema, compiled into the build tree by data/. */
  if (g_getenv ("G_TEST_BUILDDIR") != NULL)
    {
      g_autofree char *schemas = g_build_filename (g_getenv ("G_TEST_BUILDDIR"),
                                                   "..", "data", NULL);

      g_setenv ("GSETTINGS_SCHEMA_DIR", schemas, FALSE);
    }
  g_test_init (argc, argv, NULL);
  gtk_init ();
  adw_init ();
}

UiTestProfile *
ui_test_profile_new (void)
{
  g_autoptr(GError) error = NULL;
  UiTestProfile *profile = g_new0 (UiTestProfile, 1);
  g_autofree char *path = NULL;

  profile->dir = g_dir_make_tmp ("confab-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (profile->dir, "confab.db", NULL);
  profile->database = confab_database_open (path, CONFAB_DATABASE_FLAGS_NONE, &error);
  g_assert_no_error (error);
  profile->history = confab_history_store_new (path, &error);
  g_assert_no_error (error);
  profile->secrets = confab_secret_store_new ();
  profile->manager = confab_account_manager_new (profile->database, profile->secrets);
  confab_account_manager_set_history_store (profile->manager, profile->history);
  confab_account_manager_set_tls_database (profile->manager,
                                           confab_test_server_get_tls_database (xmpp_test_server ()));
  g_assert_true (confab_account_manager_load (profile->manager, &error));
  g_assert_no_error (error);
  return profile;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (dir);
}

void
ui_test_profile_free (UiTestProfile *profile)
{
  if (profile == NULL)
    return;
  g_clear_object (&profile->manager);
  /* Let closing streams and queued writes finish. */
  ui_test_settle (200);
  g_clear_object (&profile->history);
  g_clear_object (&profile->secrets);
  g_clear_object (&profile->database);
  remove_tree (profile->dir);
  g_free (profile->dir);
  g_free (profile);
}

typedef struct {
  gboolean       done;
  ConfabAccount *account;
  GError        *error;
} AddResult;

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AddResult *add = user_data;

  add->account = confab_account_manager_add_finish (CONFAB_ACCOUNT_MANAGER (object),
                                                    result, &add->error);
  add->done = TRUE;
}

static gboolean
account_settled (gpointer data)
{
  ConfabAccountState state = confab_account_get_state (data);

  return state == CONFAB_ACCOUNT_STATE_ONLINE || state == CONFAB_ACCOUNT_STATE_ERROR;
}

ConfabAccount *
ui_test_profile_add_account (UiTestProfile *profile,
                             const char    *localpart)
{
  g_autofree char *jid = g_strdup_printf ("%s@%s", localpart, CONFAB_TEST_DOMAIN);
  g_autofree char *password = xmpp_test_password (localpart);
  AddResult add = { 0 };
  g_autoptr(ConfabAccount) account = NULL;

  confab_account_manager_add_async (profile->manager, jid, password, "127.0.0.1",
                                    confab_test_server_get_port (xmpp_test_server ()),
                                    FALSE, NULL, TRUE, NULL, added_cb, &add);
  g_assert_true (xmpp_test_wait_for (&add.done, ONLINE_SECONDS));
  g_assert_no_error (add.error);
  account = add.account;
  g_assert_true (ui_test_wait_until (account_settled, account, ONLINE_SECONDS));
  g_assert_cmpstr (confab_account_get_error_message (account), ==, NULL);
  g_assert_cmpint (confab_account_get_state (account), ==, CONFAB_ACCOUNT_STATE_ONLINE);
  /* The manager keeps it in its list. */
  return account;
}

gboolean
ui_test_wait_until (gboolean (*predicate) (gpointer data),
                    gpointer   data,
                    guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!predicate (data))
    {
      if (g_get_monotonic_time () > deadline)
        return predicate (data);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

void
ui_test_settle (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

GtkWidget *
ui_test_find_widget (GtkWidget  *root,
                     GType       type,
                     const char *name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type)
      && (name == NULL
          || g_strcmp0 (gtk_widget_get_name (root), name) == 0
          || g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), name) == 0))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_widget (child, type, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
widget_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_INSCRIPTION (widget))
    return gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  if (GTK_IS_EDITABLE (widget))
    return gtk_editable_get_text (GTK_EDITABLE (widget));
  return NULL;
}

GtkWidget *
ui_test_find_text (GtkWidget  *root,
                   const char *text)
{
  const char *own = widget_text (root);

  if (own != NULL && strstr (own, text) != NULL)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_text (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}
