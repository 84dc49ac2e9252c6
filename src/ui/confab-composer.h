/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-conversation.h"
#include "confab-message-item.h"

G_BEGIN_DECLS

/*
 * Where the user writes: a multi-line text view (Enter sends, Shift+Enter
 * breaks the line; with the "send-on-enter" setting off, Ctrl+Enter
 * sends), an emoji chooser, a bar above it while replying to a message or
 * correcting the last one (Up in an empty composer, XEP-0308), and chat
 * states (XEP-0085) while typing. Each conversation keeps its own draft.
 */
#define CONFAB_TYPE_COMPOSER (confab_composer_get_type ())
G_DECLARE_FINAL_TYPE (ConfabComposer, confab_composer, CONFAB, COMPOSER, GtkWidget)

GtkWidget *confab_composer_new              (void);
void       confab_composer_set_conversation (ConfabComposer     *self,
                                             ConfabConversation *conversation);
/* Answers @item (XEP-0461) with the next message sent. */
void       confab_composer_reply_to         (ConfabComposer     *self,
                                             ConfabMessageItem  *item);
/* Loads our last correctable message for correction; FALSE if none. */
gboolean   confab_composer_edit_last        (ConfabComposer     *self);
/* Leaves reply or correction mode. */
void       confab_composer_cancel           (ConfabComposer     *self);
/* Sends (or corrects with) the text; FALSE when there was nothing to send. */
gboolean   confab_composer_send             (ConfabComposer     *self);
GtkTextBuffer *confab_composer_get_buffer   (ConfabComposer     *self);

G_END_DECLS
