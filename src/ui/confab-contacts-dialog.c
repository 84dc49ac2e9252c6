/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-contacts-dialog.c: the contacts of every account, and a contact's
 * details.
 *
 * Copyright 2026 The Confab developers
 *
 * The widgets only show the roster models and call their actions; the
 * models change when the server's roster push or presence arrives
 * (RFC 6121 §2.1.6), and the rows follow through property notifications.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "confab-add-contact-dialog.h"
#include "confab-application.h"
#include "confab-contact-row.h"
#include "confab-contacts-dialog.h"
#include "confab-window.h"

#define NAME_MAX_CHARS     64
#define RESOURCE_MAX_CHARS 64
#define STATUS_MAX_CHARS   200

const char *
confab_subscription_describe (ConfabXmppSubscription subscription,
                              gboolean               ask)
{
  switch (subscription)
    {
    case CONFAB_XMPP_SUBSCRIPTION_BOTH:
      return _("You see each other’s presence");
    case CONFAB_XMPP_SUBSCRIPTION_TO:
      return _("You see their presence; they do not see yours");
    case CONFAB_XMPP_SUBSCRIPTION_FROM:
      return ask ? _("They see your presence; you asked to see theirs and are waiting for an answer")
                 : _("They see your presence; you do not see theirs");
    case CONFAB_XMPP_SUBSCRIPTION_NONE:
    case CONFAB_XMPP_SUBSCRIPTION_REMOVE:
    default:
      return ask ? _("You asked to see their presence and are waiting for an answer")
                 : _("Neither of you sees the other’s presence");
    }
}

static GtkWindow *
find_main_window (GtkWindow *window)
{
  GtkApplication *application = NULL;

  for (GtkWindow *w = window; w != NULL; w = gtk_window_get_transient_for (w))
    {
      if (CONFAB_IS_WINDOW (w))
        return w;
      if (application == NULL)
        application = gtk_window_get_application (w);
    }
  if (application == NULL && GTK_IS_APPLICATION (g_application_get_default ()))
    application = GTK_APPLICATION (g_application_get_default ());
  for (GList *l = application != NULL ? gtk_application_get_windows (application) : NULL;
       l != NULL; l = l->next)
    {
      if (CONFAB_IS_WINDOW (l->data))
        return l->data;
    }
  return NULL;
}

/* ==== The contacts dialog ================================================= */

struct _ConfabContactsDialog
{
  AdwWindow             parent_instance;

  ConfabAccountManager *manager;
  GListStore           *rosters;        /* of GListModel: each account's roster */
  GListStore           *request_lists;  /* of GListModel: each account's requests */
  GtkFilterListModel   *filtered;
  GtkFlattenListModel  *requests;
  GtkCustomFilter      *filter;
  char                 *filter_text;    /* case-folded, NULL: everything */
  gboolean              several_accounts;

  /* template children */
  GtkSearchEntry       *search_entry;
  GtkWidget            *requests_box;
  GtkListView          *requests_view;
  GtkStack             *stack;
  GtkListView          *list_view;
};

G_DEFINE_FINAL_TYPE (ConfabContactsDialog, confab_contacts_dialog, ADW_TYPE_WINDOW)

static gboolean
filter_contact_cb (gpointer item,
                   gpointer user_data)
{
  ConfabContactsDialog *self = user_data;
  ConfabContact *contact = item;
  g_autofree char *name = NULL;

  if (self->filter_text == NULL)
    return TRUE;
  if (strstr (confab_contact_get_jid (contact), self->filter_text) != NULL)
    return TRUE;
  name = g_utf8_casefold (confab_contact_get_display_name (contact), -1);
  return strstr (name, self->filter_text) != NULL;
}

static void
update_visibility (ConfabContactsDialog *self)
{
  guint n_requests = g_list_model_get_n_items (G_LIST_MODEL (self->requests));
  guint n_contacts = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  gtk_widget_set_visible (self->requests_box, n_requests > 0);
  gtk_stack_set_visible_child_name (self->stack, n_contacts > 0 ? "contacts" : "empty");
}

