/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-account-sync.h"
#include "confab-roster-model.h"
#include "confab-xmpp-error.h"
#include "confab-xmpp-message.h"
#include "xep/xep-0313-mam.h"

struct _ConfabAccountSync
{
  GObject             parent_instance;

  ConfabXmppStream   *stream;
  ConfabHistoryStore *store;
  gint64              account_id;
  ConfabRosterModel  *roster;   /* weak; nullable */

  /* The message already handed to the store during the current
   * ::stanza-received emission: one message can raise several signals
   * (a receipt and a body), but is stored once. */
  ConfabXmppMessage  *stored_in_emission;

  /* Our ids waiting for the server's ack → bare JID of the recipient. */
  GHashTable         *unacked;

  guint               held_count;
  /* Bumped on every new (non-resumed) session: the stream then forgets
   * what was held, and tokens of the old session must not be released
   * (their numbers are reused). */
  guint               generation;

  /* Catch-up. */
  GCancellable       *catch_up_cancellable;
  GArray             *mam_tokens;     /* guint64: held archive results */
  gboolean            catching_up;
  gboolean            need_catch_up;  /* none completed in this session */
  guint               progress;

  gulong              handler_ids[8];
  guint               n_handler_ids;
};

enum {
  PROP_0,
  PROP_CATCHING_UP,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ConfabAccountSync, confab_account_sync, G_TYPE_OBJECT)

static ConfabXmppMessages *
get_messages (ConfabAccountSync *self)
{
  return CONFAB_XMPP_MESSAGES (confab_xmpp_stream_get_module (self->stream,
                                                              CONFAB_TYPE_XMPP_MESSAGES));
}

static gboolean
is_bound (ConfabAccountSync *self)
{
  return self->stream != NULL
         && confab_xmpp_stream_get_state (self->stream) == CONFAB_XMPP_STREAM_STATE_BOUND;
}

static void
release (ConfabAccountSync *self,
         guint64            token,
         guint              generation)
{
  if (token == 0 || generation != self->generation)
    return;
  g_assert (self->held_count > 0);
  self->held_count--;
  if (self->stream != NULL)
    confab_xmpp_stream_release_stanza (self->stream, token);
}

/* ---- Inbound ---------------------------------------------------------------- */

typedef struct {
  ConfabAccountSync *self;
  ConfabXmppMessage *message;
  guint64            token;
  guint              generation;
  gboolean           owe_receipt;
} InboundData;

static void
inbound_data_free (InboundData *data)
{
  g_object_unref (data->self);
  confab_xmpp_message_unref (data->message);
  g_free (data);
}

static gboolean
may_see_presence (ConfabAccountSync *self,
                  ConfabXmppMessage *message)
{
  ConfabContact *contact;
  ConfabXmppSubscription subscription;

  if (self->roster == NULL)
    return TRUE;
  contact = confab_roster_model_lookup (self->roster,
                                        confab_jid_get_bare_string (confab_xmpp_message_get_from (message)));
  if (contact == NULL)
    return FALSE;
  subscription = confab_contact_get_subscription (contact);
  return subscription == CONFAB_XMPP_SUBSCRIPTION_FROM
         || subscription == CONFAB_XMPP_SUBSCRIPTION_BOTH;
}

static void
inbound_stored_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  InboundData *data = user_data;
  ConfabAccountSync *self = data->self;
  g_autoptr(GError) error = NULL;
  ConfabHistoryOutcome outcome = CONFAB_HISTORY_OUTCOME_IGNORED;

  if (!confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (source), result,
                                                NULL, &outcome, &error))
    {
      /* Not stored: keep it unacknowledged, so the server redelivers it
       * (or it comes back through MAM) rather than it being lost. */
      g_warning ("Could not store a message: %s", error->message);
      inbound_data_free (data);
      return;
    }

  release (self, data->token, data->generation);

  /* XEP-0184: "received" means stored, so only now; §8: and only to whom
   * may see our presence. */
  if (data->owe_receipt && is_bound (self) && may_see_presence (self, data->message))
    confab_xmpp_messages_send_receipt (get_messages (self),
                                       confab_xmpp_message_get_from (data->message),
                                       confab_xmpp_message_get_id (data->message));
  inbound_data_free (data);
}

