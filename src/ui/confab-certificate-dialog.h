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

/* ---- Added for the welcome page ------------------------------------------- */

#define CONFAB_TYPE_CERTIFICATE_DIALOG (confab_certificate_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ConfabCertificateDialog, confab_certificate_dialog, CONFAB, CERTIFICATE_DIALOG, AdwMessageDialog)

/* Response ids (AdwMessageDialog::response). "trust" is never the default:
 * Enter and Escape cancel. */
#define CONFAB_CERTIFICATE_RESPONSE_TRUST  "trust"
#define CONFAB_CERTIFICATE_RESPONSE_CANCEL "cancel"

/* The dialog for @certificate presented by the server of @domain, which
 * failed verification with @errors; not yet shown. The caller acts on the
 * response. */
GtkWidget *confab_certificate_dialog_new             (GtkWindow            *parent,
                                                      const char           *domain,
                                                      GTlsCertificate      *certificate,
                                                      GTlsCertificateFlags  errors);
/* Like confab_certificate_dialog_present() but returns the dialog (not yet
 * shown), or NULL when the account has no rejected certificate. On "trust"
 * it has already called confab_account_trust_certificate(). */
GtkWidget *confab_certificate_dialog_new_for_account (GtkWindow            *parent,
                                                      ConfabAccount        *account);
GTlsCertificate *confab_certificate_dialog_get_certificate (ConfabCertificateDialog *self);

/* Why a certificate failed, in words (translated), one reason per line. */
char      *confab_certificate_describe_errors        (GTlsCertificateFlags  errors);

G_END_DECLS