static void
on_search_entry_search_changed_cb (ConfabContactsDialog *self,
                                   GtkSearchEntry       *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autofree char *old = g_steal_pointer (&self->filter_text);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (*text != '\0')
    self->filter_text = g_utf8_casefold (text, -1);
  /* Typing on narrows, deleting widens: GTK then filters only what can
   * change. */
  if (old == NULL && self->filter_text == NULL)
    return;
  if (old == NULL || (self->filter_text != NULL && strstr (self->filter_text, old) != NULL))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->filter_text == NULL || strstr (old, self->filter_text) != NULL)
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  gtk_filter_changed (GTK_FILTER (self->filter), change);
}

static void
on_accounts_changed_cb (ConfabContactsDialog *self,
                        guint                 position,
                        guint                 removed,
                        guint                 added,
                        GListModel           *accounts)
{
  guint n = g_list_model_get_n_items (accounts);
  g_autoptr(GPtrArray) rosters = g_ptr_array_new ();
  g_autoptr(GPtrArray) requests = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (accounts, i);
      ConfabRosterModel *roster = confab_account_get_roster (account);

      if (roster == NULL)
        continue;
      g_ptr_array_add (rosters, roster);
      g_ptr_array_add (requests, confab_roster_model_get_requests (roster));
    }
  self->several_accounts = n > 1;
  g_list_store_splice (self->rosters, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rosters)),
                       rosters->pdata, rosters->len);
  g_list_store_splice (self->request_lists, 0, g_list_model_get_n_items (G_LIST_MODEL (self->request_lists)),
                       requests->pdata, requests->len);
  update_visibility (self);
}

static void
on_list_view_activate_cb (ConfabContactsDialog *self,
                          guint                 position,
                          GtkListView          *list_view)
{
  g_autoptr(ConfabContact) contact = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (contact != NULL)
    confab_contact_details_present (GTK_WINDOW (self), contact);
}

static void
on_add_button_clicked_cb (ConfabContactsDialog *self,
                          GtkButton            *button)
{
  confab_add_contact_dialog_present (GTK_WINDOW (self), self->manager);
}

/* ---- Contact rows ---- */

static void
setup_contact_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  gtk_list_item_set_child (item, confab_contact_row_new ());
}

static void
bind_contact_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  ConfabContactsDialog *self = user_data;

  confab_contact_row_set_contact (CONFAB_CONTACT_ROW (gtk_list_item_get_child (item)),
                                  gtk_list_item_get_item (item), self->several_accounts);
}

static void
unbind_contact_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  confab_contact_row_set_contact (CONFAB_CONTACT_ROW (gtk_list_item_get_child (item)), NULL, FALSE);
}

/* ---- Request rows (RFC 6121 §3.1.3: someone asks to see our presence) ---- */

static void
on_request_answered_cb (GtkButton   *button,
                        GtkListItem *item)
{
  ConfabContact *contact = gtk_list_item_get_item (item);
  ConfabAccount *account;
  ConfabRosterModel *roster;

  if (contact == NULL)
    return;
  account = confab_contact_get_account (contact);
  roster = account != NULL ? confab_account_get_roster (account) : NULL;
  if (roster == NULL)
    return;
  if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (button)), "accept_button") == 0)
    confab_roster_model_accept_request (roster, confab_contact_get_jid (contact));
  else
    confab_roster_model_deny_request (roster, confab_contact_get_jid (contact));
}

