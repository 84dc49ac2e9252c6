/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"

G_BEGIN_DECLS

/* "Add Contact": an address (validated as a bare JID, with a clear error),
 * an optional name and group, and the account to add it to when there are
 * several. Adding asks the server (RFC 6121 §3.1) and closes on success. */
#define CONFAB_TYPE_ADD_CONTACT_DIALOG (confab_add_contact_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ConfabAddContactDialog, confab_add_contact_dialog, CONFAB, ADD_CONTACT_DIALOG, AdwWindow)

/* Returns the dialog (transfer none: it belongs to the window list). */
ConfabAddContactDialog *confab_add_contact_dialog_present (GtkWindow            *parent,
                                                           ConfabAccountManager *manager);

/* The address as the user typed it, checked: the bare JID string (newly
 * allocated), or NULL with a message for the user in @error. Exposed for
 * tests. */
char                   *confab_add_contact_dialog_check_jid (const char  *text,
                                                             GError     **error);

G_END_DECLS
