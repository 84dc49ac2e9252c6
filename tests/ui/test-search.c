/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-search.c: the search dialog finds a received message by a word and
 * lists it with the word emphasised; text that looks like FTS5 syntax is
 * just text. Messages are really received (bob sends through Prosody) and
 * really stored in the profile's history store. */

#include "config.h"

#include <string.h>

#include "confab-search-dialog.h"
#include "confab-account-sync.h"
#include "ui-test-util.h"

#define WAIT_SECONDS 60

typedef struct {
  UiTestProfile *alice;
  UiTestProfile *bob;
  ConfabAccount *alice_account;
  ConfabAccount *bob_account;
} Fixture;

static Fixture f;

static gboolean
stored_count (gpointer data)
{
  g_autofree char *bob = g_strdup_printf ("bob@%s", CONFAB_TEST_DOMAIN);
  g_autoptr(ConfabHistoryConversation) row =
    confab_history_store_get_conversation (f.alice->history,
                                           confab_account_get_row_id (f.alice_account),
                                           bob, NULL);

  return row != NULL && row->unread_count >= GPOINTER_TO_UINT (data);
}

typedef struct {
  ConfabSearchDialog *dialog;
  guint               count;
  const char         *text;    /* a label that must show, or NULL */
} ResultWait;

static gboolean
results_shown (gpointer data)
{
  ResultWait *wait = data;
  GListModel *results = confab_search_dialog_get_results (wait->dialog);

  if (g_list_model_get_n_items (results) != wait->count)
    return FALSE;
  return wait->text == NULL || ui_test_find_text (GTK_WIDGET (wait->dialog), wait->text) != NULL;
}

static void
type_query (ConfabSearchDialog *dialog,
            const char         *text)
{
  GtkWidget *entry = ui_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_SEARCH_ENTRY, "search_entry");

  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
