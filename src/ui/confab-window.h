/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-window.h: the main window.
 *
 * Copyright 2026 The Confab developers
 */

#pragma once

#include <adwaita.h>

#include "confab-application.h"
#include "confab-conversation.h"

G_BEGIN_DECLS

#define CONFAB_TYPE_WINDOW (confab_window_get_type ())

G_DECLARE_FINAL_TYPE (ConfabWindow, confab_window, CONFAB, WINDOW, AdwApplicationWindow)

ConfabWindow *confab_window_new       (ConfabApplication *application);
/* A window on @manager instead of the application's profile (for tests
 * and tools); @application may be NULL or any registered GtkApplication. */
ConfabWindow *confab_window_new_for_manager (GtkApplication       *application,
                                             ConfabAccountManager *manager);
void          confab_window_add_toast (ConfabWindow      *self,
                                       AdwToast          *toast);

/* Shows @conversation (selecting it in the sidebar; on a narrow window the
 * conversation page) and, when @message_id is not 0, scrolls to that
 * message (loading history around it). */
void          confab_window_open_conversation (ConfabWindow       *self,
                                               ConfabConversation *conversation,
                                               gint64              message_id);
/* The conversation the user is looking at: shown, and the window is the
 * active (focused) one; NULL otherwise. For notifications. */
ConfabConversation *confab_window_get_visible_conversation (ConfabWindow *self);

G_END_DECLS
