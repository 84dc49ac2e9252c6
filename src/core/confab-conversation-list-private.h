/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-account-manager.h"
#include "confab-conversation-list.h"

G_BEGIN_DECLS

/* Created by ConfabAccountManager (confab_account_manager_get_conversations()). */
ConfabConversationList *_confab_conversation_list_new (ConfabAccountManager *manager);

G_END_DECLS