static void
setup_request_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *caption = gtk_label_new (NULL);
  GtkWidget *accept = gtk_button_new_with_mnemonic (_("_Accept"));
  GtkWidget *deny = gtk_button_new_with_mnemonic (_("_Deny"));

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_set_name (name, "request_jid");
  gtk_widget_set_name (caption, "request_caption");
  gtk_widget_set_name (accept, "accept_button");
  gtk_widget_set_name (deny, "deny_button");
  gtk_widget_set_valign (accept, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (deny, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (accept, "suggested-action");
  g_signal_connect (accept, "clicked", G_CALLBACK (on_request_answered_cb), item);
  g_signal_connect (deny, "clicked", G_CALLBACK (on_request_answered_cb), item);

  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), caption);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_box_append (GTK_BOX (box), deny);
  gtk_box_append (GTK_BOX (box), accept);
  gtk_list_item_set_child (item, box);
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_request_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  ConfabContactsDialog *self = user_data;
  ConfabContact *contact = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *labels = gtk_widget_get_first_child (box);
  GtkWidget *name = gtk_widget_get_first_child (labels);
  GtkWidget *caption = gtk_widget_get_next_sibling (name);
  GtkWidget *accept = gtk_widget_get_last_child (box);
  GtkWidget *deny = gtk_widget_get_prev_sibling (accept);
  g_autofree char *jid = confab_display_text (confab_contact_get_jid (contact), NAME_MAX_CHARS);
  g_autofree char *text = NULL;
  g_autofree char *accept_label = NULL;
  g_autofree char *deny_label = NULL;
  ConfabAccount *account = confab_contact_get_account (contact);

  gtk_label_set_text (GTK_LABEL (name), jid);
  if (self->several_accounts && account != NULL)
    /* Translators: %s is one of the user's own accounts. */
    text = g_strdup_printf (_("Wants to see your presence (to %s)"),
                            confab_jid_get_bare_string (confab_account_get_jid (account)));
  else
    text = g_strdup (_("Wants to see your presence"));
  gtk_label_set_text (GTK_LABEL (caption), text);

  accept_label = g_strdup_printf (_("Accept the request of %s"), jid);
  deny_label = g_strdup_printf (_("Deny the request of %s"), jid);
  gtk_accessible_update_property (GTK_ACCESSIBLE (accept), GTK_ACCESSIBLE_PROPERTY_LABEL, accept_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (deny), GTK_ACCESSIBLE_PROPERTY_LABEL, deny_label, -1);
}

static void
confab_contacts_dialog_dispose (GObject *object)
{
  ConfabContactsDialog *self = CONFAB_CONTACTS_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_CONTACTS_DIALOG);
  g_clear_object (&self->filtered);
  g_clear_object (&self->requests);
  g_clear_object (&self->filter);
  g_clear_object (&self->rosters);
  g_clear_object (&self->request_lists);
  g_clear_object (&self->manager);
  g_clear_pointer (&self->filter_text, g_free);

  G_OBJECT_CLASS (confab_contacts_dialog_parent_class)->dispose (object);
}

static void
confab_contacts_dialog_class_init (ConfabContactsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_contacts_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-contacts-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabContactsDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactsDialog, requests_box);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactsDialog, requests_view);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactsDialog, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_search_entry_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_list_view_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_add_button_clicked_cb);
}

static void
confab_contacts_dialog_init (ConfabContactsDialog *self)
{
  GtkListItemFactory *factory;
  GtkNoSelection *selection;
  GtkFlattenListModel *all;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rosters = g_list_store_new (G_TYPE_LIST_MODEL);
  self->request_lists = g_list_store_new (G_TYPE_LIST_MODEL);

  /* Contacts: every roster, flattened, then filtered by the search. */
  all = gtk_flatten_list_model_new (G_LIST_MODEL (g_object_ref (self->rosters)));
  self->filter = gtk_custom_filter_new (filter_contact_cb, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (all), GTK_FILTER (g_object_ref (self->filter)));
  g_signal_connect_object (self->filtered, "items-changed",
                           G_CALLBACK (update_visibility), self, G_CONNECT_SWAPPED);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_contact_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_contact_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_contact_cb), self);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_object_unref (factory);

  /* Requests, first come first. */
  self->requests = gtk_flatten_list_model_new (G_LIST_MODEL (g_object_ref (self->request_lists)));
  g_signal_connect_object (self->requests, "items-changed",
                           G_CALLBACK (update_visibility), self, G_CONNECT_SWAPPED);
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_request_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_request_cb), self);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->requests)));
  gtk_list_view_set_factory (self->requests_view, factory);
  gtk_list_view_set_model (self->requests_view, GTK_SELECTION_MODEL (selection));
  g_object_unref (selection);
  g_object_unref (factory);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

