/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-archive-fetch.h"
#include "confab-core-error.h"
#include "confab-jid.h"
#include "xep/xep-0313-mam.h"

typedef struct {
  ConfabHistoryStore *store;
  gint64              account_id;
  /* OLDER: the time of the message the page ends before (0: none). */
  gint64              before_timestamp;
  ConfabMamPage      *page;
  guint               outstanding;
  guint               n_new;
  GError             *error;     /* the first storage error */
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_object (&fetch->store);
  g_clear_pointer (&fetch->page, confab_mam_page_unref);
  g_clear_error (&fetch->error);
  g_free (fetch);
}

static void
finish (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);

  if (fetch->error != NULL)
    g_task_return_error (task, g_steal_pointer (&fetch->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
stored_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  ConfabHistoryOutcome outcome = CONFAB_HISTORY_OUTCOME_IGNORED;
  g_autoptr(GError) error = NULL;

  if (!confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (source), result,
                                                NULL, &outcome, &error))
    {
      if (fetch->error == NULL)
        fetch->error = g_steal_pointer (&error);
    }
  else if (outcome == CONFAB_HISTORY_OUTCOME_STORED)
    {
      fetch->n_new++;
    }
  if (--fetch->outstanding == 0)
    finish (task);
}

/* A page fetched backwards is older than the message it ends before, but
 * archive stamps have whole seconds (Prosody 0.12), so a burst shares one:
 * the @distance-th result before that message is kept at least @distance µs
 * before it, so that history sorted by time shows the page in archive order. */
static GDateTime *
stamp_before (GDateTime *stamp,
              gint64     before_timestamp,
              guint      distance)
{
  gint64 limit = before_timestamp - distance;

  if (stamp == NULL || before_timestamp == 0 || g_date_time_to_unix (stamp) * G_USEC_PER_SEC
                                                + g_date_time_get_microsecond (stamp) <= limit)
    return stamp != NULL ? g_date_time_ref (stamp) : NULL;
  {
    g_autoptr(GDateTime) seconds = g_date_time_new_from_unix_utc (limit / G_USEC_PER_SEC);

    return g_date_time_add (seconds, limit % G_USEC_PER_SEC);
  }
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Fetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;
  GPtrArray *results;

  fetch->page = confab_xep_mam_query_finish (CONFAB_XEP_MAM (source), result, &error);
  if (fetch->page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  results = confab_mam_page_get_results (fetch->page);
  if (results->len == 0)
    {
      finish (task);
      return;
    }
  /* The writer applies them in order; each callback runs after commit. */
  fetch->outstanding = results->len;
  for (guint i = 0; i < results->len; i++)
    {
      ConfabMamResult *item = g_ptr_array_index (results, i);
      g_autoptr(GDateTime) stamp = stamp_before (confab_mam_result_get_stamp (item),
                                                 fetch->before_timestamp,
                                                 results->len - i);

      confab_history_store_add_archived_message_async (fetch->store, fetch->account_id,
                                                       confab_mam_result_get_message (item),
                                                       confab_mam_result_get_is_outgoing (item)
                                                         ? CONFAB_HISTORY_DIRECTION_OUT
                                                         : CONFAB_HISTORY_DIRECTION_IN,
                                                       confab_mam_result_get_id (item),
                                                       stamp,
                                                       g_task_get_cancellable (task),
                                                       stored_cb, g_object_ref (task));
    }
}

void
confab_archive_fetch_async (ConfabXmppStream    *stream,
                            ConfabHistoryStore  *store,
                            gint64               account_id,
                            const char          *peer,
                            ConfabArchiveFetch   what,
                            guint                max,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConfabJid) with = NULL;
  g_autofree char *before = NULL;
  GError *error = NULL;
  ConfabXepMam *mam;
  Fetch *fetch;

  g_return_if_fail (CONFAB_IS_XMPP_STREAM (stream));
  g_return_if_fail (CONFAB_IS_HISTORY_STORE (store));
  g_return_if_fail (peer != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, confab_archive_fetch_async);
  fetch = g_new0 (Fetch, 1);
  fetch->store = g_object_ref (store);
  fetch->account_id = account_id;
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  with = confab_jid_parse (peer, NULL);
  if (with == NULL || confab_jid_get_resource (with) != NULL)
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                               "Not a bare JID: %s", peer);
      return;
    }
  mam = CONFAB_XEP_MAM (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XEP_MAM));
  if (mam == NULL)
    {
      g_task_return_new_error (task, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                               "The stream has no archive module");
      return;
    }

  if (what == CONFAB_ARCHIVE_FETCH_OLDER)
    {
      g_autoptr(ConfabHistoryConversation) conversation =
        confab_history_store_get_conversation (store, account_id,
                                               confab_jid_get_bare_string (with), &error);

      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (conversation != NULL)
        before = confab_history_store_get_oldest_archive_id (store, conversation->id,
                                                             &fetch->before_timestamp, &error);
      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  /* XEP-0059 §2.5: an empty 'before' asks for the last page. */
  if (before == NULL)
    before = g_strdup ("");

  confab_xep_mam_query_async (mam, NULL, with, NULL, NULL, NULL, before, max,
                              cancellable, page_cb, g_steal_pointer (&task));
}

gboolean
confab_archive_fetch_finish (GAsyncResult  *result,
                             guint         *n_new,
                             gboolean      *complete,
                             GError       **error)
{
  GTask *task = G_TASK (result);
  Fetch *fetch = g_task_get_task_data (task);

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  if (n_new != NULL)
    *n_new = fetch->n_new;
  /* §4.3 / XEP-0059: complete='true' when the page reaches the end. */
  if (complete != NULL)
    *complete = fetch->page == NULL || confab_mam_page_get_complete (fetch->page);
  return TRUE;
}