static void
store_inbound (ConfabAccountSync      *self,
               ConfabXmppMessage      *message,
               ConfabHistoryDirection  direction,
               gboolean                owe_receipt)
{
  InboundData *data;

  if (self->stored_in_emission == message)
    return;
  self->stored_in_emission = message;

  data = g_new0 (InboundData, 1);
  data->self = g_object_ref (self);
  data->message = confab_xmpp_message_ref (message);
  data->token = confab_xmpp_stream_hold_stanza (self->stream);
  data->generation = self->generation;
  data->owe_receipt = owe_receipt;
  if (data->token != 0)
    self->held_count++;
  g_debug ("Storing inbound stanza %" G_GUINT64_FORMAT " before acknowledging it", data->token);

  confab_history_store_add_message_async (self->store, self->account_id, message,
                                          direction, NULL, NULL,
                                          inbound_stored_cb, data);
}

static gboolean
is_from_own_account (ConfabAccountSync *self,
                     ConfabXmppMessage *message)
{
  return confab_jid_equal_bare (confab_xmpp_message_get_from (message),
                                confab_xmpp_stream_get_jid (self->stream));
}

static void
message_received_cb (ConfabXmppMessages *messages,
                     ConfabXmppMessage  *message,
                     gboolean            is_carbon,
                     gboolean            is_sent_carbon,
                     ConfabAccountSync  *self)
{
  gboolean own = is_sent_carbon || is_from_own_account (self, message);
  gboolean owe_receipt = !is_carbon && !own
                         && confab_xmpp_message_get_receipt_requested (message)
                         && confab_xmpp_message_get_id (message) != NULL;

  store_inbound (self, message,
                 own ? CONFAB_HISTORY_DIRECTION_OUT : CONFAB_HISTORY_DIRECTION_IN,
                 owe_receipt);
}

static void
receipt_received_cb (ConfabXmppMessages *messages,
                     ConfabXmppMessage  *message,
                     const char         *id,
                     ConfabAccountSync  *self)
{
  store_inbound (self, message, CONFAB_HISTORY_DIRECTION_IN, FALSE);
}

static void
marker_received_cb (ConfabXmppMessages *messages,
                    ConfabXmppMessage  *message,
                    ConfabXmppMarker    marker,
                    const char         *id,
                    gboolean            is_own,
                    ConfabAccountSync  *self)
{
  store_inbound (self, message,
                 is_own ? CONFAB_HISTORY_DIRECTION_OUT : CONFAB_HISTORY_DIRECTION_IN,
                 FALSE);
}

/* Corrections and retractions: the store checks the author against its
 * history whatever @verified says (its lookups are keyed by sender). */
static void
edit_received_cb (ConfabXmppMessages *messages,
                  ConfabXmppMessage  *message,
                  const char         *id,
                  gboolean            verified,
                  ConfabAccountSync  *self)
{
  store_inbound (self, message,
                 is_from_own_account (self, message) ? CONFAB_HISTORY_DIRECTION_OUT
                                                     : CONFAB_HISTORY_DIRECTION_IN,
                 FALSE);
}

static void
reaction_received_cb (ConfabXmppMessages *messages,
                      ConfabXmppMessage  *message,
                      const char         *id,
                      const char * const *reactions,
                      ConfabAccountSync  *self)
{
  store_inbound (self, message,
                 is_from_own_account (self, message) ? CONFAB_HISTORY_DIRECTION_OUT
                                                     : CONFAB_HISTORY_DIRECTION_IN,
                 FALSE);
}

