/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be replaced by its owner. */

#include "config.h"

#include "confab-welcome-page.h"

GtkWidget *
confab_welcome_page_new (ConfabAccountManager *manager)
{
  return adw_status_page_new ();
}

void
confab_account_dialog_present (GtkWindow            *parent,
                               ConfabAccountManager *manager)
{
}
