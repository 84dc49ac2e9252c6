/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"

G_BEGIN_DECLS

/* Search across all history (@scope NULL) or in one conversation; picking a
 * result opens it in @parent (a ConfabWindow) at that message. */
void confab_search_dialog_present (GtkWindow            *parent,
                                   ConfabAccountManager *manager,
                                   ConfabConversation   *scope);

G_END_DECLS
