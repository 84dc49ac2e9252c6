/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-contacts.c: the contacts dialogs against the real Prosody. alice adds
 * bob from "Add Contact" and bob's side gets the subscription request;
 * carol's request shows in alice's contacts dialog and "Accept" approves it;
 * bad addresses get a clear error; the search filters; details rename. */

#include "config.h"

#include <string.h>

#include "confab-add-contact-dialog.h"
#include "confab-contact-row.h"
#include "confab-contacts-dialog.h"
#include "confab-roster-model.h"
#include "confab-uri-handler.h"
#include "ui-test-util.h"

#define WAIT_SECONDS 60

typedef struct {
  UiTestProfile *alice;
  UiTestProfile *bob;
  UiTestProfile *carol;
  ConfabAccount *alice_account;
  ConfabAccount *bob_account;
  ConfabAccount *carol_account;
  char          *alice_jid;
  char          *bob_jid;
  char          *carol_jid;
} Fixture;

static Fixture f;

static ConfabRosterModel *
roster_of (ConfabAccount *account)
{
  return confab_account_get_roster (account);
}

static gboolean
model_has_jid (GListModel *model,
               const char *jid)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabContact) contact = g_list_model_get_item (model, i);

      if (g_strcmp0 (confab_contact_get_jid (contact), jid) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
set_text (GtkWidget  *root,
          const char *id,
          const char *text)
{
  GtkWidget *widget = ui_test_find_widget (root, GTK_TYPE_EDITABLE, id);

  g_assert_nonnull (widget);
  gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

static void
click (GtkWidget  *root,
       const char *id)
{
  GtkWidget *button = ui_test_find_widget (root, GTK_TYPE_BUTTON, id);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static const char *
error_text (GtkWidget *dialog)
{
  GtkWidget *label = ui_test_find_widget (dialog, GTK_TYPE_LABEL, "error_label");

  g_assert_nonnull (label);
  if (!gtk_widget_get_visible (label))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (label));
}

static void
test_check_jid (void)
{
  static const struct { const char *text; const char *bare; } cases[] = {
    { "bob@example.com", "bob@example.com" },
    { "  Bob@Example.COM  ", "bob@example.com" },
    { "xmpp:bob@example.com", "bob@example.com" },
    { "", NULL },
    { "   ", NULL },
    { "bob@", NULL },
    { "@example.com", NULL },
    { "bob@example.com/phone", NULL },
    { "example.com", NULL },
    { "bob smith@example.com", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *bare = confab_add_contact_dialog_check_jid (cases[i].text, &error);

      g_test_message ("“%s”", cases[i].text);
      g_assert_cmpstr (bare, ==, cases[i].bare);
      if (cases[i].bare == NULL)
        {
          g_assert_nonnull (error);
          g_assert_cmpuint (strlen (error->message), >, 0);
        }
      else
        g_assert_no_error (error);
    }
}

static void
test_add_invalid (void)
{
  GtkWidget *dialog = GTK_WIDGET (confab_add_contact_dialog_present (NULL, f.alice->manager));
  guint requests = g_list_model_get_n_items (confab_roster_model_get_requests (roster_of (f.bob_account)));

  /* Empty: nothing to press. */
  g_assert_false (gtk_widget_get_sensitive (ui_test_find_widget (dialog, GTK_TYPE_BUTTON, "add_button")));

  set_text (dialog, "jid_row", "bob@@confab");
  click (dialog, "add_button");
  g_assert_nonnull (error_text (dialog));
  g_assert_true (gtk_widget_get_visible (dialog));

  set_text (dialog, "jid_row", "bob@confab.test/phone");
  g_assert_null (error_text (dialog));  /* typing clears the error */
  click (dialog, "add_button");
  g_assert_nonnull (strstr (error_text (dialog), "/"));

  set_text (dialog, "jid_row", f.alice_jid);
  click (dialog, "add_button");
  g_assert_nonnull (error_text (dialog));

  /* Nothing reached bob. */
  ui_test_settle (300);
  g_assert_cmpuint (g_list_model_get_n_items (confab_roster_model_get_requests (roster_of (f.bob_account))),
                    ==, requests);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
bob_has_request (gpointer data)
{
  return model_has_jid (confab_roster_model_get_requests (roster_of (f.bob_account)), f.alice_jid);
}

static gboolean
alice_has_bobby (gpointer data)
{
  ConfabContact *bob = confab_roster_model_lookup (roster_of (f.alice_account), f.bob_jid);

  return bob != NULL && g_strcmp0 (confab_contact_get_name (bob), "Bobby") == 0;
}

static void
test_add_bob (void)
{
  GtkWidget *dialog = GTK_WIDGET (confab_add_contact_dialog_present (NULL, f.alice->manager));
  ConfabContact *bob;

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  set_text (dialog, "jid_row", f.bob_jid);
  set_text (dialog, "name_row", "Bobby");
  set_text (dialog, "group_row", "Friends");
  click (dialog, "add_button");

  g_assert_true (ui_test_wait_until (bob_has_request, NULL, WAIT_SECONDS));
  g_assert_true (ui_test_wait_until (alice_has_bobby, NULL, WAIT_SECONDS));
  bob = confab_roster_model_lookup (roster_of (f.alice_account), f.bob_jid);
  g_assert_true (g_strv_contains (confab_contact_get_groups (bob), "Friends"));
  g_assert_true (confab_contact_get_in_roster (bob));

  /* Success closes the dialog. */
  ui_test_settle (200);
  g_assert_null (dialog);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (confab_roster_model_action_finish (CONFAB_ROSTER_MODEL (object), result, NULL));
  *done = TRUE;
}

typedef struct {
  ConfabContactsDialog *dialog;
} DialogWait;

static gboolean
carol_request_shown (gpointer data)
{
  DialogWait *wait = data;

  return model_has_jid (confab_contacts_dialog_get_requests (wait->dialog), f.carol_jid)
         && ui_test_find_text (GTK_WIDGET (wait->dialog), f.carol_jid) != NULL
         && ui_test_find_widget (GTK_WIDGET (wait->dialog), GTK_TYPE_BUTTON, "accept_button") != NULL;
}

static gboolean
carol_sees_alice (gpointer data)
{
  ConfabContact *alice = confab_roster_model_lookup (roster_of (f.carol_account), f.alice_jid);
  ConfabXmppSubscription subscription = alice != NULL ? confab_contact_get_subscription (alice)
                                                      : CONFAB_XMPP_SUBSCRIPTION_NONE;

  return subscription == CONFAB_XMPP_SUBSCRIPTION_TO || subscription == CONFAB_XMPP_SUBSCRIPTION_BOTH;
}

static gboolean
requests_gone (gpointer data)
{
  DialogWait *wait = data;
  GtkWidget *box = ui_test_find_widget (GTK_WIDGET (wait->dialog), GTK_TYPE_BOX, "requests_box");

  return g_list_model_get_n_items (confab_contacts_dialog_get_requests (wait->dialog)) == 0
         && box != NULL && !gtk_widget_get_visible (box);
}

static void
test_accept_request (void)
{
  DialogWait wait = { NULL };
  gboolean done = FALSE;

  wait.dialog = CONFAB_CONTACTS_DIALOG (confab_contacts_dialog_present (NULL, f.alice->manager));

  /* carol asks alice (RFC 6121 §3.1.1). */
  confab_roster_model_add_contact_async (roster_of (f.carol_account), f.alice_jid, NULL, NULL,
                                         NULL, added_cb, &done);
  g_assert_true (xmpp_test_wait_for (&done, WAIT_SECONDS));
  g_assert_true (ui_test_wait_until (carol_request_shown, &wait, WAIT_SECONDS));

  click (GTK_WIDGET (wait.dialog), "accept_button");
  g_assert_true (ui_test_wait_until (carol_sees_alice, NULL, WAIT_SECONDS));
  g_assert_true (ui_test_wait_until (requests_gone, &wait, WAIT_SECONDS));
  gtk_window_destroy (GTK_WINDOW (wait.dialog));
}

typedef struct {
  ConfabContactsDialog *dialog;
  guint                 count;
} CountWait;

static gboolean
contacts_count (gpointer data)
{
  CountWait *wait = data;

  return g_list_model_get_n_items (confab_contacts_dialog_get_contacts (wait->dialog)) == wait->count;
}

static gboolean
shows_bobby (gpointer data)
{
  return ui_test_find_text (GTK_WIDGET (data), "Bobby") != NULL;
}

static void
test_search_filters (void)
{
  CountWait wait = { NULL, 1 };
  GtkWidget *stack;
  g_autoptr(ConfabContact) contact = NULL;

  wait.dialog = CONFAB_CONTACTS_DIALOG (confab_contacts_dialog_present (NULL, f.alice->manager));
  stack = ui_test_find_widget (GTK_WIDGET (wait.dialog), GTK_TYPE_STACK, "stack");

  /* By name, case-insensitively, and by address. */
  set_text (GTK_WIDGET (wait.dialog), "search_entry", "BOBB");
  g_assert_true (ui_test_wait_until (contacts_count, &wait, WAIT_SECONDS));
  contact = g_list_model_get_item (confab_contacts_dialog_get_contacts (wait.dialog), 0);
  g_assert_cmpstr (confab_contact_get_jid (contact), ==, f.bob_jid);
  g_assert_true (ui_test_wait_until (shows_bobby, wait.dialog, WAIT_SECONDS));

  set_text (GTK_WIDGET (wait.dialog), "search_entry", "bob@");
  g_assert_true (ui_test_wait_until (contacts_count, &wait, WAIT_SECONDS));

  wait.count = 0;
  set_text (GTK_WIDGET (wait.dialog), "search_entry", "nobody-has-this-name");
  g_assert_true (ui_test_wait_until (contacts_count, &wait, WAIT_SECONDS));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
  gtk_window_destroy (GTK_WINDOW (wait.dialog));
}

static gboolean
bob_renamed (gpointer data)
{
  ConfabContact *bob = confab_roster_model_lookup (roster_of (f.alice_account), f.bob_jid);

  return bob != NULL && g_strcmp0 (confab_contact_get_name (bob), "Robert") == 0
         && g_strv_contains (confab_contact_get_groups (bob), "Work")
         && g_strv_contains (confab_contact_get_groups (bob), "Chess");
}

static void
test_details_rename (void)
{
  ConfabContact *bob = confab_roster_model_lookup (roster_of (f.alice_account), f.bob_jid);
  GtkWidget *details;
  GtkWidget *row;

  g_assert_nonnull (bob);
  details = GTK_WIDGET (confab_contact_details_present (NULL, bob));
  g_assert_nonnull (ui_test_find_text (details, "Bobby"));
  /* Alice asked, bob has not answered: the words say so. */
  g_assert_nonnull (ui_test_find_text (details, "waiting"));

  row = ui_test_find_widget (details, ADW_TYPE_ENTRY_ROW, "name_row");
  gtk_editable_set_text (GTK_EDITABLE (row), "Robert");
  g_signal_emit_by_name (row, "apply");
  row = ui_test_find_widget (details, ADW_TYPE_ENTRY_ROW, "groups_row");
  gtk_editable_set_text (GTK_EDITABLE (row), "Work, Chess, ,Work");
  g_signal_emit_by_name (row, "apply");
  g_assert_true (ui_test_wait_until (bob_renamed, NULL, WAIT_SECONDS));
  g_assert_cmpuint (g_strv_length ((char **) confab_contact_get_groups (bob)), ==, 2);
  gtk_window_destroy (GTK_WINDOW (details));
}

static guint
bob_found (const char *word)
{
  g_autoptr(GPtrArray) found = confab_history_store_search (f.bob->history, 0, word, 10, NULL);

  g_assert_nonnull (found);
  return found->len;
}

static gboolean
bob_got_link_text (gpointer data)
{
  return bob_found ("linkbody") == 1;
}

static gboolean
alice_has_dave (gpointer data)
{
  g_autofree char *dave = g_strdup_printf ("dave@%s", CONFAB_TEST_DOMAIN);
  ConfabContact *contact = confab_roster_model_lookup (roster_of (f.alice_account), dave);

  return contact != NULL && g_strcmp0 (confab_contact_get_name (contact), "Dave D") == 0;
}

/* An xmpp: link never sends, subscribes or joins before the user says so. */
static void
test_uri_asks_first (void)
{
  g_autofree char *message = g_strdup_printf ("xmpp:%s?message;body=a%%20linkbody%%20text", f.bob_jid);
  g_autofree char *roster = g_strdup_printf ("xmpp:dave@%s?roster;name=Dave%%20D;group=Links", CONFAB_TEST_DOMAIN);
  g_autofree char *dave = g_strdup_printf ("dave@%s", CONFAB_TEST_DOMAIN);
  GtkWindow *dialog;

  /* Sending: cancelled sends nothing; confirmed sends once. */
  dialog = confab_uri_handler_open (NULL, f.alice->manager, message);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (ui_test_find_text (GTK_WIDGET (dialog), "a linkbody text"));
  ui_test_settle (500);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  ui_test_settle (1000);
  g_assert_cmpuint (bob_found ("linkbody"), ==, 0);

  dialog = confab_uri_handler_open (NULL, f.alice->manager, message);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "send");
  gtk_window_destroy (dialog);
  g_assert_true (ui_test_wait_until (bob_got_link_text, NULL, WAIT_SECONDS));

  /* Adding to the roster (which subscribes): only after "Add Contact". */
  dialog = confab_uri_handler_open (NULL, f.alice->manager, roster);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  ui_test_settle (500);
  g_assert_null (confab_roster_model_lookup (roster_of (f.alice_account), dave));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "add");
  gtk_window_destroy (dialog);
  g_assert_true (ui_test_wait_until (alice_has_dave, NULL, WAIT_SECONDS));

  /* Joining: not supported, and said so. */
  dialog = confab_uri_handler_open (NULL, f.alice->manager, "xmpp:room@conference.example.com?join");
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), "Not Supported"));
  gtk_window_destroy (dialog);

  /* Malformed: an error, nothing else. */
  dialog = confab_uri_handler_open (NULL, f.alice->manager, "xmpp:bob@@example.com?message;body=x");
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Cannot Open Link");
  gtk_window_destroy (dialog);
}

