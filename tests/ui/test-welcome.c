/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The first-run page against the real Prosody: logging in through the
 * form, a wrong password (an error in words, no account left behind), an
 * untrusted certificate (the trust dialog, then online), and the accounts
 * page listing what was added. */
#include "ui-test-util.h"

#include <string.h>

#include "confab-accounts-page.h"
#include "confab-certificate-dialog.h"
#include "confab-error-text.h"
#include "confab-welcome-page.h"
#include "confab-xmpp-error.h"

typedef struct {
  UiTestProfile        *profile;
  ConfabAccountManager *manager;   /* the page's: the profile's unless a test sets another */
  GtkWidget            *window;
  GtkWidget            *page;
  ConfabAccount        *added;
  guint                 n_added;
} Fixture;

static void
account_added_cb (GtkWidget     *page,
                  ConfabAccount *account,
                  Fixture       *f)
{
  g_assert_true (CONFAB_IS_ACCOUNT (account));
  g_set_object (&f->added, account);
  f->n_added++;
}

static void
show_page (Fixture              *f,
           ConfabAccountManager *manager)
{
  f->manager = manager;
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 480, 720);
  f->page = confab_welcome_page_new (manager);
  g_signal_connect (f->page, "account-added", G_CALLBACK (account_added_cb), f);
  gtk_window_set_child (GTK_WINDOW (f->window), f->page);
  gtk_window_present (GTK_WINDOW (f->window));
  ui_test_settle (100);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->profile = ui_test_profile_new ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->added);
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  ui_test_settle (50);
  ui_test_profile_free (f->profile);
}

static GtkWidget *
find (Fixture    *f,
      GType       type,
      const char *name)
{
  GtkWidget *widget = ui_test_find_widget (f->page, type, name);

  if (widget == NULL)
    g_error ("No widget “%s” on the welcome page", name);
  return widget;
}

/* Fills the login form as a user would: address, password, and in
 * "Advanced" the test server's host and port. */
static void
fill_login (Fixture    *f,
            const char *jid,
            const char *password)
{
  ConfabTestServer *server = xmpp_test_server ();

  gtk_editable_set_text (GTK_EDITABLE (find (f, ADW_TYPE_ENTRY_ROW, "jid_row")), jid);
  gtk_editable_set_text (GTK_EDITABLE (find (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "password_row")), password);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (find (f, ADW_TYPE_EXPANDER_ROW, "advanced_row")), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (find (f, ADW_TYPE_ENTRY_ROW, "host_row")), "127.0.0.1");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, GTK_TYPE_SPIN_BUTTON, "port_spin")),
                             confab_test_server_get_port (server));
  ui_test_settle (50);
}

static void
click_login (Fixture *f)
{
  GtkWidget *button = find (f, GTK_TYPE_BUTTON, "login_button");

  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
added_pred (gpointer data)
{
  Fixture *f = data;

  return f->n_added > 0;
}

static gboolean
error_shown_pred (gpointer data)
{
  Fixture *f = data;
  GtkWidget *label = ui_test_find_widget (f->page, GTK_TYPE_LABEL, "error_label");

  return gtk_widget_get_visible (label) && *gtk_label_get_text (GTK_LABEL (label)) != '\0';
}

static gboolean
idle_pred (gpointer data)
{
  Fixture *f = data;

  return !gtk_widget_get_visible (ui_test_find_widget (f->page, GTK_TYPE_BOX, "busy_box"));
}

static gboolean
no_accounts_pred (gpointer data)
{
  Fixture *f = data;

  return g_list_model_get_n_items (G_LIST_MODEL (f->manager)) == 0;
}

/* The certificate dialog on screen, or NULL. */
static ConfabCertificateDialog *
find_certificate_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CONFAB_IS_CERTIFICATE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return CONFAB_CERTIFICATE_DIALOG (window);
    }
  return NULL;
}

static gboolean
certificate_dialog_pred (gpointer data)
{
  return find_certificate_dialog () != NULL;
}

/* ---- Tests -------------------------------------------------------------------- */