static void
message_error_cb (ConfabXmppMessages *messages,
                  ConfabXmppMessage  *message,
                  const GError       *error,
                  ConfabAccountSync  *self)
{
  store_inbound (self, message, CONFAB_HISTORY_DIRECTION_IN, FALSE);
}

static void
stanza_received_cb (ConfabXmppStream  *stream,
                    ConfabXmppNode    *stanza,
                    ConfabAccountSync *self)
{
  guint64 token;

  /* Archive results of our catch-up: held until their page is stored. */
  if (!self->catching_up
      || !confab_xmpp_node_is (stanza, "message", CONFAB_XMPP_NS_CLIENT)
      || confab_xmpp_node_get_child (stanza, "result", CONFAB_XMPP_NS_MAM) == NULL)
    return;

  token = confab_xmpp_stream_hold_stanza (stream);
  if (token != 0)
    {
      self->held_count++;
      g_array_append_val (self->mam_tokens, token);
    }
}

static void
stanza_received_after_cb (ConfabXmppStream  *stream,
                          ConfabXmppNode    *stanza,
                          ConfabAccountSync *self)
{
  self->stored_in_emission = NULL;
}

/* ---- Outgoing ----------------------------------------------------------------- */

static void
send_stored (ConfabAccountSync *self,
             const char        *peer,
             const char        *body,
             const char        *id,
             const char        *reply_id,
             const char        *reply_author,
             const char        *reply_fallback)
{
  ConfabXmppChatOptions options = { 0 };
  g_autoptr(ConfabJid) to = NULL;
  g_autoptr(ConfabJid) author = NULL;
  g_autofree char *sent_id = NULL;

  /* Not connected: it stays pending and is resent on the next session. */
  if (!is_bound (self))
    return;

  to = confab_jid_parse (peer, NULL);
  if (to == NULL)
    return;

  options.id = id;
  options.request_receipt = TRUE;
  options.markable = TRUE;
  if (reply_id != NULL)
    {
      /* XEP-0461 §2: the author is the peer or us; a chat has no other. */
      author = reply_author != NULL ? confab_jid_parse (reply_author, NULL) : NULL;
      options.reply_id = reply_id;
      options.reply_to = author;
      options.reply_fallback = reply_fallback;
    }
  g_hash_table_insert (self->unacked, g_strdup (id), g_strdup (peer));
  sent_id = confab_xmpp_messages_send_chat (get_messages (self), to, body, &options);
}

typedef struct {
  ConfabAccountSync *self;
  char              *peer;
  char              *body;
  char              *id;
  char              *reply_id;
  char              *reply_author;
  char              *reply_fallback;
} OutgoingData;

static void
outgoing_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  OutgoingData *data = user_data;
  g_autoptr(GError) error = NULL;

  if (confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (source), result,
                                               NULL, NULL, &error))
    send_stored (data->self, data->peer, data->body, data->id,
                 data->reply_id, data->reply_author, data->reply_fallback);
  else
    g_warning ("Could not store an outgoing message: %s", error->message);

  g_object_unref (data->self);
  g_free (data->peer);
  g_free (data->body);
  g_free (data->id);
  g_free (data->reply_id);
  g_free (data->reply_author);
  g_free (data->reply_fallback);
  g_free (data);
}

char *
confab_account_sync_send_reply (ConfabAccountSync *self,
                                const char        *to,
                                const char        *body,
                                const char        *reply_id,
                                const char        *reply_author,
                                const char        *reply_fallback)
{
  g_autoptr(ConfabJid) jid = NULL;
  OutgoingData *data;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT_SYNC (self), NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);

  jid = confab_jid_parse (to, NULL);
  if (jid == NULL)
    return NULL;

  data = g_new0 (OutgoingData, 1);
  data->self = g_object_ref (self);
  data->peer = g_strdup (confab_jid_get_bare_string (jid));
  data->body = g_strdup (body);
  data->id = confab_xmpp_new_uuid ();
  data->reply_id = g_strdup (reply_id);
  data->reply_author = reply_id != NULL ? g_strdup (reply_author) : NULL;
  data->reply_fallback = reply_id != NULL ? g_strdup (reply_fallback) : NULL;

  /* Stored before sent (ARCHITECTURE.md): sent from the callback. */
  confab_history_store_add_outgoing_reply_pending_async (self->store, self->account_id,
                                                         data->peer, CONFAB_HISTORY_KIND_CHAT,
                                                         body, data->id, data->reply_id, NULL,
                                                         outgoing_stored_cb, data);
  return g_strdup (data->id);
}

