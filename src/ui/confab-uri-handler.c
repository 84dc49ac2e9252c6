/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-uri-handler.c: what to do with an `xmpp:` link, after asking.
 *
 * Copyright 2026 The Confab developers
 *
 * A link is untrusted input (anyone can put one in a message or on a web
 * page), so every action that reaches the network — sending, adding a
 * contact (which subscribes), joining — waits for a button press in a
 * dialog that shows exactly what will happen (RFC 5122 §3.2 and XEP-0147
 * §2 ask for this).
 */

#include "config.h"

#include <glib/gi18n.h>

#include "confab-contact-row.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"
#include "confab-uri-handler.h"
#include "confab-window.h"

#define JID_MAX_CHARS  80
#define BODY_MAX_CHARS 500

typedef struct {
  ConfabAccountManager *manager;
  ConfabXmppUri        *uri;
  GtkWindow            *parent;      /* weak */
  GtkStringList        *account_jids;
  GtkDropDown          *account_chooser; /* NULL with one account */
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_clear_object (&request->manager);
  g_clear_pointer (&request->uri, confab_xmpp_uri_free);
  g_clear_weak_pointer (&request->parent);
  g_clear_object (&request->account_jids);
  g_free (request);
}

static ConfabWindow *
find_main_window (GtkWindow *parent)
{
  GtkApplication *application;

  if (CONFAB_IS_WINDOW (parent))
    return CONFAB_WINDOW (parent);
  application = parent != NULL ? gtk_window_get_application (parent) : NULL;
  if (application == NULL)
    application = GTK_APPLICATION (g_application_get_default ());
  if (application == NULL)
    return NULL;
  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    {
      if (CONFAB_IS_WINDOW (l->data))
        return l->data;
    }
  return NULL;
}

static ConfabConversation *
open_chat (GtkWindow            *parent,
           ConfabAccountManager *manager,
           ConfabAccount        *account,
           const char           *peer)
{
  ConfabConversationList *list = confab_account_manager_get_conversations (manager);
  ConfabConversation *conversation;
  ConfabWindow *window;

  if (list == NULL)
    return NULL;
  conversation = confab_conversation_list_ensure (list, account, peer);
  window = find_main_window (parent);
  if (conversation != NULL && window != NULL)
    {
      confab_window_open_conversation (window, conversation, 0);
      gtk_window_present (GTK_WINDOW (window));
    }
  return conversation;
}

static AdwMessageDialog *
show_message (GtkWindow  *parent,
              const char *heading,
              const char *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static ConfabAccount *
chosen_account (Request *request)
{
  guint position = 0;
  const char *jid;

  if (request->account_chooser != NULL)
    position = gtk_drop_down_get_selected (request->account_chooser);
  jid = gtk_string_list_get_string (request->account_jids, position);
  return jid != NULL ? confab_account_manager_lookup (request->manager, jid) : NULL;
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_roster_model_action_finish (CONFAB_ROSTER_MODEL (object), result, &error))
    {
      g_autofree char *jid = user_data;
      g_autofree char *shown = confab_display_text (jid, JID_MAX_CHARS);
      g_autofree char *heading = g_strdup_printf (_("Could not add %s"), shown);

      show_message (NULL, heading, error->message);
      return;
    }
  g_free (user_data);
}

static void
on_response_cb (AdwMessageDialog *dialog,
                const char       *response,
                Request          *request)
{
  const char *peer = confab_xmpp_uri_get_bare_jid (request->uri);
  ConfabAccount *account;

  if (g_strcmp0 (response, "cancel") == 0 || g_strcmp0 (response, "close") == 0)
    return;
  account = chosen_account (request);
  if (account == NULL)
    return;

  if (g_strcmp0 (response, "open") == 0)
    {
      open_chat (request->parent, request->manager, account, peer);
    }
  else if (g_strcmp0 (response, "send") == 0)
    {
      ConfabConversation *conversation = open_chat (request->parent, request->manager, account, peer);
      const char *body = confab_xmpp_uri_get_param (request->uri, "body");
      g_autofree char *id = NULL;

      if (conversation != NULL && body != NULL)
        id = confab_conversation_send (conversation, body, NULL);
    }
  else if (g_strcmp0 (response, "add") == 0)
    {
      const char *name = confab_xmpp_uri_get_param (request->uri, "name");
      const char *group = confab_xmpp_uri_get_param (request->uri, "group");
      const char *groups[2] = { group, NULL };

      confab_roster_model_add_contact_async (confab_account_get_roster (account), peer,
                                             name != NULL && *name != '\0' ? name : NULL,
                                             group != NULL && *group != '\0' ? groups : NULL,
                                             NULL, added_cb, g_strdup (peer));
    }
}

/* The body of the message a link would send, shown as it will be sent. */
static GtkWidget *
message_preview (const char *body)
{
  g_autofree char *shown = NULL;
  GtkWidget *label;

  if (g_utf8_strlen (body, -1) > BODY_MAX_CHARS)
    {
      g_autofree char *start = g_utf8_substring (body, 0, BODY_MAX_CHARS);

      shown = g_strconcat (start, "…", NULL);
    }
  else
    shown = g_strdup (body);

  label = gtk_label_new (NULL);
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_text (GTK_LABEL (label), shown);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "card");
  gtk_widget_set_margin_top (label, 6);
  return label;
}