static void
test_login (Fixture       *f,
            gconstpointer  data)
{
  ConfabAccount *account;

  show_page (f, f->profile->manager);
  fill_login (f, "alice@" CONFAB_TEST_DOMAIN, "secret-alice");
  click_login (f);
  /* While it connects, the page says so. */
  g_assert_true (gtk_widget_get_visible (find (f, GTK_TYPE_BOX, "busy_box")));

  if (!ui_test_wait_until (added_pred, f, 60))
    {
      xmpp_test_print_server_log (40);
      g_error ("::account-added did not fire; the page says “%s”",
               gtk_label_get_text (GTK_LABEL (find (f, GTK_TYPE_LABEL, "error_label"))));
    }
  g_assert_cmpuint (f->n_added, ==, 1);
  account = confab_account_manager_lookup (f->manager, "alice@" CONFAB_TEST_DOMAIN);
  g_assert_true (account == f->added);
  g_assert_cmpint (confab_account_get_state (account), ==, CONFAB_ACCOUNT_STATE_ONLINE);
  /* The advanced settings were stored with the account. */
  g_assert_cmpstr (confab_account_get_host (account), ==, "127.0.0.1");
  g_assert_cmpuint (confab_account_get_port (account), ==, confab_test_server_get_port (xmpp_test_server ()));
  g_assert_false (gtk_widget_get_visible (find (f, GTK_TYPE_LABEL, "error_label")));
  g_assert_false (gtk_widget_get_visible (find (f, GTK_TYPE_BOX, "busy_box")));
  /* The password does not stay in the form. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "password_row"))),
                   ==, "");
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) expected = g_error_new_literal (CONFAB_XMPP_SASL_ERROR,
                                                    CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED, "");
  g_autofree char *expected_text = confab_error_describe (expected);
  GtkWidget *label;

  show_page (f, f->profile->manager);
  fill_login (f, "bob@" CONFAB_TEST_DOMAIN, "not-bobs-password");
  click_login (f);

  g_assert_true (ui_test_wait_until (error_shown_pred, f, 60));
  label = find (f, GTK_TYPE_LABEL, "error_label");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected_text);
  /* The failed account is gone again, and the form is usable. */
  g_assert_true (ui_test_wait_until (no_accounts_pred, f, 30));
  g_assert_true (ui_test_wait_until (idle_pred, f, 30));
  g_assert_null (confab_account_manager_lookup (f->manager, "bob@" CONFAB_TEST_DOMAIN));
  g_assert_cmpuint (f->n_added, ==, 0);

  /* Correcting the password then works (no "already added"). */
  gtk_editable_set_text (GTK_EDITABLE (find (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "password_row")), "secret-bob");
  click_login (f);
  g_assert_true (ui_test_wait_until (added_pred, f, 60));
  g_assert_cmpint (confab_account_get_state (f->added), ==, CONFAB_ACCOUNT_STATE_ONLINE);
  g_assert_false (gtk_widget_get_visible (label));
}

static void
test_invalid_address (Fixture       *f,
                      gconstpointer  data)
{
  show_page (f, f->profile->manager);
  fill_login (f, "not an address", "whatever");
  click_login (f);
  /* Refused at once, without touching the network or the manager. */
  g_assert_true (error_shown_pred (f));
  g_assert_false (gtk_widget_get_visible (find (f, GTK_TYPE_BOX, "busy_box")));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->manager)), ==, 0);
}

static void
test_cancel_then_retry (Fixture       *f,
                        gconstpointer  data)
{
  show_page (f, f->profile->manager);
  fill_login (f, "alice@" CONFAB_TEST_DOMAIN, "secret-alice");
  click_login (f);
  g_signal_emit_by_name (find (f, GTK_TYPE_BUTTON, "cancel_button"), "clicked");

  /* Nothing is left behind, and nothing is reported as an error. */
  g_assert_true (ui_test_wait_until (idle_pred, f, 30));
  g_assert_true (ui_test_wait_until (no_accounts_pred, f, 30));
  g_assert_false (gtk_widget_get_visible (find (f, GTK_TYPE_LABEL, "error_label")));
  g_assert_cmpuint (f->n_added, ==, 0);

  /* The next try is not cancelled by the last one. */
  click_login (f);
  g_assert_true (ui_test_wait_until (added_pred, f, 60));
  g_assert_cmpint (confab_account_get_state (f->added), ==, CONFAB_ACCOUNT_STATE_ONLINE);
}

