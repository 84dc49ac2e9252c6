/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-add-contact-dialog.c: "Add Contact".
 *
 * Copyright 2026 The Confab developers
 */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-add-contact-dialog.h"
#include "confab-core-error.h"
#include "confab-roster-model.h"

struct _ConfabAddContactDialog
{
  AdwWindow             parent_instance;

  ConfabAccountManager *manager;
  GtkStringList        *account_jids;
  GCancellable         *cancellable;

  /* template children */
  GtkWidget            *add_button;
  AdwComboRow          *account_row;
  AdwEntryRow          *jid_row;
  AdwEntryRow          *name_row;
  AdwEntryRow          *group_row;
  GtkLabel             *error_label;
};

G_DEFINE_FINAL_TYPE (ConfabAddContactDialog, confab_add_contact_dialog, ADW_TYPE_WINDOW)

char *
confab_add_contact_dialog_check_jid (const char  *text,
                                     GError     **error)
{
  g_autoptr(ConfabJid) jid = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  const char *start = trimmed;

  /* People paste links: accept "xmpp:bob@example.com" too. */
  if (g_ascii_strncasecmp (start, "xmpp:", 5) == 0)
    start += 5;
  if (*start == '\0')
    {
      g_set_error_literal (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                           _("Enter the address of the contact, like bob@example.com"));
      return NULL;
    }
  jid = confab_jid_parse (start, &local_error);
  if (jid == NULL)
    {
      g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                   _("“%s” is not a valid address: %s"), start, local_error->message);
      return NULL;
    }
  if (!confab_jid_is_bare (jid))
    {
      g_set_error_literal (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                           _("Enter the address without the part after “/”"));
      return NULL;
    }
  if (confab_jid_get_localpart (jid) == NULL)
    {
      g_set_error_literal (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                           _("The address needs a user name, like bob@example.com"));
      return NULL;
    }
  return g_strdup (confab_jid_get_bare_string (jid));
}

static void
show_error (ConfabAddContactDialog *self,
            const char             *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static ConfabAccount *
selected_account (ConfabAddContactDialog *self)
{
  guint position = adw_combo_row_get_selected (self->account_row);
  const char *jid;

  if (position == GTK_INVALID_LIST_POSITION)
    position = 0;
  jid = gtk_string_list_get_string (self->account_jids, position);
  return jid != NULL ? confab_account_manager_lookup (self->manager, jid) : NULL;
}

static void
on_jid_row_changed_cb (ConfabAddContactDialog *self,
                       GtkEditable            *editable)
{
  const char *text = gtk_editable_get_text (editable);
  g_autofree char *trimmed = g_strstrip (g_strdup (text));

  show_error (self, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->jid_row), "error");
  gtk_widget_set_sensitive (self->add_button, *trimmed != '\0' && selected_account (self) != NULL);
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ConfabAddContactDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_roster_model_action_finish (CONFAB_ROSTER_MODEL (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_widget_set_sensitive (self->add_button, TRUE);
      show_error (self, error->message);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_add_button_clicked_cb (ConfabAddContactDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *jid = NULL;
  g_autofree char *name = NULL;
  g_autofree char *group = NULL;
  const char *groups[2] = { NULL, NULL };
  ConfabAccount *account;

  if (!gtk_widget_get_sensitive (self->add_button))
    return;

  jid = confab_add_contact_dialog_check_jid (gtk_editable_get_text (GTK_EDITABLE (self->jid_row)), &error);
  if (jid == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->jid_row), "error");
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->jid_row));
      return;
    }
  account = selected_account (self);
  if (account == NULL)
    {
      show_error (self, _("There is no account to add the contact to"));
      return;
    }
  if (g_strcmp0 (jid, confab_jid_get_bare_string (confab_account_get_jid (account))) == 0)
    {
      show_error (self, _("This is the address of the account itself"));
      return;
    }

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  group = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->group_row))));
  if (*group != '\0')
    groups[0] = group;

  show_error (self, NULL);
  gtk_widget_set_sensitive (self->add_button, FALSE);
  confab_roster_model_add_contact_async (confab_account_get_roster (account), jid,
                                         *name != '\0' ? name : NULL,
                                         groups[0] != NULL ? groups : NULL,
                                         self->cancellable, added_cb, g_object_ref (self));
}

static void
confab_add_contact_dialog_set_manager (ConfabAddContactDialog *self,
                                       ConfabAccountManager   *manager)
{
  GListModel *accounts = G_LIST_MODEL (manager);
  guint n = g_list_model_get_n_items (accounts);

  g_set_object (&self->manager, manager);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (accounts, i);

      gtk_string_list_append (self->account_jids,
                              confab_jid_get_bare_string (confab_account_get_jid (account)));
    }
  adw_combo_row_set_model (self->account_row, G_LIST_MODEL (self->account_jids));
  /* Only ask which account when there is a choice. */
  gtk_widget_set_visible (GTK_WIDGET (self->account_row), n > 1);
}

static void
confab_add_contact_dialog_dispose (GObject *object)
{
  ConfabAddContactDialog *self = CONFAB_ADD_CONTACT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_ADD_CONTACT_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->account_jids);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (confab_add_contact_dialog_parent_class)->dispose (object);
}

static void
confab_add_contact_dialog_class_init (ConfabAddContactDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_add_contact_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-add-contact-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabAddContactDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabAddContactDialog, account_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabAddContactDialog, jid_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabAddContactDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabAddContactDialog, group_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabAddContactDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_add_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_jid_row_changed_cb);
}

static void
confab_add_contact_dialog_init (ConfabAddContactDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->account_jids = gtk_string_list_new (NULL);
  gtk_window_set_default_widget (GTK_WINDOW (self), self->add_button);
}

ConfabAddContactDialog *
confab_add_contact_dialog_present (GtkWindow            *parent,
                                   ConfabAccountManager *manager)
{
  ConfabAddContactDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager), NULL);

  self = g_object_new (CONFAB_TYPE_ADD_CONTACT_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  confab_add_contact_dialog_set_manager (self, manager);
  gtk_window_present (GTK_WINDOW (self));
  return self;
}
