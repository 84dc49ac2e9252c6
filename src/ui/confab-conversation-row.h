/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-conversation.h"

G_BEGIN_DECLS

/*
 * One line of the conversation list: avatar with presence, name, time of
 * the last activity, a one-line preview of the last message, the unread
 * count, and (with several accounts) which account it belongs to. Rows are
 * recycled by the list view: set_conversation() moves the row's signal
 * handlers to the new conversation (NULL: none).
 */
#define CONFAB_TYPE_CONVERSATION_ROW (confab_conversation_row_get_type ())
G_DECLARE_FINAL_TYPE (ConfabConversationRow, confab_conversation_row, CONFAB, CONVERSATION_ROW, GtkWidget)

GtkWidget          *confab_conversation_row_new              (void);
void                confab_conversation_row_set_conversation (ConfabConversationRow *self,
                                                              ConfabConversation    *conversation);
ConfabConversation *confab_conversation_row_get_conversation (ConfabConversationRow *self);
void                confab_conversation_row_set_show_account (ConfabConversationRow *self,
                                                              gboolean               show_account);

/* "now", "5 min", "14:03", "Yesterday", "Monday", "12 March", "3/12/24":
 * @time (µs since the epoch) relative to @now (newly allocated). */
char               *confab_conversation_row_format_time      (gint64                 time,
                                                              GDateTime             *now);

G_END_DECLS
