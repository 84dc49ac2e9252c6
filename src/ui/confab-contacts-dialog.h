/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"

G_BEGIN_DECLS

/* The contacts of every account: search, add, rename, groups, remove,
 * block/unblock, pending subscription requests to accept or deny, and a
 * contact's details (presence per resource, status). Lists are
 * GtkListViews over the roster models (merged with a GtkFlattenListModel
 * when there are several accounts, each row then naming its account), so a
 * roster of thousands costs only the visible rows. */
#define CONFAB_TYPE_CONTACTS_DIALOG (confab_contacts_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ConfabContactsDialog, confab_contacts_dialog, CONFAB, CONTACTS_DIALOG, AdwWindow)

/* Returns the dialog (transfer none: it belongs to the window list). */
GtkWindow  *confab_contacts_dialog_present      (GtkWindow            *parent,
                                                 ConfabAccountManager *manager);
/* The contacts shown after the search filter, and the pending requests
 * (GListModels of ConfabContact), for tests. */
GListModel *confab_contacts_dialog_get_contacts (ConfabContactsDialog *self);
GListModel *confab_contacts_dialog_get_requests (ConfabContactsDialog *self);

/* The details of one contact. The conversation list used by "Send
 * Message" is that of the application's account manager (or of the
 * contacts dialog @parent belongs to). Returns the window (transfer none). */
#define CONFAB_TYPE_CONTACT_DETAILS (confab_contact_details_get_type ())
G_DECLARE_FINAL_TYPE (ConfabContactDetails, confab_contact_details, CONFAB, CONTACT_DETAILS, AdwWindow)

GtkWindow  *confab_contact_details_present      (GtkWindow            *parent,
                                                 ConfabContact        *contact);

/* A contact's subscription state (RFC 6121 §2.1.2.5) in words. */
const char *confab_subscription_describe        (ConfabXmppSubscription subscription,
                                                 gboolean               ask);

G_END_DECLS
