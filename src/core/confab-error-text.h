/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What went wrong, in plain words for the user (translated): for every
 * code of CONFAB_XMPP_ERROR, the stream, SASL and stanza error domains,
 * CONFAB_CORE_ERROR, G_IO_ERROR, G_TLS_ERROR and G_RESOLVER_ERROR, and a
 * general sentence for anything else. Never the raw message: that may
 * come from the server and is for logs. @error may be NULL. Free with
 * g_free(). */
char *confab_error_describe (const GError *error);

G_END_DECLS
