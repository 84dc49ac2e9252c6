/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-notifications.c: a message from bob in a conversation that is not in
 * view gives one notification; a flood keeps it one; a conversation in view
 * gives none; reading withdraws it. Against the real Prosody: bob really
 * sends, alice's account really stores. */

#include "config.h"

#include <string.h>

#include "confab-conversation-list.h"
#include "confab-notifier.h"
#include "confab-account-sync.h"
#include "ui-test-util.h"

#define WAIT_SECONDS 60
#define FLOOD        50

typedef struct {
  char    *id;
  char    *title;  /* NULL: a withdrawal */
  char    *body;
} Sent;

typedef struct {
  UiTestProfile      *alice;
  UiTestProfile      *bob;
  UiTestProfile      *carol;
  ConfabAccount      *alice_account;
  ConfabAccount      *bob_account;
  ConfabAccount      *carol_account;
  GtkApplication     *application;
  GSettings          *settings;
  ConfabNotifier     *notifier;
  ConfabConversation *visible;
  GPtrArray          *sent;  /* of Sent */
} Fixture;

static Fixture f;

static void
sent_free (gpointer data)
{
  Sent *sent = data;

  g_free (sent->id);
  g_free (sent->title);
  g_free (sent->body);
  g_free (sent);
}

/* The test hook: what would have gone to the desktop. */
static void
record_send (const char    *id,
             GNotification *notification,
             const char    *title,
             const char    *body,
             gpointer       user_data)
{
  Sent *sent = g_new0 (Sent, 1);

  sent->id = g_strdup (id);
  if (notification != NULL)
    {
      g_assert_true (G_IS_NOTIFICATION (notification));
      sent->title = g_strdup (title);
      sent->body = g_strdup (body);
    }
  g_ptr_array_add (f.sent, sent);
}

static ConfabConversation *
visible_conversation (gpointer user_data)
{
  return f.visible;
}

static GSettings *
test_settings (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "..", "data", NULL);
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;

  source = g_settings_schema_source_new_from_directory (dir, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);
  g_assert_nonnull (schema);
  /* GSETTINGS_BACKEND=memory (tests/meson.build): nothing persists. */
  return g_settings_new_full (schema, NULL, NULL);
}

static guint
count_sends (const char *id,
             gboolean    withdrawals)
{
  guint n = 0;

  for (guint i = 0; i < f.sent->len; i++)
    {
      Sent *sent = g_ptr_array_index (f.sent, i);

      if ((id == NULL || g_strcmp0 (sent->id, id) == 0)
          && (withdrawals ? sent->title == NULL : sent->title != NULL))
        n++;
    }
  return n;
}

/* Distinct ids sent and not withdrawn since: what the desktop shows. */
static guint
count_live (void)
{
  g_autoptr(GHashTable) live = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < f.sent->len; i++)
    {
      Sent *sent = g_ptr_array_index (f.sent, i);

      if (sent->title != NULL)
        g_hash_table_add (live, sent->id);
      else
        g_hash_table_remove (live, sent->id);
    }
  return g_hash_table_size (live);
}

static Sent *
last_send (void)
{
  for (guint i = f.sent->len; i > 0; i--)
    {
      Sent *sent = g_ptr_array_index (f.sent, i - 1);

      if (sent->title != NULL)
        return sent;
    }
  return NULL;
}

typedef struct {
  const char *peer;
  guint       count;
} StoredWait;

static gboolean
stored_enough (gpointer data)
{
  StoredWait *wait = data;
  g_autoptr(ConfabHistoryConversation) row =
    confab_history_store_get_conversation (f.alice->history,
                                           confab_account_get_row_id (f.alice_account),
                                           wait->peer, NULL);

  return row != NULL && row->unread_count >= wait->count;
}

static gboolean
has_sends (gpointer data)
{
  return count_sends (NULL, FALSE) >= GPOINTER_TO_UINT (data);
}

static gboolean
has_withdrawals (gpointer data)
{
  return count_sends (NULL, TRUE) >= GPOINTER_TO_UINT (data);
}

static void
send_from (ConfabAccount *account,
           const char    *body)
{
  g_autofree char *to = g_strdup_printf ("alice@%s", CONFAB_TEST_DOMAIN);
  g_autofree char *id = confab_account_sync_send_chat (confab_account_get_sync (account), to, body);

  g_assert_nonnull (id);
}