/* A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
test_connection_refused (Fixture       *f,
                         gconstpointer  data)
{
  show_page (f, f->profile->manager);
  fill_login (f, "alice@" CONFAB_TEST_DOMAIN, "secret-alice");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find (f, GTK_TYPE_SPIN_BUTTON, "port_spin")), closed_port ());
  click_login (f);

  /* Reported now, in words, not retried in the background for a new account. */
  g_assert_true (ui_test_wait_until (error_shown_pred, f, 60));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (find (f, GTK_TYPE_LABEL, "error_label"))),
                            "refused the connection"));
  g_assert_true (ui_test_wait_until (no_accounts_pred, f, 30));
  g_assert_true (ui_test_wait_until (idle_pred, f, 30));
  g_assert_cmpuint (f->n_added, ==, 0);
}

/* A manager that trusts only the system's anchors, which do not include
 * the test CA: the server's certificate is "untrusted". */
static ConfabAccountManager *
untrusting_manager_new (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  ConfabAccountManager *manager = confab_account_manager_new (f->profile->database, f->profile->secrets);

  g_assert_true (confab_account_manager_load (manager, &error));
  g_assert_no_error (error);
  return manager;
}

static void
test_untrusted_certificate_trusted (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(ConfabAccountManager) manager = untrusting_manager_new (f);
  GTlsCertificate *server_certificate = confab_test_server_get_certificate (xmpp_test_server ());
  ConfabCertificateDialog *dialog;
  GtkWidget *fingerprint;
  g_autofree char *hex = confab_xmpp_certificate_fingerprint (server_certificate);
  g_autofree char *shown = NULL;

  show_page (f, manager);
  fill_login (f, "carol@" CONFAB_TEST_DOMAIN, "secret-carol");
  click_login (f);

  g_assert_true (ui_test_wait_until (certificate_dialog_pred, NULL, 60));
  dialog = find_certificate_dialog ();
  /* It shows exactly the server's certificate, and its fingerprint. */
  g_assert_true (g_tls_certificate_is_same (confab_certificate_dialog_get_certificate (dialog),
                                            server_certificate));
  fingerprint = ui_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_LABEL, "fingerprint_label");
  g_assert_nonnull (fingerprint);
  shown = g_ascii_strdown (gtk_label_get_text (GTK_LABEL (fingerprint)), -1);
  g_strdelimit (shown, ":\n", ' ');
  {
    g_auto(GStrv) parts = g_strsplit (shown, " ", -1);
    g_autofree char *joined = g_strjoinv ("", parts);

    g_assert_cmpstr (joined, ==, hex);
  }
  /* Trusting is never the default answer. */
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==,
                   CONFAB_CERTIFICATE_RESPONSE_CANCEL);
  /* Nothing is added before the user decides. */
  g_assert_cmpuint (f->n_added, ==, 0);

  /* What the dialog's button does. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), CONFAB_CERTIFICATE_RESPONSE_TRUST);
  gtk_window_close (GTK_WINDOW (dialog));
  if (!ui_test_wait_until (added_pred, f, 60))
    g_error ("not online after trusting; the page says “%s”",
             gtk_label_get_text (GTK_LABEL (find (f, GTK_TYPE_LABEL, "error_label"))));
  g_assert_cmpint (confab_account_get_state (f->added), ==, CONFAB_ACCOUNT_STATE_ONLINE);
  /* The pin is on the account, so the next connect needs no question. */
  g_assert_true (g_strv_contains (confab_xmpp_stream_get_pinned_certificates (confab_account_get_stream (f->added)),
                                  hex));
}

static void
test_untrusted_certificate_cancelled (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(ConfabAccountManager) manager = untrusting_manager_new (f);
  ConfabCertificateDialog *dialog;

  show_page (f, manager);
  fill_login (f, "carol@" CONFAB_TEST_DOMAIN, "secret-carol");
  click_login (f);
  g_assert_true (ui_test_wait_until (certificate_dialog_pred, NULL, 60));
  dialog = find_certificate_dialog ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), CONFAB_CERTIFICATE_RESPONSE_CANCEL);
  gtk_window_close (GTK_WINDOW (dialog));

  g_assert_true (ui_test_wait_until (error_shown_pred, f, 10));
  g_assert_true (ui_test_wait_until (no_accounts_pred, f, 30));
  g_assert_true (ui_test_wait_until (idle_pred, f, 30));
  g_assert_cmpuint (f->n_added, ==, 0);
}