GtkWindow *
confab_contacts_dialog_present (GtkWindow            *parent,
                                ConfabAccountManager *manager)
{
  ConfabContactsDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager), NULL);

  self = g_object_new (CONFAB_TYPE_CONTACTS_DIALOG,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->manager = g_object_ref (manager);
  g_signal_connect_object (manager, "items-changed",
                           G_CALLBACK (on_accounts_changed_cb), self, G_CONNECT_SWAPPED);
  on_accounts_changed_cb (self, 0, 0, 0, G_LIST_MODEL (manager));
  gtk_window_present (GTK_WINDOW (self));
  return GTK_WINDOW (self);
}

GListModel *
confab_contacts_dialog_get_contacts (ConfabContactsDialog *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACTS_DIALOG (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

GListModel *
confab_contacts_dialog_get_requests (ConfabContactsDialog *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACTS_DIALOG (self), NULL);

  return G_LIST_MODEL (self->requests);
}

/* ==== A contact's details ================================================= */

struct _ConfabContactDetails
{
  AdwWindow      parent_instance;

  ConfabContact *contact;
  GCancellable  *cancellable;
  GPtrArray     *presence_rows;

  /* template children */
  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  AdwPreferencesGroup *presence_group;
  AdwEntryRow   *name_row;
  AdwEntryRow   *groups_row;
  AdwActionRow  *subscription_row;
  AdwActionRow  *address_row;
  GtkLabel      *error_label;
  GtkWidget     *message_button;
  GtkButton     *block_button;
  GtkWidget     *remove_button;
};

G_DEFINE_FINAL_TYPE (ConfabContactDetails, confab_contact_details, ADW_TYPE_WINDOW)

static ConfabRosterModel *
details_roster (ConfabContactDetails *self)
{
  ConfabAccount *account = confab_contact_get_account (self->contact);

  return account != NULL ? confab_account_get_roster (account) : NULL;
}

static void
details_show_error (ConfabContactDetails *self,
                    const char           *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
details_update_presence (ConfabContactDetails *self)
{
  g_autoptr(GPtrArray) resources = confab_contact_list_resources (self->contact);

  for (guint i = 0; i < self->presence_rows->len; i++)
    adw_preferences_group_remove (self->presence_group, g_ptr_array_index (self->presence_rows, i));
  g_ptr_array_set_size (self->presence_rows, 0);

  for (guint i = 0; resources != NULL && i < resources->len; i++)
    {
      ConfabXmppPresenceInfo *info = g_ptr_array_index (resources, i);
      const char *resource = confab_jid_get_resource (confab_xmpp_presence_info_get_jid (info));
      const char *status = confab_xmpp_presence_info_get_status (info);
      const char *show = confab_presence_show_to_string (confab_xmpp_presence_info_get_available (info),
                                                         confab_xmpp_presence_info_get_show (info));
      g_autofree char *title = confab_display_text (resource != NULL ? resource : confab_contact_get_jid (self->contact),
                                                    RESOURCE_MAX_CHARS);
      g_autofree char *subtitle = NULL;
      GtkWidget *row = adw_action_row_new ();

      if (status != NULL && *status != '\0')
        {
          g_autofree char *shown = confab_display_text (status, STATUS_MAX_CHARS);

          /* Translators: a presence, then the contact's status message. */
          subtitle = g_strdup_printf (_("%s — %s"), show, shown);
        }
      else
        subtitle = g_strdup (show);
      /* Network text: never markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      adw_preferences_group_add (self->presence_group, row);
      g_ptr_array_add (self->presence_rows, row);
    }

  if (self->presence_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Offline"));
      adw_preferences_group_add (self->presence_group, row);
      g_ptr_array_add (self->presence_rows, row);
    }
}

static void
details_update (ConfabContactDetails *self,
                gboolean              fields)
{
  ConfabContact *contact = self->contact;
  g_autofree char *title = confab_display_text (confab_contact_get_display_name (contact), NAME_MAX_CHARS);
  g_autofree char *groups = g_strjoinv (", ", (char **) confab_contact_get_groups (contact));
  const char *name = confab_contact_get_name (contact);
  gboolean in_roster = confab_contact_get_in_roster (contact);

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->subtitle_label, confab_contact_get_jid (contact));
  gtk_window_set_title (GTK_WINDOW (self), title);

  /* The form follows the roster, but never under the user's typing. */
  if (fields && gtk_widget_get_focus_child (GTK_WIDGET (self->name_row)) == NULL
      && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_row)), name != NULL ? name : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
  if (fields && gtk_widget_get_focus_child (GTK_WIDGET (self->groups_row)) == NULL
      && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->groups_row)), groups) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->groups_row), groups);

  adw_action_row_set_subtitle (self->subscription_row,
                               confab_subscription_describe (confab_contact_get_subscription (contact),
                                                             confab_contact_get_ask (contact)));
  adw_action_row_set_subtitle (self->address_row, confab_contact_get_jid (contact));

  gtk_button_set_label (self->block_button,
                        confab_contact_get_blocked (contact) ? _("_Unblock") : _("_Block"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), in_roster);
  gtk_widget_set_sensitive (GTK_WIDGET (self->groups_row), in_roster);
  gtk_widget_set_sensitive (self->remove_button, in_roster);

  details_update_presence (self);
}

