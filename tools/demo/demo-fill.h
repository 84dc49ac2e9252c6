/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * History for a profile's database (confab.db), written through the
 * history store like received messages, for the screenshots and the
 * benchmarks. The account must exist or is created (ensure_account).
 */

/* A few short conversations of the user with the demo's friends, over the
 * last days (for screenshots that look like a used app). */
gboolean demo_fill_showcase (const char  *database_path,
                             const char  *account_jid,
                             GError     **error);

/* @n_conversations conversations with benchmark contacts peer0001 … (one to
 * three messages each, over the last month); then @n_big of them, from
 * peer0001 on, get @big_messages more messages each. */
gboolean demo_fill_bench    (const char  *database_path,
                             const char  *account_jid,
                             guint        n_conversations,
                             guint        n_big,
                             guint        big_messages,
                             GError     **error);

G_END_DECLS
