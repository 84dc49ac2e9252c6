/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"

G_BEGIN_DECLS

/* The contacts of every account: search, add, rename, groups, remove,
 * block/unblock, pending subscription requests to accept or deny, and a
 * contact's details (presence per resource, status). */
void confab_contacts_dialog_present (GtkWindow            *parent,
                                     ConfabAccountManager *manager);
/* The details of one contact. */
void confab_contact_details_present (GtkWindow            *parent,
                                     ConfabContact        *contact);

G_END_DECLS