static void
test_not_in_view (void)
{
  g_autofree char *bob = g_strdup_printf ("bob@%s", CONFAB_TEST_DOMAIN);
  StoredWait wait = { bob, 1 };
  g_autoptr(ConfabHistoryConversation) row = NULL;
  g_autofree char *expected_id = NULL;
  Sent *sent;

  f.visible = NULL;
  send_from (f.bob_account, "hello 0 from bob");
  g_assert_true (ui_test_wait_until (stored_enough, &wait, WAIT_SECONDS));
  g_assert_true (ui_test_wait_until (has_sends, GUINT_TO_POINTER (1), WAIT_SECONDS));

  row = confab_history_store_get_conversation (f.alice->history,
                                               confab_account_get_row_id (f.alice_account),
                                               bob, NULL);
  g_assert_nonnull (row);
  expected_id = g_strdup_printf ("conversation-%" G_GINT64_FORMAT, row->id);

  g_assert_cmpuint (count_sends (NULL, FALSE), ==, 1);
  sent = last_send ();
  g_assert_cmpstr (sent->id, ==, expected_id);
  g_assert_nonnull (strstr (sent->title, "bob"));
  g_assert_nonnull (strstr (sent->body, "hello 0 from bob"));
  g_assert_cmpuint (count_live (), ==, 1);
}

static gboolean
shows_body (gpointer data)
{
  Sent *sent = last_send ();

  return sent != NULL && strstr (sent->body, data) != NULL;
}

/* A body written as markup reaches the desktop as text no notification
 * server parses (some parse bodies as markup). */
static void
test_markup_neutralized (void)
{
  const char *shown = "\u2039b\u203Abold\u2039/b\u203A \uFF06 \u2039img src=x\u203A";

  send_from (f.bob_account, "<b>bold</b> & <img src=x>");
  g_assert_true (ui_test_wait_until (shows_body, (gpointer) shown, WAIT_SECONDS));
  g_assert_null (strpbrk (last_send ()->body, "<>&"));
  g_assert_null (strpbrk (last_send ()->title, "<>&"));
}

static void
test_flood_is_one (void)
{
  g_autofree char *bob = g_strdup_printf ("bob@%s", CONFAB_TEST_DOMAIN);
  g_autofree char *last = g_strdup_printf ("hello %u from bob", FLOOD);
  StoredWait wait = { bob, FLOOD + 1 };
  guint sends;

  for (guint i = 1; i <= FLOOD; i++)
    {
      g_autofree char *body = g_strdup_printf ("hello %u from bob", i);

      send_from (f.bob_account, body);
    }
  g_assert_true (ui_test_wait_until (stored_enough, &wait, WAIT_SECONDS));
  /* Once the rate limit lets it, the newest message is what is shown. */
  g_assert_true (ui_test_wait_until (shows_body, last, WAIT_SECONDS));

  sends = count_sends (NULL, FALSE);
  g_test_message ("%u notification updates for %u messages", sends, FLOOD + 1);
  g_assert_cmpuint (sends, >=, 1);
  g_assert_cmpuint (sends, <=, FLOOD + 1);
  /* Still exactly one notification on the desktop, showing the newest. */
  g_assert_cmpuint (count_live (), ==, 1);
  g_assert_cmpuint (count_sends (NULL, TRUE), ==, 0);
  g_assert_nonnull (strstr (last_send ()->body, last));
}

static void
test_read_withdraws (void)
{
  g_autofree char *bob = g_strdup_printf ("bob@%s", CONFAB_TEST_DOMAIN);
  ConfabConversationList *list = confab_account_manager_get_conversations (f.alice->manager);
  ConfabConversation *conversation = confab_conversation_list_lookup (list, f.alice_account, bob);

  g_assert_nonnull (conversation);
  confab_conversation_mark_read (conversation);
  g_assert_true (ui_test_wait_until (has_withdrawals, GUINT_TO_POINTER (1), WAIT_SECONDS));
  g_assert_cmpuint (count_live (), ==, 0);
}