char *
confab_account_sync_send_chat (ConfabAccountSync *self,
                               const char        *to,
                               const char        *body)
{
  return confab_account_sync_send_reply (self, to, body, NULL, NULL, NULL);
}

static void
edit_stored_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_history_store_apply_finish (CONFAB_HISTORY_STORE (source), result, NULL, &error))
    g_warning ("Could not store our own edit: %s", error->message);
}

char *
confab_account_sync_send_correction (ConfabAccountSync *self,
                                     const char        *to,
                                     const char        *replace_id,
                                     const char        *body)
{
  g_autoptr(ConfabJid) jid = NULL;
  char *id;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT_SYNC (self), NULL);
  g_return_val_if_fail (to != NULL && replace_id != NULL && body != NULL, NULL);

  jid = confab_jid_parse (to, NULL);
  if (jid == NULL || !is_bound (self))
    return NULL;

  /* Stored the way a carbon of it would be: our bare JID is the author,
   * and the new id continues the correction chain (XEP-0308 §5). */
  id = confab_xmpp_messages_send_correction (get_messages (self), jid, replace_id, body);
  confab_history_store_apply_correction_async (self->store, self->account_id,
                                               confab_jid_get_bare_string (jid),
                                               confab_jid_get_bare_string (confab_xmpp_stream_get_jid (self->stream)),
                                               replace_id, id, body, NULL,
                                               edit_stored_cb, NULL);
  return id;
}

char *
confab_account_sync_send_reactions (ConfabAccountSync  *self,
                                    const char         *to,
                                    const char         *message_id,
                                    const char * const *reactions)
{
  g_autoptr(ConfabJid) jid = NULL;
  char *id;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT_SYNC (self), NULL);
  g_return_val_if_fail (to != NULL && message_id != NULL, NULL);

  jid = confab_jid_parse (to, NULL);
  if (jid == NULL || !is_bound (self))
    return NULL;

  /* XEP-0444 §3.2: the whole set, which replaces our earlier one. */
  id = confab_xmpp_messages_send_reaction (get_messages (self), jid, message_id, reactions);
  confab_history_store_apply_reactions_async (self->store, self->account_id,
                                              confab_jid_get_bare_string (jid),
                                              confab_jid_get_bare_string (confab_xmpp_stream_get_jid (self->stream)),
                                              message_id, reactions, NULL,
                                              edit_stored_cb, NULL);
  return id;
}

void
confab_account_sync_set_roster (ConfabAccountSync *self,
                                ConfabRosterModel *roster)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT_SYNC (self));
  g_return_if_fail (roster == NULL || CONFAB_IS_ROSTER_MODEL (roster));

  g_set_weak_pointer (&self->roster, roster);
}

static void
state_set_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!confab_history_store_apply_finish (CONFAB_HISTORY_STORE (source), result, NULL, &error))
    g_warning ("Could not update a message's state: %s", error->message);
}

static void
stanza_acked_cb (ConfabXmppStream  *stream,
                 const char        *id,
                 ConfabAccountSync *self)
{
  const char *peer;

  if (id == NULL)
    return;
  peer = g_hash_table_lookup (self->unacked, id);
  if (peer == NULL)
    return;

  confab_history_store_set_state_async (self->store, self->account_id, peer, id,
                                        CONFAB_HISTORY_STATE_SENT, NULL,
                                        state_set_cb, NULL);
  g_hash_table_remove (self->unacked, id);
}

