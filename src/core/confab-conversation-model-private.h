/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "confab-conversation-model.h"

G_BEGIN_DECLS

/* A model made before its conversation was stored (id 0) follows it once
 * it exists: ConfabConversation calls this with the new id. */
void _confab_conversation_model_attach (ConfabConversationModel *self,
                                        gint64                   conversation_id);

G_END_DECLS
