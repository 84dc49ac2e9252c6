/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The "Accounts" page of the preferences: a row per account of the
 * manager's list, with its state in words, an enable switch, a way to
 * review an untrusted certificate, and removal after a confirmation. */
#include "config.h"

#include "confab-accounts-page.h"

#include <glib/gi18n.h>

#include "confab-certificate-dialog.h"
#include "confab-error-text.h"
#include "confab-styled-text.h"
#include "confab-welcome-page.h"
#include "confab-xmpp-error.h"

#define CONFAB_TYPE_ACCOUNTS_PAGE (confab_accounts_page_get_type ())
G_DECLARE_FINAL_TYPE (ConfabAccountsPage, confab_accounts_page, CONFAB, ACCOUNTS_PAGE, AdwPreferencesPage)

struct _ConfabAccountsPage
{
  AdwPreferencesPage    parent_instance;

  ConfabAccountManager *manager;

  /* template children */
  GtkStack             *list_stack;
  GtkListBox           *list_box;
};

G_DEFINE_FINAL_TYPE (ConfabAccountsPage, confab_accounts_page, ADW_TYPE_PREFERENCES_PAGE)

/* What the row of one account holds. */
typedef struct {
  ConfabAccountsPage *page;      /* weak: the page owns the rows */
  ConfabAccount      *account;
  GtkWidget          *row;
  GtkWidget          *enable_switch;
  GtkWidget          *certificate_button;
} AccountRow;

static void
account_row_free (gpointer data)
{
  AccountRow *row = data;

  g_clear_object (&row->account);
  g_free (row);
}

static void
toast (ConfabAccountsPage *self,
       const char         *text)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_PREFERENCES_WINDOW);

  if (window != NULL)
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (window), adw_toast_new (text));
  else
    g_warning ("%s", text);
}

static char *
describe_state (ConfabAccount *account)
{
  if (!confab_account_get_enabled (account))
    return g_strdup (_("Disabled"));
  switch (confab_account_get_state (account))
    {
    case CONFAB_ACCOUNT_STATE_ONLINE:
      return g_strdup (_("Online"));
    case CONFAB_ACCOUNT_STATE_CONNECTING:
      return g_strdup (_("Connecting…"));
    case CONFAB_ACCOUNT_STATE_ERROR:
      if (confab_account_get_error (account) != NULL)
        return confab_error_describe (confab_account_get_error (account));
      if (confab_account_get_error_message (account) != NULL)
        return g_strdup (confab_account_get_error_message (account));
      return confab_error_describe (NULL);
    case CONFAB_ACCOUNT_STATE_OFFLINE:
    default:
      return g_strdup (_("Offline"));
    }
}

static void
update_row (AccountRow *row)
{
  g_autofree char *state = describe_state (row->account);
  gboolean certificate = g_error_matches (confab_account_get_error (row->account),
                                          CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_CERTIFICATE);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row->row), state);
  if (confab_account_get_state (row->account) == CONFAB_ACCOUNT_STATE_ERROR)
    gtk_widget_add_css_class (row->row, "error");
  else
    gtk_widget_remove_css_class (row->row, "error");
  gtk_widget_set_visible (row->certificate_button, certificate);
  /* Without emitting notify::active back into the manager. */
  g_signal_handlers_block_matched (row->enable_switch, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  gtk_switch_set_active (GTK_SWITCH (row->enable_switch), confab_account_get_enabled (row->account));
  g_signal_handlers_unblock_matched (row->enable_switch, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
}

static void
account_changed_cb (GtkWidget *row_widget)
{
  update_row (g_object_get_data (G_OBJECT (row_widget), "confab-account-row"));
}

static void
enable_changed_cb (GtkSwitch  *toggle,
                   GParamSpec *pspec,
                   AccountRow *row)
{
  g_autoptr(GError) error = NULL;

  if (!confab_account_manager_set_enabled (row->page->manager, row->account,
                                           gtk_switch_get_active (toggle), &error))
    {
      g_autofree char *text = confab_error_describe (error);

      toast (row->page, text);
    }
  update_row (row);
}

static void
certificate_clicked_cb (GtkButton  *button,
                        AccountRow *row)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));

  confab_certificate_dialog_present (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, row->account);
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConfabAccountsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_account_manager_remove_finish (CONFAB_ACCOUNT_MANAGER (object), result, &error))
    {
      g_autofree char *text = confab_error_describe (error);

      toast (self, text);
    }
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  ConfabAccountsPage *self = g_object_get_data (G_OBJECT (dialog), "confab-page");
  ConfabAccount *account = g_object_get_data (G_OBJECT (dialog), "confab-account");

  if (g_strcmp0 (response, "remove") == 0 && self != NULL && account != NULL)
    confab_account_manager_remove_async (self->manager, account, NULL, removed_cb, g_object_ref (self));
}