/* 500, not 2,000: Prosody rewrites the whole roster on every roster set,
 * so building 2,000 takes minutes here; 500 is already more than GtkListView
 * ever realizes (about 200 rows), which is what this test checks. The
 * launch benchmark measures a 2,000-contact roster. */
#define BIG_ROSTER    500
#define ROSTER_WINDOW 16

static void
updated_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_roster_model_action_finish (CONFAB_ROSTER_MODEL (object), result, &error))
    g_test_message ("after %u: %s", *done, error->message);
  g_assert_no_error (error);
  (*done)++;
}

static gboolean
all_updated (gpointer data)
{
  return *(guint *) data == BIG_ROSTER;
}

static guint
count_rows (GtkWidget *widget)
{
  guint n = CONFAB_IS_CONTACT_ROW (widget) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_rows (child);
  return n;
}

/* Many contacts: the list builds rows for what is visible (and GtkListView's
 * small reserve) only, never one per contact, and the search still finds
 * one. */
static void
test_big_roster (void)
{
  ConfabRosterModel *roster = roster_of (f.bob_account);
  CountWait wait = { NULL, 1 };
  guint done = 0;
  guint rows;
  gint64 start;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < BIG_ROSTER; i++)
    {
      g_autofree char *jid = g_strdup_printf ("user%04u@example.org", i);
      g_autofree char *name = g_strdup_printf ("Person %04u", i);

      /* A roster set only (no subscription requests to 2,000 people), a
       * few at a time: the server writes the whole roster for each. */
      confab_roster_model_update_contact_async (roster, jid, name, NULL, NULL, updated_cb, &done);
      while (i + 1 - done >= ROSTER_WINDOW)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (ui_test_wait_until (all_updated, &done, WAIT_SECONDS * 3));
  g_test_message ("%u roster sets in %" G_GINT64_FORMAT " ms", BIG_ROSTER,
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (roster)), >=, BIG_ROSTER);

  start = g_get_monotonic_time ();
  wait.dialog = CONFAB_CONTACTS_DIALOG (confab_contacts_dialog_present (NULL, f.bob->manager));
  ui_test_settle (300);
  g_test_message ("contacts dialog with %u contacts shown in %" G_GINT64_FORMAT " ms (with 300 ms settling)",
                  g_list_model_get_n_items (G_LIST_MODEL (roster)),
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (g_list_model_get_n_items (confab_contacts_dialog_get_contacts (wait.dialog)), >=, BIG_ROSTER);
  rows = count_rows (GTK_WIDGET (wait.dialog));
  g_test_message ("%u rows built", rows);
  g_assert_cmpuint (rows, >, 0);
  g_assert_cmpuint (rows, <, BIG_ROSTER / 2);

  start = g_get_monotonic_time ();
  set_text (GTK_WIDGET (wait.dialog), "search_entry", "person 0499");
  g_assert_true (ui_test_wait_until (contacts_count, &wait, WAIT_SECONDS));
  g_test_message ("filtered to 1 in %" G_GINT64_FORMAT " ms (search delay included)",
                  (g_get_monotonic_time () - start) / 1000);
  gtk_window_destroy (GTK_WINDOW (wait.dialog));
}

