/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be replaced by its owner. */

#include "config.h"

#include "confab-contacts-dialog.h"

void
confab_contacts_dialog_present (GtkWindow            *parent,
                                ConfabAccountManager *manager)
{
}

void
confab_contact_details_present (GtkWindow     *parent,
                                ConfabContact *contact)
{
}