static void
resend_pending (ConfabAccountSync *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pending = NULL;

  pending = confab_history_store_list_pending (self->store, self->account_id, &error);
  if (pending == NULL)
    {
      g_warning ("Could not list pending messages: %s", error->message);
      return;
    }

  for (guint i = 0; i < pending->len; i++)
    {
      ConfabHistoryMessage *message = g_ptr_array_index (pending, i);

      /* A resent reply keeps its reference (without the quote). */
      if (message->origin_id != NULL && message->body != NULL)
        send_stored (self, message->peer, message->body, message->origin_id,
                     message->reply_to, NULL, NULL);
    }
}

/* ---- Catch-up ----------------------------------------------------------------- *
 *
 * The catch-up pages the archive forward (XEP-0313 §4.3, RSM <after/>) from
 * the account's catch-up position: the id of the last result of the last
 * page that was stored completely. Everything up to it is known stored; the
 * position moves only once a page is committed, so an interrupted catch-up
 * (lost connection, crash) resumes where it stopped. Live messages never
 * move it: one stored while a catch-up is paging says nothing about the
 * pages not yet reached.
 *
 * With no position yet (the first catch-up of an account, or one whose
 * position expired from the archive), the archive is paged from the start
 * of a time window, not just its newest page: the first session may have
 * been handed the offline backlog live and been killed before storing it,
 * and the server then no longer delivers it anywhere but from the archive
 * (mod_smacks drops a MAM-querying session's unacked copies). The archive
 * is the only complete record, so its whole recent part is fetched; the
 * window bounds the first download of an account with years of archive
 * while covering any usual absence and common retention (Prosody keeps a
 * week by default). Duplicates of what was stored live are recognised by
 * the store. */

#define CATCH_UP_WINDOW_DAYS 30

typedef struct {
  ConfabAccountSync *self;
  GCancellable      *cancellable;
  ConfabMamPage     *page;
  char              *after;        /* the catch-up position; NULL: from @start */
  GDateTime         *start;        /* window start when there is no position */
  guint              outstanding;
  gboolean           failed;
} CatchUp;

static void
catch_up_free (CatchUp *catch_up)
{
  g_object_unref (catch_up->self);
  g_object_unref (catch_up->cancellable);
  g_clear_pointer (&catch_up->page, confab_mam_page_unref);
  g_free (catch_up->after);
  g_clear_pointer (&catch_up->start, g_date_time_unref);
  g_free (catch_up);
}

static void
catch_up_from_window (CatchUp *catch_up)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_clear_pointer (&catch_up->after, g_free);
  g_clear_pointer (&catch_up->start, g_date_time_unref);
  catch_up->start = g_date_time_add_days (now, -CATCH_UP_WINDOW_DAYS);
}

static void
release_mam_tokens (ConfabAccountSync *self)
{
  for (guint i = 0; i < self->mam_tokens->len; i++)
    release (self, g_array_index (self->mam_tokens, guint64, i), self->generation);
  g_array_set_size (self->mam_tokens, 0);
}

static void
set_catching_up (ConfabAccountSync *self,
                 gboolean           catching_up)
{
  if (self->catching_up == catching_up)
    return;
  self->catching_up = catching_up;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATCHING_UP]);
}

static void
catch_up_done (CatchUp *catch_up)
{
  ConfabAccountSync *self = catch_up->self;

  /* Only the current catch-up may clear the state. */
  if (self->catch_up_cancellable == catch_up->cancellable)
    {
      release_mam_tokens (self);
      g_clear_object (&self->catch_up_cancellable);
      set_catching_up (self, FALSE);
    }
  catch_up_free (catch_up);
}

static void
catch_up_finished (CatchUp *catch_up)
{
  if (catch_up->self->catch_up_cancellable == catch_up->cancellable && !catch_up->failed)
    catch_up->self->need_catch_up = FALSE;
  catch_up_done (catch_up);
}