static void
on_details_contact_notify_cb (ConfabContactDetails *self,
                              GParamSpec           *pspec,
                              ConfabContact        *contact)
{
  const char *property = g_param_spec_get_name (pspec);

  details_update (self, g_strcmp0 (property, "name") == 0 || g_strcmp0 (property, "groups") == 0);
}

static void
action_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ConfabContactDetails) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_roster_model_action_finish (CONFAB_ROSTER_MODEL (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        details_show_error (self, error->message);
      return;
    }
  details_show_error (self, NULL);
}

static char **
parse_groups (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* RFC 6121 §2.1.2.3: no empty and no duplicate group names. */
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *group = g_strstrip (parts[i]);

      if (*group != '\0' && g_hash_table_add (seen, group))
        g_strv_builder_add (builder, group);
    }
  return g_strv_builder_end (builder);
}

/* Saves the name and the groups as the form shows them: two quick edits
 * must not undo each other while the first is still on its way to the
 * server (RFC 6121 §2.3: a roster set carries the whole item). */
static void
save_contact (ConfabContactDetails *self)
{
  ConfabRosterModel *roster = details_roster (self);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_auto(GStrv) groups = parse_groups (gtk_editable_get_text (GTK_EDITABLE (self->groups_row)));

  if (roster == NULL)
    return;
  confab_roster_model_update_contact_async (roster, confab_contact_get_jid (self->contact),
                                            *name != '\0' ? name : NULL,
                                            (const char * const *) groups, self->cancellable,
                                            action_done_cb, g_object_ref (self));
}

static void
on_name_row_apply_cb (ConfabContactDetails *self,
                      AdwEntryRow          *row)
{
  save_contact (self);
}

static void
on_groups_row_apply_cb (ConfabContactDetails *self,
                        AdwEntryRow          *row)
{
  save_contact (self);
}

