/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "confab-account-manager.h"
#include "confab-xmpp-uri.h"

G_BEGIN_DECLS

/* Opens an `xmpp:` link (RFC 5122, XEP-0147) from a message or the
 * desktop. Nothing is joined, subscribed or sent without the user's
 * explicit choice in a dialog; with several accounts the dialog asks which
 * one. A malformed link gets a dialog that says what is wrong. Opening a
 * chat shows it in @parent when that is a ConfabWindow.
 *
 * Returns the dialog shown (transfer none), or NULL when the link opened a
 * chat with a contact directly. */
GtkWindow *confab_uri_handler_open (GtkWindow            *parent,
                                    ConfabAccountManager *manager,
                                    const char           *uri);

G_END_DECLS
