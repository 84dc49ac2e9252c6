/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"

G_BEGIN_DECLS

/* The "Accounts" page of the preferences: every account with its state,
 * enable switch, remove (with confirmation) and "Add Account". */
GtkWidget *confab_accounts_page_new (ConfabAccountManager *manager);

G_END_DECLS