GtkWindow *
confab_uri_handler_open (GtkWindow            *parent,
                         ConfabAccountManager *manager,
                         const char           *text)
{
  g_autoptr(ConfabXmppUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *peer_shown = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GListModel *accounts;
  AdwMessageDialog *dialog;
  GtkWidget *extra;
  Request *request;
  const char *message;
  guint n_accounts;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  uri = confab_xmpp_uri_parse (text, &error);
  if (uri == NULL)
    return GTK_WINDOW (show_message (parent, _("Cannot Open Link"), error->message));

  peer_shown = confab_display_text (confab_xmpp_uri_get_bare_jid (uri), JID_MAX_CHARS);

  if (confab_xmpp_uri_get_action (uri) == CONFAB_XMPP_URI_ACTION_JOIN)
    {
      body = g_strdup_printf (_("This link invites you to the group chat %s. Group chats are not supported yet."),
                              peer_shown);
      return GTK_WINDOW (show_message (parent, _("Group Chats Are Not Supported"), body));
    }

  request = g_new0 (Request, 1);
  request->manager = g_object_ref (manager);
  request->account_jids = gtk_string_list_new (NULL);
  g_set_weak_pointer (&request->parent, parent);

  /* The accounts to act from: the one the link names (RFC 5122 §2.3,
   * authority component), else any. */
  accounts = G_LIST_MODEL (manager);
  n_accounts = g_list_model_get_n_items (accounts);
  for (guint i = 0; i < n_accounts; i++)
    {
      g_autoptr(ConfabAccount) account = g_list_model_get_item (accounts, i);
      const char *jid = confab_jid_get_bare_string (confab_account_get_jid (account));

      if (confab_xmpp_uri_get_account (uri) == NULL
          || g_strcmp0 (confab_xmpp_uri_get_account (uri), jid) == 0)
        gtk_string_list_append (request->account_jids, jid);
    }
  n_accounts = g_list_model_get_n_items (G_LIST_MODEL (request->account_jids));
  if (n_accounts == 0)
    {
      request_free (request);
      if (confab_xmpp_uri_get_account (uri) != NULL)
        {
          g_autofree char *account_shown = confab_display_text (confab_xmpp_uri_get_account (uri), JID_MAX_CHARS);

          body = g_strdup_printf (_("The link is meant for the account %s, which is not set up in Confab."),
                                  account_shown);
          return GTK_WINDOW (show_message (parent, _("Cannot Open Link"), body));
        }
      return GTK_WINDOW (show_message (parent, _("Cannot Open Link"),
                                       _("Add an account first to open xmpp: links.")));
    }

  /* A plain link to someone already in the roster of the only account just
   * opens the chat: that sends nothing and shows nobody new. */
  request->uri = g_steal_pointer (&uri);
  message = confab_xmpp_uri_get_param (request->uri, "body");
  if (n_accounts == 1
      && (confab_xmpp_uri_get_action (request->uri) == CONFAB_XMPP_URI_ACTION_NONE
          || (confab_xmpp_uri_get_action (request->uri) == CONFAB_XMPP_URI_ACTION_MESSAGE
              && (message == NULL || *message == '\0'))))
    {
      ConfabAccount *account = chosen_account (request);
      ConfabRosterModel *roster = account != NULL ? confab_account_get_roster (account) : NULL;

      if (roster != NULL
          && confab_roster_model_lookup (roster, confab_xmpp_uri_get_bare_jid (request->uri)) != NULL)
        {
          open_chat (parent, manager, account, confab_xmpp_uri_get_bare_jid (request->uri));
          request_free (request);
          return NULL;
        }
    }

  switch (confab_xmpp_uri_get_action (request->uri))
    {
    case CONFAB_XMPP_URI_ACTION_ROSTER:
    case CONFAB_XMPP_URI_ACTION_SUBSCRIBE:
      heading = g_strdup_printf (_("Add %s to your contacts?"), peer_shown);
      body = g_strdup (_("They will be asked to share their presence with you."));
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, body));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "add", _("_Add Contact"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
      break;

    case CONFAB_XMPP_URI_ACTION_MESSAGE:
      if (message != NULL && *message != '\0')
        {
          heading = g_strdup_printf (_("Send this message to %s?"), peer_shown);
          dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading,
                                                               _("The link would send this text for you:")));
          adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "open", _("_Open Chat Only"),
                                            "send", _("_Send"), NULL);
          adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_SUGGESTED);
          break;
        }
      G_GNUC_FALLTHROUGH;

    case CONFAB_XMPP_URI_ACTION_NONE:
    case CONFAB_XMPP_URI_ACTION_JOIN:
    default:
      heading = g_strdup_printf (_("Open a chat with %s?"), peer_shown);
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading,
                                                           _("They are not in your contacts.")));
      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "open", _("_Open Chat"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "open", ADW_RESPONSE_SUGGESTED);
      break;
    }
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  extra = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  if (n_accounts > 1)
    {
      GtkWidget *label = gtk_label_new (_("From the account"));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      request->account_chooser = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (request->account_jids)), NULL));
      gtk_widget_set_name (GTK_WIDGET (request->account_chooser), "account_chooser");
      gtk_accessible_update_relation (GTK_ACCESSIBLE (request->account_chooser),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                      -1);
      gtk_box_append (GTK_BOX (extra), label);
      gtk_box_append (GTK_BOX (extra), GTK_WIDGET (request->account_chooser));
    }
  if (confab_xmpp_uri_get_action (request->uri) == CONFAB_XMPP_URI_ACTION_MESSAGE
      && message != NULL && *message != '\0')
    gtk_box_append (GTK_BOX (extra), message_preview (message));
  if (gtk_widget_get_first_child (extra) != NULL)
    adw_message_dialog_set_extra_child (dialog, extra);
  else
    g_object_unref (g_object_ref_sink (extra));

  g_signal_connect_data (dialog, "response", G_CALLBACK (on_response_cb), request,
                         (GClosureNotify) (void (*) (void)) request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}