int
main (int    argc,
      char **argv)
{
  int status;

  ui_test_init (&argc, &argv);
  g_test_add_func ("/ui/contacts/check-jid", test_check_jid);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  f.alice_jid = g_strdup_printf ("alice@%s", CONFAB_TEST_DOMAIN);
  f.bob_jid = g_strdup_printf ("bob@%s", CONFAB_TEST_DOMAIN);
  f.carol_jid = g_strdup_printf ("carol@%s", CONFAB_TEST_DOMAIN);
  f.alice = ui_test_profile_new ();
  f.bob = ui_test_profile_new ();
  f.carol = ui_test_profile_new ();
  f.alice_account = ui_test_profile_add_account (f.alice, "alice");
  f.bob_account = ui_test_profile_add_account (f.bob, "bob");
  f.carol_account = ui_test_profile_add_account (f.carol, "carol");

  g_test_add_func ("/ui/contacts/add-invalid", test_add_invalid);
  g_test_add_func ("/ui/contacts/add-bob", test_add_bob);
  g_test_add_func ("/ui/contacts/accept-request", test_accept_request);
  g_test_add_func ("/ui/contacts/search-filters", test_search_filters);
  g_test_add_func ("/ui/contacts/details-rename", test_details_rename);
  g_test_add_func ("/ui/contacts/uri-asks-first", test_uri_asks_first);
  g_test_add_func ("/ui/contacts/many-contacts", test_big_roster);
  status = g_test_run ();

  g_clear_pointer (&f.carol, ui_test_profile_free);
  g_clear_pointer (&f.bob, ui_test_profile_free);
  g_clear_pointer (&f.alice, ui_test_profile_free);
  g_free (f.alice_jid);
  g_free (f.bob_jid);
  g_free (f.carol_jid);
  xmpp_test_stop_server ();
  return status;
}
