/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-history-store.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/*
 * History of ONE conversation from the account's own archive, on demand
 * (the catch-up of ConfabAccountSync pages the whole archive forward; this
 * pages one conversation backward):
 * - NEWEST: the newest page with the peer, for the conversation the user
 *   opens while the catch-up is still running, so it is filled first;
 * - OLDER: the page just before the oldest message of the conversation
 *   that came with an archive id, when the user scrolls back past what is
 *   stored locally.
 * XEP-0313 §4.1.1 ('with' filter) and XEP-0059 §2.5 (paging backwards from
 * 'before'). The MAM module accepts results only from our own archive with
 * the query's fresh queryid; every result is stored (deduplicated) before
 * the operation completes, and the models see them through the store's
 * ::message-changed.
 */
typedef enum {
  CONFAB_ARCHIVE_FETCH_NEWEST,
  CONFAB_ARCHIVE_FETCH_OLDER,
} ConfabArchiveFetch;

void     confab_archive_fetch_async  (ConfabXmppStream    *stream,
                                      ConfabHistoryStore  *store,
                                      gint64               account_id,
                                      const char          *peer,
                                      ConfabArchiveFetch   what,
                                      guint                max,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
/* @n_new: messages that were not stored before; @complete: the archive has
 * nothing older with this peer (OLDER) or fits in this page (NEWEST). */
gboolean confab_archive_fetch_finish (GAsyncResult        *result,
                                      guint               *n_new,
                                      gboolean            *complete,
                                      GError             **error);

G_END_DECLS
