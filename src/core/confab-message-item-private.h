/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-message-item.h"

G_BEGIN_DECLS

/* Used by ConfabConversationModel, which owns the items. */
ConfabMessageItem *_confab_message_item_new    (const ConfabHistoryMessage *message,
                                                const char                 *reply_body,
                                                const char                 *reply_sender,
                                                const char * const         *reactions);
/* Takes the row's new values and notifies what changed. */
void               _confab_message_item_update (ConfabMessageItem          *self,
                                                const ConfabHistoryMessage *message,
                                                const char                 *reply_body,
                                                const char                 *reply_sender,
                                                const char * const         *reactions);

G_END_DECLS
