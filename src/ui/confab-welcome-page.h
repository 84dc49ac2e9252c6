/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"

G_BEGIN_DECLS

/* The first-run page (also the body of the "Add Account" window): log in
 * to an existing account (JID, password; advanced: host, port, Direct
 * TLS) or create one by in-band registration (XEP-0077). Emits
 * ::account-added (ConfabAccount) once the new account is online. */
GtkWidget *confab_welcome_page_new            (ConfabAccountManager *manager);

#define CONFAB_TYPE_WELCOME_PAGE (confab_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (ConfabWelcomePage, confab_welcome_page, CONFAB, WELCOME_PAGE, AdwBin)

/* An "Add Account" window with a welcome page, for a further account. */
void       confab_account_dialog_present      (GtkWindow            *parent,
                                               ConfabAccountManager *manager);

G_END_DECLS