static void
position_stored_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Not fatal: the next catch-up starts from the previous position and
   * finds this page's messages already stored. */
  if (!confab_history_store_apply_finish (CONFAB_HISTORY_STORE (source), result, NULL, &error))
    g_warning ("Could not store the archive catch-up position: %s", error->message);
}

static void query_page (CatchUp *catch_up);

static void
page_stored (CatchUp *catch_up)
{
  ConfabAccountSync *self = catch_up->self;
  ConfabMamPage *page = catch_up->page;
  GPtrArray *results = confab_mam_page_get_results (page);
  const char *last = confab_mam_page_get_last (page);

  /* Stored: stream management may acknowledge the page's results now. */
  if (self->catch_up_cancellable == catch_up->cancellable)
    release_mam_tokens (self);

  if (catch_up->failed)
    {
      /* Position unchanged: the next session fetches this page again. */
      catch_up_finished (catch_up);
      return;
    }

  /* Every result of the page is committed: the archive is complete up to
   * its last one. Persisted even if we were cancelled meanwhile. */
  if (results->len > 0 && last != NULL && g_strcmp0 (last, catch_up->after) != 0)
    confab_history_store_set_catch_up_position_async (self->store, self->account_id, last,
                                                      NULL, position_stored_cb, NULL);

  if (g_cancellable_is_cancelled (catch_up->cancellable)
      || confab_mam_page_get_complete (page) || results->len == 0
      || last == NULL || g_strcmp0 (last, catch_up->after) == 0)
    {
      catch_up_finished (catch_up);
      return;
    }

  g_free (catch_up->after);
  catch_up->after = g_strdup (last);
  g_clear_pointer (&catch_up->start, g_date_time_unref);
  g_clear_pointer (&catch_up->page, confab_mam_page_unref);
  query_page (catch_up);
}

static void
result_stored_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CatchUp *catch_up = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_history_store_add_message_finish (CONFAB_HISTORY_STORE (source), result,
                                                NULL, NULL, &error))
    {
      g_warning ("Could not store an archived message: %s", error->message);
      catch_up->failed = TRUE;
    }

  if (--catch_up->outstanding == 0)
    page_stored (catch_up);
}

static void
page_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CatchUp *catch_up = user_data;
  ConfabAccountSync *self = catch_up->self;
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  catch_up->page = confab_xep_mam_query_finish (CONFAB_XEP_MAM (source), result, &error);
  if (catch_up->page == NULL
      && g_error_matches (error, CONFAB_XMPP_STANZA_ERROR, CONFAB_XMPP_STANZA_ERROR_ITEM_NOT_FOUND)
      && catch_up->after != NULL)
    {
      /* XEP-0313 §4.3.2 (RSM): our position expired from the archive; what
       * is left of it is newer, so page the window as on a first run. */
      g_message ("Archive id %s is gone; fetching the last %d days", catch_up->after,
                 CATCH_UP_WINDOW_DAYS);
      catch_up_from_window (catch_up);
      query_page (catch_up);
      return;
    }
  if (catch_up->page == NULL)
    {
      /* The next session starts again from the stored position. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Archive catch-up stopped: %s", error->message);
      catch_up_done (catch_up);
      return;
    }

  results = confab_mam_page_get_results (catch_up->page);
  if (self->catch_up_cancellable == catch_up->cancellable)
    {
      self->progress += results->len;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }

  if (results->len == 0)
    {
      page_stored (catch_up);
      return;
    }

  /* The writer applies them in order; each callback runs after commit. */
  catch_up->outstanding = results->len;
  for (guint i = 0; i < results->len; i++)
    {
      ConfabMamResult *mam_result = g_ptr_array_index (results, i);

      confab_history_store_add_archived_message_async (self->store, self->account_id,
                                                       confab_mam_result_get_message (mam_result),
                                                       confab_mam_result_get_is_outgoing (mam_result)
                                                         ? CONFAB_HISTORY_DIRECTION_OUT
                                                         : CONFAB_HISTORY_DIRECTION_IN,
                                                       confab_mam_result_get_id (mam_result),
                                                       confab_mam_result_get_stamp (mam_result),
                                                       NULL, result_stored_cb, catch_up);
    }
}