static gboolean
form_shown_pred (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_get_visible (ui_test_find_widget (f->page, GTK_TYPE_BOX, "form_box"))
         && ui_test_find_widget (f->page, ADW_TYPE_ENTRY_ROW, "username") != NULL;
}

/* XEP-0077 through the page: the server's certificate is not among the
 * system's, so the trust dialog comes first; then Prosody's data form is
 * rendered, a taken username is refused in words, and a fresh one is
 * created, logged in and added. */
static void
test_create_account (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *username = g_strdup_printf ("frank-%08x", g_random_int ());
  g_autofree char *jid = g_strconcat (username, "@" CONFAB_TEST_DOMAIN, NULL);
  ConfabCertificateDialog *dialog;
  GtkWidget *label;

  show_page (f, f->profile->manager);
  gtk_stack_set_visible_child_name (GTK_STACK (find (f, GTK_TYPE_STACK, "mode_stack")), "register");
  fill_login (f, "", "");
  gtk_editable_set_text (GTK_EDITABLE (find (f, ADW_TYPE_ENTRY_ROW, "server_row")), CONFAB_TEST_DOMAIN);
  g_signal_emit_by_name (find (f, GTK_TYPE_BUTTON, "fetch_button"), "clicked");

  g_assert_true (ui_test_wait_until (certificate_dialog_pred, NULL, 60));
  dialog = find_certificate_dialog ();
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), CONFAB_CERTIFICATE_RESPONSE_TRUST);
  gtk_window_close (GTK_WINDOW (dialog));

  if (!ui_test_wait_until (form_shown_pred, f, 60))
    g_error ("no form; the page says “%s”",
             gtk_label_get_text (GTK_LABEL (find (f, GTK_TYPE_LABEL, "error_label"))));
  /* Prosody's data form: a password field that hides what is typed. */
  g_assert_nonnull (ui_test_find_widget (f->page, ADW_TYPE_PASSWORD_ENTRY_ROW, "password"));
  g_assert_nonnull (ui_test_find_text (f->page, "Username"));

  gtk_editable_set_text (GTK_EDITABLE (find (f, ADW_TYPE_ENTRY_ROW, "username")), "alice");
  gtk_editable_set_text (GTK_EDITABLE (find (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "password")), "frank's password");
  g_signal_emit_by_name (find (f, GTK_TYPE_BUTTON, "register_button"), "clicked");
  g_assert_true (ui_test_wait_until (error_shown_pred, f, 30));
  label = find (f, GTK_TYPE_LABEL, "error_label");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "already taken"));
  g_assert_true (ui_test_wait_until (idle_pred, f, 30));

  gtk_editable_set_text (GTK_EDITABLE (find (f, ADW_TYPE_ENTRY_ROW, "username")), username);
  g_signal_emit_by_name (find (f, GTK_TYPE_BUTTON, "register_button"), "clicked");
  if (!ui_test_wait_until (added_pred, f, 60))
    g_error ("not added; the page says “%s”", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_cmpstr (confab_jid_get_bare_string (confab_account_get_jid (f->added)), ==, jid);
  g_assert_cmpint (confab_account_get_state (f->added), ==, CONFAB_ACCOUNT_STATE_ONLINE);
}

/* The "Add Account" window on screen, or NULL. */
static GtkWindow *
find_account_dialog (GtkWidget **page)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);
      GtkWidget *found;

      if (!ADW_IS_WINDOW (window) || !gtk_widget_get_visible (GTK_WIDGET (window)))
        continue;
      found = ui_test_find_widget (GTK_WIDGET (window), CONFAB_TYPE_WELCOME_PAGE, NULL);
      if (found != NULL)
        {
          if (page != NULL)
            *page = found;
          return GTK_WINDOW (window);
        }
    }
  return NULL;
}

static gboolean
account_dialog_gone_pred (gpointer data)
{
  return find_account_dialog (NULL) == NULL;
}