static void
test_in_view_is_silent (void)
{
  g_autofree char *carol = g_strdup_printf ("carol@%s", CONFAB_TEST_DOMAIN);
  ConfabConversationList *list = confab_account_manager_get_conversations (f.alice->manager);
  StoredWait wait = { carol, 3 };
  guint before = f.sent->len;

  f.visible = confab_conversation_list_ensure (list, f.alice_account, carol);
  g_assert_nonnull (f.visible);

  for (guint i = 0; i < 3; i++)
    send_from (f.carol_account, "carol is in view");
  g_assert_true (ui_test_wait_until (stored_enough, &wait, WAIT_SECONDS));
  ui_test_settle (1200);
  g_assert_cmpuint (f.sent->len, ==, before);
  /* Not from the list lookup either: the same object is in view. */
  g_assert_true (confab_conversation_list_lookup (list, f.alice_account, carol) == f.visible);
  f.visible = NULL;
}

static void
test_preference_off (void)
{
  g_autofree char *bob = g_strdup_printf ("bob@%s", CONFAB_TEST_DOMAIN);
  g_autoptr(ConfabHistoryConversation) before = NULL;
  StoredWait wait = { bob, 0 };
  guint sent_before = f.sent->len;

  before = confab_history_store_get_conversation (f.alice->history,
                                                  confab_account_get_row_id (f.alice_account),
                                                  bob, NULL);
  g_assert_nonnull (before);
  g_settings_set_boolean (f.settings, "notifications", FALSE);
  wait.count = before->unread_count + 1;
  send_from (f.bob_account, "nobody hears this");
  g_assert_true (ui_test_wait_until (stored_enough, &wait, WAIT_SECONDS));
  ui_test_settle (1200);
  g_assert_cmpuint (f.sent->len, ==, sent_before);
  g_settings_set_boolean (f.settings, "notifications", TRUE);
}

static void
test_no_preview (void)
{
  g_autofree char *bob = g_strdup_printf ("bob@%s", CONFAB_TEST_DOMAIN);
  ConfabConversationList *list = confab_account_manager_get_conversations (f.alice->manager);
  guint sent_before = count_sends (NULL, FALSE);

  /* Start from a read conversation, so the next message notifies anew. */
  confab_conversation_mark_read (confab_conversation_list_lookup (list, f.alice_account, bob));
  ui_test_settle (1200);
  g_settings_set_boolean (f.settings, "notification-preview", FALSE);
  send_from (f.bob_account, "a secret text");
  g_assert_true (ui_test_wait_until (has_sends, GUINT_TO_POINTER (sent_before + 1), WAIT_SECONDS));
  g_assert_null (strstr (last_send ()->body, "secret"));
  g_assert_cmpuint (strlen (last_send ()->body), >, 0);
  g_settings_set_boolean (f.settings, "notification-preview", TRUE);
}

int
main (int    argc,
      char **argv)
{
  int status;

  ui_test_init (&argc, &argv);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  f.sent = g_ptr_array_new_with_free_func (sent_free);
  f.alice = ui_test_profile_new ();
  f.bob = ui_test_profile_new ();
  f.carol = ui_test_profile_new ();
  f.alice_account = ui_test_profile_add_account (f.alice, "alice");
  f.bob_account = ui_test_profile_add_account (f.bob, "bob");
  f.carol_account = ui_test_profile_add_account (f.carol, "carol");
  f.application = gtk_application_new ("im.confab.ConfabTestNotifications", G_APPLICATION_NON_UNIQUE);
  f.settings = test_settings ();
  f.notifier = confab_notifier_new (G_APPLICATION (f.application), f.alice->manager, f.settings);
  confab_notifier_set_test_hooks (f.notifier, record_send, visible_conversation, NULL);

  g_test_add_func ("/ui/notifications/not-in-view", test_not_in_view);
  g_test_add_func ("/ui/notifications/flood-is-one", test_flood_is_one);
  g_test_add_func ("/ui/notifications/markup-neutralized", test_markup_neutralized);
  g_test_add_func ("/ui/notifications/read-withdraws", test_read_withdraws);
  g_test_add_func ("/ui/notifications/in-view-is-silent", test_in_view_is_silent);
  g_test_add_func ("/ui/notifications/preference-off", test_preference_off);
  g_test_add_func ("/ui/notifications/no-preview", test_no_preview);
  status = g_test_run ();

  g_clear_object (&f.notifier);
  g_clear_object (&f.settings);
  g_clear_object (&f.application);
  g_clear_pointer (&f.carol, ui_test_profile_free);
  g_clear_pointer (&f.bob, ui_test_profile_free);
  g_clear_pointer (&f.alice, ui_test_profile_free);
  g_clear_pointer (&f.sent, g_ptr_array_unref);
  xmpp_test_stop_server ();
  return status;
}