static void
query_page (CatchUp *catch_up)
{
  ConfabAccountSync *self = catch_up->self;
  ConfabXepMam *mam;

  mam = CONFAB_XEP_MAM (confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XEP_MAM));
  if (mam == NULL || !is_bound (self))
    {
      catch_up_done (catch_up);
      return;
    }

  /* Forward, oldest first: after the position, else from the window's
   * start (the time filter of XEP-0313 §4.1.1 only for the first page). */
  confab_xep_mam_query_async (mam, NULL, NULL,
                              catch_up->after == NULL ? catch_up->start : NULL, NULL,
                              catch_up->after, NULL,
                              CONFAB_ACCOUNT_SYNC_PAGE_SIZE,
                              catch_up->cancellable, page_cb, catch_up);
}

static void
cancel_catch_up (ConfabAccountSync *self)
{
  if (self->catch_up_cancellable != NULL)
    {
      g_cancellable_cancel (self->catch_up_cancellable);
      g_clear_object (&self->catch_up_cancellable);
    }
  /* Whatever results were held belong to a session that is gone. */
  release_mam_tokens (self);
  set_catching_up (self, FALSE);
}

static void
start_catch_up (ConfabAccountSync *self)
{
  g_autoptr(GError) error = NULL;
  CatchUp *catch_up;

  cancel_catch_up (self);

  catch_up = g_new0 (CatchUp, 1);
  catch_up->after = confab_history_store_get_catch_up_position (self->store, self->account_id,
                                                                &error);
  if (error != NULL)
    {
      g_warning ("Could not read the archive catch-up position: %s", error->message);
      g_free (catch_up);
      return;
    }
  if (catch_up->after == NULL)
    catch_up_from_window (catch_up);
  catch_up->self = g_object_ref (self);
  self->catch_up_cancellable = g_cancellable_new ();
  catch_up->cancellable = g_object_ref (self->catch_up_cancellable);

  self->progress = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  set_catching_up (self, TRUE);
  query_page (catch_up);
}

/* ---- Session ------------------------------------------------------------------ */

static void
session_started_cb (ConfabXmppStream  *stream,
                    gboolean           resumed,
                    ConfabAccountSync *self)
{
  if (resumed)
    {
      /* The catch-up a lost connection interrupted starts again. */
      if (self->need_catch_up)
        start_catch_up (self);
      return;
    }

  /* A new session: the stream forgot what we held, and acks of the old
   * one will never come. */
  self->generation++;
  self->held_count = 0;
  g_array_set_size (self->mam_tokens, 0);
  g_hash_table_remove_all (self->unacked);
  self->need_catch_up = TRUE;
  resend_pending (self);
  start_catch_up (self);
}

static void
session_ended_cb (ConfabXmppStream  *stream,
                  const GError      *error,
                  ConfabAccountSync *self)
{
  cancel_catch_up (self);
}

/* ---- GObject ------------------------------------------------------------------ */

static void
confab_account_sync_dispose (GObject *object)
{
  ConfabAccountSync *self = CONFAB_ACCOUNT_SYNC (object);

  if (self->catch_up_cancellable != NULL)
    {
      g_cancellable_cancel (self->catch_up_cancellable);
      g_clear_object (&self->catch_up_cancellable);
    }

  if (self->stream != NULL)
    {
      ConfabXmppMessages *messages = get_messages (self);

      if (messages != NULL)
        g_signal_handlers_disconnect_by_data (messages, self);
      g_signal_handlers_disconnect_by_data (self->stream, self);
      g_clear_object (&self->stream);
    }
  g_clear_object (&self->store);
  g_clear_weak_pointer (&self->roster);

  G_OBJECT_CLASS (confab_account_sync_parent_class)->dispose (object);
}