static void
test_add_account_dialog (Fixture       *f,
                         gconstpointer  data)
{
  GtkWindow *dialog;

  f->window = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (f->window));
  confab_account_dialog_present (GTK_WINDOW (f->window), f->profile->manager);
  ui_test_settle (100);
  dialog = find_account_dialog (&f->page);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_modal (dialog));
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (f->window));
  f->manager = f->profile->manager;
  g_signal_connect (f->page, "account-added", G_CALLBACK (account_added_cb), f);

  fill_login (f, "carol@" CONFAB_TEST_DOMAIN, "secret-carol");
  click_login (f);
  g_assert_true (ui_test_wait_until (added_pred, f, 60));
  g_assert_cmpint (confab_account_get_state (f->added), ==, CONFAB_ACCOUNT_STATE_ONLINE);
  /* Done: the window closes by itself. */
  f->page = NULL;
  g_assert_true (ui_test_wait_until (account_dialog_gone_pred, NULL, 10));
}

/* A plain message dialog on screen (not the certificate one), or NULL. */
static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && !CONFAB_IS_CERTIFICATE_DIALOG (window)
          && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
row_subtitle_online_pred (gpointer data)
{
  GtkWidget *row = data;
  const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

  return g_strcmp0 (subtitle, "Online") == 0;
}

static void
test_accounts_page (Fixture       *f,
                    gconstpointer  data)
{
  ConfabAccount *account = ui_test_profile_add_account (f->profile, "alice");
  GtkWidget *page = confab_accounts_page_new (f->profile->manager);
  GtkWidget *row;
  GtkWidget *enable;
  AdwMessageDialog *confirm;

  f->window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (f->window), page);
  gtk_window_present (GTK_WINDOW (f->window));
  ui_test_settle (100);

  row = ui_test_find_widget (page, ADW_TYPE_ACTION_ROW, "alice@" CONFAB_TEST_DOMAIN);
  g_assert_nonnull (row);
  g_assert_true (ui_test_wait_until (row_subtitle_online_pred, row, 30));

  /* The switch disables the account through the manager. */
  enable = ui_test_find_widget (row, GTK_TYPE_SWITCH, "enable_switch");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (enable)));
  gtk_switch_set_active (GTK_SWITCH (enable), FALSE);
  g_assert_false (confab_account_get_enabled (account));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Disabled");

  /* Removing asks first; cancelling keeps the account. */
  g_signal_emit_by_name (ui_test_find_widget (row, GTK_TYPE_BUTTON, "remove_button"), "clicked");
  ui_test_settle (50);
  confirm = find_message_dialog ();
  g_assert_nonnull (confirm);
  g_assert_cmpstr (adw_message_dialog_get_default_response (confirm), ==, "cancel");
  adw_message_dialog_response (confirm, "cancel");
  gtk_window_destroy (GTK_WINDOW (confirm));
  ui_test_settle (50);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->profile->manager)), ==, 1);

  g_signal_emit_by_name (ui_test_find_widget (row, GTK_TYPE_BUTTON, "remove_button"), "clicked");
  ui_test_settle (50);
  confirm = find_message_dialog ();
  adw_message_dialog_response (confirm, "remove");
  gtk_window_destroy (GTK_WINDOW (confirm));
  f->manager = f->profile->manager;
  g_assert_true (ui_test_wait_until (no_accounts_pred, f, 30));
  g_assert_nonnull (ui_test_find_text (page, "No accounts yet"));
}

int
main (int argc, char **argv)
{
  int status;

  g_setenv ("LANGUAGE", "C", TRUE);
  ui_test_init (&argc, &argv);
  if (!xmpp_test_start_server (NULL))
    return g_test_run ();

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/ui/welcome/login", test_login);
  ADD ("/ui/welcome/wrong-password", test_wrong_password);
  ADD ("/ui/welcome/invalid-address", test_invalid_address);
  ADD ("/ui/welcome/connection-refused", test_connection_refused);
  ADD ("/ui/welcome/cancel-then-retry", test_cancel_then_retry);
  ADD ("/ui/welcome/untrusted-certificate-trusted", test_untrusted_certificate_trusted);
  ADD ("/ui/welcome/untrusted-certificate-cancelled", test_untrusted_certificate_cancelled);
  ADD ("/ui/welcome/create-account", test_create_account);
  ADD ("/ui/welcome/add-account-dialog", test_add_account_dialog);
  ADD ("/ui/welcome/accounts-page", test_accounts_page);
#undef ADD

  status = g_test_run ();
  xmpp_test_stop_server ();
  return status;
}