static void
remove_clicked_cb (GtkButton  *button,
                   AccountRow *row)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (button));
  g_autofree char *jid = confab_styled_text_isolate (confab_jid_get_bare_string (confab_account_get_jid (row->account)),
                                                     100);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Remove Account?"), NULL);
  /* Translators: %s is an account address such as name@example.org. */
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("%s and its saved password will be removed from this computer. "
                                    "The account itself is not deleted from its server."),
                                  jid);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "confab-page", g_object_ref (row->page), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "confab-account", g_object_ref (row->account), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (remove_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  ConfabAccountsPage *self = user_data;
  ConfabAccount *account = CONFAB_ACCOUNT (item);
  const char *bare = confab_jid_get_bare_string (confab_account_get_jid (account));
  g_autofree char *title = confab_styled_text_isolate (bare, 100);
  g_autofree char *remove_label = NULL;
  AccountRow *row = g_new0 (AccountRow, 1);
  GtkWidget *remove_button;

  row->page = self;
  row->account = g_object_ref (account);
  row->row = adw_action_row_new ();
  gtk_widget_set_name (row->row, bare);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row->row), title);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row->row), 3);

  row->certificate_button = gtk_button_new_with_mnemonic (_("_Review Certificate…"));
  gtk_widget_set_valign (row->certificate_button, GTK_ALIGN_CENTER);
  g_signal_connect (row->certificate_button, "clicked", G_CALLBACK (certificate_clicked_cb), row);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), row->certificate_button);

  row->enable_switch = gtk_switch_new ();
  gtk_widget_set_name (row->enable_switch, "enable_switch");
  gtk_widget_set_valign (row->enable_switch, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (row->enable_switch, _("Enabled"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->enable_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Enabled"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), row->enable_switch);

  remove_button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_name (remove_button, "remove_button");
  gtk_widget_set_valign (remove_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove_button, "flat");
  gtk_widget_set_tooltip_text (remove_button, _("Remove Account"));
  /* Translators: accessible label; %s is an account address. */
  remove_label = g_strdup_printf (_("Remove %s"), bare);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect (remove_button, "clicked", G_CALLBACK (remove_clicked_cb), row);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row->row), remove_button);

  /* The row widget owns the row data; the handlers go with the widget. */
  g_object_set_data_full (G_OBJECT (row->row), "confab-account-row", row, account_row_free);
  g_signal_connect_object (account, "notify::state", G_CALLBACK (account_changed_cb), row->row,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (account, "notify::enabled", G_CALLBACK (account_changed_cb), row->row,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (account, "notify::error-message", G_CALLBACK (account_changed_cb), row->row,
                           G_CONNECT_SWAPPED);
  update_row (row);
  g_signal_connect (row->enable_switch, "notify::active", G_CALLBACK (enable_changed_cb), row);
  return row->row;
}

static void
update_empty (ConfabAccountsPage *self)
{
  gboolean empty = self->manager == NULL
                   || g_list_model_get_n_items (G_LIST_MODEL (self->manager)) == 0;

  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
}

static void
on_add_clicked_cb (ConfabAccountsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  confab_account_dialog_present (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->manager);
}

static void
confab_accounts_page_dispose (GObject *object)
{
  ConfabAccountsPage *self = CONFAB_ACCOUNTS_PAGE (object);

  if (self->list_box != NULL)
    gtk_list_box_bind_model (self->list_box, NULL, NULL, NULL, NULL);
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (self->manager, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_ACCOUNTS_PAGE);
  G_OBJECT_CLASS (confab_accounts_page_parent_class)->dispose (object);
}

static void
confab_accounts_page_finalize (GObject *object)
{
  ConfabAccountsPage *self = CONFAB_ACCOUNTS_PAGE (object);

  g_clear_object (&self->manager);
  G_OBJECT_CLASS (confab_accounts_page_parent_class)->finalize (object);
}

static void
confab_accounts_page_class_init (ConfabAccountsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_accounts_page_dispose;
  object_class->finalize = confab_accounts_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-accounts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabAccountsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabAccountsPage, list_box);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked_cb);
}

static void
confab_accounts_page_init (ConfabAccountsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
confab_accounts_page_new (ConfabAccountManager *manager)
{
  ConfabAccountsPage *self;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager), NULL);

  self = g_object_new (CONFAB_TYPE_ACCOUNTS_PAGE, NULL);
  self->manager = g_object_ref (manager);
  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (manager), create_row, self, NULL);
  g_signal_connect_swapped (manager, "items-changed", G_CALLBACK (update_empty), self);
  update_empty (self);
  return GTK_WIDGET (self);
}