static void
confab_account_sync_finalize (GObject *object)
{
  ConfabAccountSync *self = CONFAB_ACCOUNT_SYNC (object);

  g_hash_table_unref (self->unacked);
  g_array_unref (self->mam_tokens);

  G_OBJECT_CLASS (confab_account_sync_parent_class)->finalize (object);
}

static void
confab_account_sync_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ConfabAccountSync *self = CONFAB_ACCOUNT_SYNC (object);

  switch (prop_id)
    {
    case PROP_CATCHING_UP:
      g_value_set_boolean (value, self->catching_up);
      break;
    case PROP_PROGRESS:
      g_value_set_uint (value, self->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_account_sync_class_init (ConfabAccountSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = confab_account_sync_dispose;
  object_class->finalize = confab_account_sync_finalize;
  object_class->get_property = confab_account_sync_get_property;

  properties[PROP_CATCHING_UP] =
    g_param_spec_boolean ("catching-up", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_uint ("progress", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_account_sync_init (ConfabAccountSync *self)
{
  self->unacked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->mam_tokens = g_array_new (FALSE, FALSE, sizeof (guint64));
}

ConfabAccountSync *
confab_account_sync_new (ConfabXmppStream   *stream,
                         ConfabHistoryStore *store,
                         gint64              account_id)
{
  ConfabAccountSync *self;
  ConfabXmppMessages *messages;

  g_return_val_if_fail (CONFAB_IS_XMPP_STREAM (stream), NULL);
  g_return_val_if_fail (CONFAB_IS_HISTORY_STORE (store), NULL);
  g_return_val_if_fail (account_id > 0, NULL);

  self = g_object_new (CONFAB_TYPE_ACCOUNT_SYNC, NULL);
  self->stream = g_object_ref (stream);
  self->store = g_object_ref (store);
  self->account_id = account_id;

  messages = get_messages (self);
  g_return_val_if_fail (messages != NULL, self);

  /* All of these are emitted synchronously inside ::stanza-received,
   * which is what lets them hold the stanza. */
  g_signal_connect (messages, "message-received", G_CALLBACK (message_received_cb), self);
  g_signal_connect (messages, "receipt-received", G_CALLBACK (receipt_received_cb), self);
  g_signal_connect (messages, "marker-received", G_CALLBACK (marker_received_cb), self);
  g_signal_connect (messages, "correction-received", G_CALLBACK (edit_received_cb), self);
  g_signal_connect (messages, "retraction-received", G_CALLBACK (edit_received_cb), self);
  g_signal_connect (messages, "reaction-received", G_CALLBACK (reaction_received_cb), self);
  g_signal_connect (messages, "message-error", G_CALLBACK (message_error_cb), self);

  g_signal_connect (stream, "stanza-received", G_CALLBACK (stanza_received_cb), self);
  g_signal_connect_after (stream, "stanza-received", G_CALLBACK (stanza_received_after_cb), self);
  g_signal_connect (stream, "stanza-acked", G_CALLBACK (stanza_acked_cb), self);
  g_signal_connect (stream, "session-started", G_CALLBACK (session_started_cb), self);
  g_signal_connect (stream, "connection-lost", G_CALLBACK (session_ended_cb), self);
  g_signal_connect (stream, "closed", G_CALLBACK (session_ended_cb), self);

  return self;
}

gboolean
confab_account_sync_get_catching_up (ConfabAccountSync *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_SYNC (self), FALSE);
  return self->catching_up;
}

guint
confab_account_sync_get_progress (ConfabAccountSync *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_SYNC (self), 0);
  return self->progress;
}

guint
confab_account_sync_get_held_count (ConfabAccountSync *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT_SYNC (self), 0);
  return self->held_count;
}