static void
on_block_button_clicked_cb (ConfabContactDetails *self,
                            GtkButton            *button)
{
  ConfabRosterModel *roster = details_roster (self);

  if (roster == NULL)
    return;
  /* XEP-0191 §3.3 / §3.4 */
  confab_roster_model_set_blocked_async (roster, confab_contact_get_jid (self->contact),
                                         !confab_contact_get_blocked (self->contact),
                                         self->cancellable, action_done_cb, g_object_ref (self));
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConfabContactDetails) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_roster_model_action_finish (CONFAB_ROSTER_MODEL (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        details_show_error (self, error->message);
      return;
    }
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_remove_response_cb (AdwMessageDialog     *dialog,
                       const char           *response,
                       ConfabContactDetails *self)
{
  ConfabRosterModel *roster = details_roster (self);

  if (g_strcmp0 (response, "remove") != 0 || roster == NULL)
    return;
  confab_roster_model_remove_contact_async (roster, confab_contact_get_jid (self->contact),
                                            self->cancellable, removed_cb, g_object_ref (self));
}

static void
on_remove_button_clicked_cb (ConfabContactDetails *self,
                             GtkButton            *button)
{
  g_autofree char *name = confab_display_text (confab_contact_get_display_name (self->contact), NAME_MAX_CHARS);
  g_autofree char *heading = g_strdup_printf (_("Remove %s?"), name);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       _("You will no longer see each other’s presence. Your conversation history is kept.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static ConfabAccountManager *
details_manager (ConfabContactDetails *self)
{
  GApplication *application = g_application_get_default ();

  for (GtkWindow *w = GTK_WINDOW (self); w != NULL; w = gtk_window_get_transient_for (w))
    {
      if (CONFAB_IS_CONTACTS_DIALOG (w))
        return CONFAB_CONTACTS_DIALOG (w)->manager;
    }
  if (CONFAB_IS_APPLICATION (application))
    return confab_application_get_account_manager (CONFAB_APPLICATION (application));
  return NULL;
}

static void
on_message_button_clicked_cb (ConfabContactDetails *self,
                              GtkButton            *button)
{
  ConfabAccountManager *manager = details_manager (self);
  ConfabConversationList *list = manager != NULL ? confab_account_manager_get_conversations (manager) : NULL;
  ConfabAccount *account = confab_contact_get_account (self->contact);
  ConfabConversation *conversation;
  GtkWindow *window = find_main_window (GTK_WINDOW (self));

  if (list == NULL || account == NULL)
    return;
  conversation = confab_conversation_list_ensure (list, account, confab_contact_get_jid (self->contact));
  if (conversation == NULL || window == NULL)
    return;
  confab_window_open_conversation (CONFAB_WINDOW (window), conversation, 0);
  gtk_window_close (GTK_WINDOW (self));
  gtk_window_present (window);
}

static void
confab_contact_details_dispose (GObject *object)
{
  ConfabContactDetails *self = CONFAB_CONTACT_DETAILS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->contact != NULL)
    g_signal_handlers_disconnect_by_func (self->contact, on_details_contact_notify_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONFAB_TYPE_CONTACT_DETAILS);
  g_clear_pointer (&self->presence_rows, g_ptr_array_unref);
  g_clear_object (&self->contact);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (confab_contact_details_parent_class)->dispose (object);
}

static void
confab_contact_details_class_init (ConfabContactDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = confab_contact_details_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/im/confab/Confab/confab-contact-details.ui");
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, title_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, presence_group);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, name_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, groups_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, subscription_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, address_row);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, error_label);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, message_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, block_button);
  gtk_widget_class_bind_template_child (widget_class, ConfabContactDetails, remove_button);
  gtk_widget_class_bind_template_callback (widget_class, on_name_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_groups_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_block_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_message_button_clicked_cb);
}

static void
confab_contact_details_init (ConfabContactDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->presence_rows = g_ptr_array_new ();
}

GtkWindow *
confab_contact_details_present (GtkWindow     *parent,
                                ConfabContact *contact)
{
  ConfabContactDetails *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CONFAB_IS_CONTACT (contact), NULL);

  self = g_object_new (CONFAB_TYPE_CONTACT_DETAILS,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->contact = g_object_ref (contact);
  g_signal_connect_object (contact, "notify", G_CALLBACK (on_details_contact_notify_cb),
                           self, G_CONNECT_SWAPPED);
  details_update (self, TRUE);
  gtk_window_present (GTK_WINDOW (self));
  return GTK_WINDOW (self);
}
