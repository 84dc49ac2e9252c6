/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"

G_BEGIN_DECLS

/* Search across all history (@scope NULL) or in one conversation; picking a
 * result opens it in @parent (a ConfabWindow, else the application's main
 * window) at that message. Typing is debounced; each search is one
 * full-text query limited to CONFAB_SEARCH_DIALOG_MAX_RESULTS. */
#define CONFAB_SEARCH_DIALOG_MAX_RESULTS 200

#define CONFAB_TYPE_SEARCH_DIALOG (confab_search_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ConfabSearchDialog, confab_search_dialog, CONFAB, SEARCH_DIALOG, AdwWindow)

/* Returns the dialog (transfer none: it belongs to the window list). */
GtkWindow *confab_search_dialog_present (GtkWindow            *parent,
                                         ConfabAccountManager *manager,
                                         ConfabConversation   *scope);

/* The results shown (a GListModel of ConfabSearchHit), for tests. */
GListModel *confab_search_dialog_get_results (ConfabSearchDialog *self);

/* One result: the message and where it is. */
#define CONFAB_TYPE_SEARCH_HIT (confab_search_hit_get_type ())
G_DECLARE_FINAL_TYPE (ConfabSearchHit, confab_search_hit, CONFAB, SEARCH_HIT, GObject)

const ConfabHistoryMessage *confab_search_hit_get_message (ConfabSearchHit *self);

/* Attributes that emphasise, in @text, every whole-word occurrence of a
 * word of @query (compared case-insensitively), for a label that shows
 * @text as plain text. Exposed for tests. */
PangoAttrList *confab_search_highlight (const char *text,
                                        const char *query);

G_END_DECLS
