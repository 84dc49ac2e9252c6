/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Logs in as @jid and sends @count one-line chat messages to @to as fast as
 * the server takes them (each asking for a receipt, as real clients do),
 * then waits until the server acknowledged them all (XEP-0198) and closes.
 * Used by tools/bench-ui, from a process of its own so that its work is
 * not counted as Confab's. */
gboolean demo_burst_send (const char   *jid,
                          const char   *password,
                          guint16       port,
                          GTlsDatabase *database,
                          const char   *to,
                          guint         count,
                          GError      **error);

G_END_DECLS
