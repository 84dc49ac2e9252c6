/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be replaced by its owner. */

#include "config.h"

#include "confab-search-dialog.h"

void
confab_search_dialog_present (GtkWindow            *parent,
                              ConfabAccountManager *manager,
                              ConfabConversation   *scope)
{
}
