/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-conversation-list.h"
#include "confab-roster-model.h"

G_BEGIN_DECLS

/* Shows why @account's server certificate is not trusted and its details
 * (subject, issuer, validity, SHA-256 fingerprint), and lets the user trust
 * exactly this certificate (confab_account_trust_certificate()) or cancel.
 * Does nothing when the account has no rejected certificate. */
void confab_certificate_dialog_present (GtkWindow     *parent,
                                        ConfabAccount *account);

G_END_DECLS