test_finds_received (void)
{
  ConfabSearchDialog *dialog;
  ResultWait wait = { NULL, 1, "kumquat" };
  g_autoptr(ConfabSearchHit) hit = NULL;
  GtkWidget *snippet;
  PangoAttrList *attrs;
  g_autoptr(GSList) list = NULL;

  dialog = CONFAB_SEARCH_DIALOG (confab_search_dialog_present (NULL, f.alice->manager, NULL));
  wait.dialog = dialog;
  type_query (dialog, "KUMQUAT");
  g_assert_true (ui_test_wait_until (results_shown, &wait, WAIT_SECONDS));

  hit = g_list_model_get_item (confab_search_dialog_get_results (dialog), 0);
  g_assert_cmpstr (confab_search_hit_get_message (hit)->body, ==,
                   "A ripe kumquat arrived with the <b>courier</b>");
  g_assert_cmpint (confab_search_hit_get_message (hit)->direction, ==, CONFAB_HISTORY_DIRECTION_IN);

  /* The snippet is the text, never markup: the tags show as they are,
   * and the matched word is emphasised by an attribute. */
  snippet = ui_test_find_text (GTK_WIDGET (dialog), "<b>courier</b>");
  g_assert_nonnull (snippet);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (snippet)));
  attrs = gtk_label_get_attributes (GTK_LABEL (snippet));
  g_assert_nonnull (attrs);
  list = pango_attr_list_get_attributes (attrs);
  g_assert_cmpuint (g_slist_length (list), ==, 1);
  {
    PangoAttribute *attr = list->data;
    const char *text = gtk_label_get_text (GTK_LABEL (snippet));

    g_assert_cmpint (attr->klass->type, ==, PANGO_ATTR_WEIGHT);
    g_assert_cmpint (strncmp (text + attr->start_index, "kumquat", 7), ==, 0);
    g_assert_cmpuint (attr->end_index - attr->start_index, ==, 7);
  }
  g_slist_free_full (g_steal_pointer (&list), (GDestroyNotify) pango_attribute_destroy);

  /* Several words: every one must be there. */
  wait.text = NULL;
  type_query (dialog, "kumquat courier");
  g_assert_true (ui_test_wait_until (results_shown, &wait, WAIT_SECONDS));
  wait.count = 0;
  type_query (dialog, "kumquat banana");
  g_assert_true (ui_test_wait_until (results_shown, &wait, WAIT_SECONDS));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_fts_syntax_is_text (void)
{
  /* Each must neither fail nor warn (warnings are fatal here). */
  static const struct { const char *query; guint count; } cases[] = {
    { "\"kumquat", 1 },
    { "kumquat\"", 1 },
    { "\"\"\"", 0 },
    { "NEAR(kumquat", 0 },
    { "kumquat OR banana", 0 },
    { "kumquat AND", 0 },
    { "NOT kumquat", 0 },
    { "kum*", 0 },
    { "body:kumquat", 0 },
    { "^kumquat", 1 },
    { "(kumquat)", 1 },
    { "-kumquat", 1 },
  };
  ConfabSearchDialog *dialog;

  dialog = CONFAB_SEARCH_DIALOG (confab_search_dialog_present (NULL, f.alice->manager, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ResultWait wait = { dialog, cases[i].count, NULL };

      g_test_message ("query %s", cases[i].query);
      type_query (dialog, cases[i].query);
      /* Let the debounce run, then check: the same count after it. */
      ui_test_settle (300);
      g_assert_true (ui_test_wait_until (results_shown, &wait, WAIT_SECONDS));
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_scoped (void)
{
  g_autofree char *bob = g_strdup_printf ("bob@%s", CONFAB_TEST_DOMAIN);
  g_autofree char *carol = g_strdup_printf ("carol@%s", CONFAB_TEST_DOMAIN);
  ConfabConversationList *list = confab_account_manager_get_conversations (f.alice->manager);
  ConfabConversation *with_bob = confab_conversation_list_lookup (list, f.alice_account, bob);
  ConfabConversation *with_carol = confab_conversation_list_ensure (list, f.alice_account, carol);
  ConfabSearchDialog *dialog;
  ResultWait wait = { NULL, 1, NULL };

  g_assert_nonnull (with_bob);
  g_assert_nonnull (with_carol);

  dialog = CONFAB_SEARCH_DIALOG (confab_search_dialog_present (NULL, f.alice->manager, with_bob));
  wait.dialog = dialog;
  type_query (dialog, "kumquat");
  g_assert_true (ui_test_wait_until (results_shown, &wait, WAIT_SECONDS));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Nothing with carol: the same word finds nothing there. */
  dialog = CONFAB_SEARCH_DIALOG (confab_search_dialog_present (NULL, f.alice->manager, with_carol));
  wait.dialog = dialog;
  wait.count = 0;
  type_query (dialog, "kumquat");
  ui_test_settle (300);
  g_assert_true (ui_test_wait_until (results_shown, &wait, WAIT_SECONDS));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_highlight (void)
{
  static const struct { const char *text; const char *query; guint n; const char *first; } cases[] = {
    { "Hello quick World", "QUICK", 1, "quick" },
    { "concatenate the cat", "cat", 1, "cat" },         /* whole words only */
    { "Ünïcode ÜNÏCODE", "ünïcode", 2, "Ünïcode" },
    { "nothing here", "kumquat", 0, NULL },
    { "a \"quoted\" word", "\"quoted", 1, "quoted" },
    { "", "x", 0, NULL },
    { "text", "", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PangoAttrList) attrs = confab_search_highlight (cases[i].text, cases[i].query);
      GSList *list = pango_attr_list_get_attributes (attrs);

      g_assert_cmpuint (g_slist_length (list), ==, cases[i].n);
      if (cases[i].first != NULL)
        {
          PangoAttribute *attr = list->data;

          g_assert_cmpint (strncmp (cases[i].text + attr->start_index, cases[i].first,
                                    strlen (cases[i].first)), ==, 0);
        }
      g_slist_free_full (list, (GDestroyNotify) pango_attribute_destroy);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *alice = NULL;
  int status;

  ui_test_init (&argc, &argv);
  g_test_add_func ("/ui/search/highlight", test_highlight);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

  f.alice = ui_test_profile_new ();
  f.bob = ui_test_profile_new ();
  f.alice_account = ui_test_profile_add_account (f.alice, "alice");
  f.bob_account = ui_test_profile_add_account (f.bob, "bob");

  /* bob → alice, for real; then wait until alice's store has it. */
  alice = g_strdup_printf ("alice@%s", CONFAB_TEST_DOMAIN);
  g_free (confab_account_sync_send_chat (confab_account_get_sync (f.bob_account), alice,
                                         "Good morning, nothing to see"));
  g_free (confab_account_sync_send_chat (confab_account_get_sync (f.bob_account), alice,
                                         "A ripe kumquat arrived with the <b>courier</b>"));
  g_assert_true (ui_test_wait_until (stored_count, GUINT_TO_POINTER (2), WAIT_SECONDS));

  g_test_add_func ("/ui/search/finds-received", test_finds_received);
  g_test_add_func ("/ui/search/fts-syntax-is-text", test_fts_syntax_is_text);
  g_test_add_func ("/ui/search/scoped", test_scoped);
  status = g_test_run ();

  g_clear_pointer (&f.bob, ui_test_profile_free);
  g_clear_pointer (&f.alice, ui_test_profile_free);
  xmpp_test_stop_server ();
  return status;
}
