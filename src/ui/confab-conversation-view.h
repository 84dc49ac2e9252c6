/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-composer.h"
#include "confab-conversation.h"

G_BEGIN_DECLS

/*
 * One conversation: a header (name, presence or "typing…", search in this
 * conversation; a back button on a narrow window, activating
 * win.show-sidebar), the messages in a virtualized GtkListView (older
 * history loaded when scrolled to the top, keeping the view where it was;
 * staying at the bottom while new messages arrive if it was there), and
 * the composer. Handles the message rows' conversation.reply,
 * conversation.edit and conversation.react actions.
 */
#define CONFAB_TYPE_CONVERSATION_VIEW (confab_conversation_view_get_type ())
G_DECLARE_FINAL_TYPE (ConfabConversationView, confab_conversation_view, CONFAB, CONVERSATION_VIEW, GtkWidget)

GtkWidget          *confab_conversation_view_new               (void);
void                confab_conversation_view_set_manager       (ConfabConversationView *self,
                                                                ConfabAccountManager   *manager);
void                confab_conversation_view_set_conversation  (ConfabConversationView *self,
                                                                ConfabConversation     *conversation);
ConfabConversation *confab_conversation_view_get_conversation  (ConfabConversationView *self);
/* Loads history around @message_id when needed and scrolls to it. */
void                confab_conversation_view_scroll_to_message (ConfabConversationView *self,
                                                                gint64                  message_id);
void                confab_conversation_view_set_show_back_button (ConfabConversationView *self,
                                                                   gboolean                show);
ConfabComposer     *confab_conversation_view_get_composer      (ConfabConversationView *self);
/* The header bar, so the window can hide its buttons when unfolded. */
AdwHeaderBar       *confab_conversation_view_get_header_bar    (ConfabConversationView *self);

G_END_DECLS
