/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-xmpp-message.h"

G_BEGIN_DECLS

/*
 * The message history of a profile (ConfabDatabase holds the schema).
 *
 * Writes go through one writer thread with its own connection. It takes
 * what is queued and applies it in one transaction, committing after
 * max_delay_ms or max_items (confab_history_store_set_batch_limits()),
 * whichever comes first; each operation has its own savepoint, so one that
 * fails does not undo the others. Every write's callback is delivered on the
 * main context that was thread-default when it was started, and only AFTER
 * its transaction committed: this is the "stored before acknowledged" hook
 * (the stream holds an inbound stanza's ack until then).
 *
 * Reads run on the caller's thread with a second, read-only connection; WAL
 * lets them proceed while the writer writes. They see every write whose
 * callback has run.
 *
 * Identity rules enforced here, in the writer's transaction:
 * - The sender of a message is its bare JID in chats and the occupant's full
 *   JID in group chats (our own messages: our bare JID). Every id lookup is
 *   keyed by (conversation, sender, id), so a colliding id from a different
 *   sender is a different message and can never hide, replace, correct or
 *   retract someone else's.
 * - Deduplication: a message whose origin-id, trusted stanza-id or archive id
 *   (stanza-id and archive id are compared with each other too: our archive's
 *   ids are its stanza-ids) matches a stored message of the same sender in
 *   the same conversation is a DUPLICATE; the ids the stored row lacked are
 *   filled in (a live message later seen in MAM gets its archive id).
 * - Corrections (XEP-0308) and retractions (XEP-0424) apply only to a message
 *   of the same sender. For a correction, an id belongs to the sender of
 *   the earliest message that carries it: a later message reusing it (a
 *   collision) never becomes a target, so a correction decides the same
 *   whether seen live or replayed from the archive. Receipts and markers update only OUR message with that
 *   id in the conversation with the JID they come from (the peer).
 */

typedef enum {
  CONFAB_HISTORY_DIRECTION_IN  = 0,
  CONFAB_HISTORY_DIRECTION_OUT = 1,
} ConfabHistoryDirection;

/* Ordered: a state only ever moves to a greater one. A failed message can
 * still be reported delivered or read (the error was not the last word). */
typedef enum {
  CONFAB_HISTORY_STATE_PENDING   = 0,
  CONFAB_HISTORY_STATE_SENT      = 1,
  CONFAB_HISTORY_STATE_FAILED    = 2,
  CONFAB_HISTORY_STATE_DELIVERED = 3,
  CONFAB_HISTORY_STATE_READ      = 4,
} ConfabHistoryState;

typedef enum {
  CONFAB_HISTORY_KIND_CHAT      = 0,
  CONFAB_HISTORY_KIND_GROUPCHAT = 1,
} ConfabHistoryKind;

/* What a write did. */
typedef enum {
  CONFAB_HISTORY_OUTCOME_STORED,     /* a new row */
  CONFAB_HISTORY_OUTCOME_DUPLICATE,  /* already stored (maybe with ids added) */
  CONFAB_HISTORY_OUTCOME_UPDATED,    /* an existing row changed (correction, state, …) */
  CONFAB_HISTORY_OUTCOME_IGNORED,    /* nothing to do, or not allowed */
} ConfabHistoryOutcome;

/* ---- Plain values ---------------------------------------------------------- */

typedef struct {
  gint64                  id;
  gint64                  conversation_id;
  char                   *peer;        /* the conversation's bare JID */
  ConfabHistoryDirection  direction;
  char                   *sender;      /* see the identity rules above */
  gint64                  timestamp;   /* µs since the epoch (delay or receive time) */
  char                   *body;        /* the latest text; NULL when retracted */
  char                   *origin_id;   /* the sender's id (origin-id, else the stanza id) */
  char                   *stanza_id;   /* trusted XEP-0359 stanza-id */
  char                   *archive_id;  /* MAM result id */
  ConfabHistoryState      state;
  gboolean                edited;
  gboolean                retracted;
  char                   *reply_to;    /* XEP-0461 id replied to */
} ConfabHistoryMessage;

#define CONFAB_TYPE_HISTORY_MESSAGE (confab_history_message_get_type ())
GType                 confab_history_message_get_type (void) G_GNUC_CONST;
ConfabHistoryMessage *confab_history_message_copy     (const ConfabHistoryMessage *message);
void                  confab_history_message_free     (ConfabHistoryMessage       *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabHistoryMessage, confab_history_message_free)

typedef struct {
  gint64             id;
  gint64             account_id;
  char              *peer;
  ConfabHistoryKind  kind;
  gint64             last_message_id;  /* 0: none */
  gint64             last_activity;    /* µs */
  guint              unread_count;
  char              *last_body;        /* body of last_message_id, or NULL */
} ConfabHistoryConversation;

#define CONFAB_TYPE_HISTORY_CONVERSATION (confab_history_conversation_get_type ())
GType                      confab_history_conversation_get_type (void) G_GNUC_CONST;
ConfabHistoryConversation *confab_history_conversation_copy     (const ConfabHistoryConversation *conversation);
void                       confab_history_conversation_free     (ConfabHistoryConversation       *conversation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabHistoryConversation, confab_history_conversation_free)

/* ---- The store ------------------------------------------------------------- */

#define CONFAB_TYPE_HISTORY_STORE (confab_history_store_get_type ())
G_DECLARE_FINAL_TYPE (ConfabHistoryStore, confab_history_store, CONFAB, HISTORY_STORE, GObject)

/* Opens (creating and migrating) the database at @path and starts the
 * writer thread. Disposing the store flushes what is queued and stops it. */
ConfabHistoryStore *confab_history_store_new                 (const char          *path,
                                                              GError             **error);
/* Defaults: 5 ms, 1000 items. */
void                confab_history_store_set_batch_limits    (ConfabHistoryStore  *self,
                                                              guint                max_delay_ms,
                                                              guint                max_items);

/* Writes. A write cancelled before the writer reaches it is not applied
 * (G_IO_ERROR_CANCELLED); once applied, it is reported as applied. */

/* Stores @message as received (IN) or sent by us (OUT, e.g. a sent carbon or
 * our own message from MAM) by account @account_id; @archive_id is the MAM
 * result id (nullable). The message is interpreted: a correction, retraction,
 * reactions, receipt, marker or error is applied to the message it refers to
 * under the rules above; a correction of a message of another sender (or of
 * a retracted one) is IGNORED, one that refers to no message of the
 * conversation at all is stored as an ordinary message; anything else with a body is
 * inserted (or found DUPLICATE); the rest is IGNORED. */
void     confab_history_store_add_message_async       (ConfabHistoryStore     *self,
                                                       gint64                  account_id,
                                                       ConfabXmppMessage      *message,
                                                       ConfabHistoryDirection  direction,
                                                       const char             *archive_id,
                                                       GCancellable           *cancellable,
                                                       GAsyncReadyCallback     callback,
                                                       gpointer                user_data);
/* Like add_message_async(), for a message from the archive (XEP-0313) that
 * the archive received at @stamp (nullable): its timestamp, rather than the
 * delay inside the message or the time of storing. */
void     confab_history_store_add_archived_message_async (ConfabHistoryStore     *self,
                                                          gint64                  account_id,
                                                          ConfabXmppMessage      *message,
                                                          ConfabHistoryDirection  direction,
                                                          const char             *archive_id,
                                                          GDateTime              *stamp,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
/* @row_id: the message row concerned (0 when none); @outcome: what happened. */
gboolean confab_history_store_add_message_finish      (ConfabHistoryStore     *self,
                                                       GAsyncResult           *result,
                                                       gint64                 *row_id,
                                                       ConfabHistoryOutcome   *outcome,
                                                       GError                **error);

/* Stores our message to @peer (a bare JID) as PENDING before it is sent,
 * with @origin_id (also its stanza id). Finish with add_message_finish(). */
void     confab_history_store_add_outgoing_pending_async (ConfabHistoryStore  *self,
                                                          gint64               account_id,
                                                          const char          *peer,
                                                          ConfabHistoryKind    kind,
                                                          const char          *body,
                                                          const char          *origin_id,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);

/* Like add_outgoing_pending_async(), for a reply (XEP-0461) to @reply_to
 * (nullable). */
void     confab_history_store_add_outgoing_reply_pending_async (ConfabHistoryStore  *self,
                                                                gint64               account_id,
                                                                const char          *peer,
                                                                ConfabHistoryKind    kind,
                                                                const char          *body,
                                                                const char          *origin_id,
                                                                const char          *reply_to,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);

/* Moves our message @origin_id to @peer forward to @state (never back). */
void     confab_history_store_set_state_async         (ConfabHistoryStore  *self,
                                                       gint64               account_id,
                                                       const char          *peer,
                                                       const char          *origin_id,
                                                       ConfabHistoryState   state,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* Replaces the text of @sender's message @replace_id (the original id or
 * the latest correction's) in the conversation with @peer by @body; @new_id
 * is the correction's own id. */
void     confab_history_store_apply_correction_async  (ConfabHistoryStore  *self,
                                                       gint64               account_id,
                                                       const char          *peer,
                                                       const char          *sender,
                                                       const char          *replace_id,
                                                       const char          *new_id,
                                                       const char          *body,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* Retracts @sender's message @retract_id in the conversation with @peer. */
void     confab_history_store_apply_retraction_async  (ConfabHistoryStore  *self,
                                                       gint64               account_id,
                                                       const char          *peer,
                                                       const char          *sender,
                                                       const char          *retract_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* XEP-0444: @reactions (NULL-terminated; NULL or empty removes all) become
 * @sender's whole set on message @message_id. */
void     confab_history_store_apply_reactions_async   (ConfabHistoryStore  *self,
                                                       gint64               account_id,
                                                       const char          *peer,
                                                       const char          *sender,
                                                       const char          *message_id,
                                                       const char * const  *reactions,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* Resets the unread count of @conversation_id. */
void     confab_history_store_mark_read_async         (ConfabHistoryStore  *self,
                                                       gint64               conversation_id,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* Finish for set_state, apply_*, mark_read. */
gboolean confab_history_store_apply_finish            (ConfabHistoryStore    *self,
                                                       GAsyncResult          *result,
                                                       ConfabHistoryOutcome  *outcome,
                                                       GError               **error);

/* Reads (caller's thread). Lists are GPtrArrays of the structs above that
 * free their elements; pages are in chronological order. */

/* The conversation with @peer (bare JID), or NULL without error if none. */
ConfabHistoryConversation *confab_history_store_get_conversation (ConfabHistoryStore  *self,
                                                                  gint64               account_id,
                                                                  const char          *peer,
                                                                  GError             **error);
/* All conversations of @account_id (0: of every account), most recent first. */
GPtrArray            *confab_history_store_list_conversations (ConfabHistoryStore  *self,
                                                               gint64               account_id,
                                                               GError             **error);
/* NULL with CONFAB_CORE_ERROR_NOT_FOUND if there is no such message. */
ConfabHistoryMessage *confab_history_store_get_message        (ConfabHistoryStore  *self,
                                                               gint64               message_id,
                                                               GError             **error);
/* The newest @limit messages of a conversation. */
GPtrArray            *confab_history_store_list_newest        (ConfabHistoryStore  *self,
                                                               gint64               conversation_id,
                                                               guint                limit,
                                                               GError             **error);
/* The @limit messages just before @message_id (scroll-back). */
GPtrArray            *confab_history_store_list_before        (ConfabHistoryStore  *self,
                                                               gint64               conversation_id,
                                                               gint64               message_id,
                                                               guint                limit,
                                                               GError             **error);
/* Full-text search for messages containing every word of @text (each word is
 * quoted: @text is never FTS5 query syntax), in @conversation_id (0: all),
 * newest stored first, at most @limit. */
GPtrArray            *confab_history_store_search             (ConfabHistoryStore  *self,
                                                               gint64               conversation_id,
                                                               const char          *text,
                                                               guint                limit,
                                                               GError             **error);
/* Our PENDING messages of @account_id, oldest first (resend them). */
GPtrArray            *confab_history_store_list_pending       (ConfabHistoryStore  *self,
                                                               gint64               account_id,
                                                               GError             **error);
/* The reactions on @message_id as a NULL-terminated array of pairs
 * sender, emoji, sender, emoji, … (g_strfreev). */
char                **confab_history_store_get_reactions      (ConfabHistoryStore  *self,
                                                               gint64               message_id,
                                                               GError             **error);
/* The archive id (else stanza-id) of the newest message in the account's own
 * archive (its chats), for MAM catch-up; NULL without error if none. */
char                 *confab_history_store_get_last_archive_id (ConfabHistoryStore  *self,
                                                                gint64               account_id,
                                                                GError             **error);

/* How far the account's archive is known to be stored completely (the MAM
 * result id the next catch-up continues after): NULL without error until
 * one was set. Set it only after the page it ends was stored; the write is
 * ordered after the writes queued before it. Finish with apply_finish(). */
char                 *confab_history_store_get_catch_up_position (ConfabHistoryStore  *self,
                                                                  gint64               account_id,
                                                                  GError             **error);
void                  confab_history_store_set_catch_up_position_async (ConfabHistoryStore  *self,
                                                                        gint64               account_id,
                                                                        const char          *archive_id,
                                                                        GCancellable        *cancellable,
                                                                        GAsyncReadyCallback  callback,
                                                                        gpointer             user_data);

/* The archive id (else stanza-id) of the OLDEST message of @conversation_id
 * that has one, and its @timestamp (nullable): where fetching older history
 * from the archive continues. NULL without error if none. */
char                 *confab_history_store_get_oldest_archive_id (ConfabHistoryStore  *self,
                                                                  gint64               conversation_id,
                                                                  gint64              *timestamp,
                                                                  GError             **error);
/* Turns user text into a safe FTS5 query: each whitespace-separated word
 * becomes a string ("…" with " doubled). NULL when there is no word.
 * Exposed for tests. */
char                 *confab_history_fts_query_from_text      (const char          *text);

/* ---- Change notification (for the models) ---------------------------------
 *
 * Signals, emitted on the main context that created the store, after the
 * transaction that made the change committed:
 * - ::message-changed (gint64 conversation_id, gint64 message_id,
 *   ConfabHistoryOutcome outcome): a message row was inserted (STORED) or
 *   changed (UPDATED: correction, retraction, state, reactions).
 * - ::conversation-changed (gint64 conversation_id): its last message,
 *   activity or unread count changed.
 */

/* The @limit messages just after @message_id (for jumping to a result). */
GPtrArray            *confab_history_store_list_after         (ConfabHistoryStore  *self,
                                                               gint64               conversation_id,
                                                               gint64               message_id,
                                                               guint                limit,
                                                               GError             **error);
/* A conversation by row id, or NULL with CONFAB_CORE_ERROR_NOT_FOUND. */
ConfabHistoryConversation *confab_history_store_get_conversation_by_id (ConfabHistoryStore  *self,
                                                                        gint64               conversation_id,
                                                                        GError             **error);

/* The message of @conversation_id that peers call @ref (its origin-id,
 * stanza-id or archive id; the first stored if several), e.g. the target of
 * a XEP-0461 reply; NULL without error if none. */
ConfabHistoryMessage *confab_history_store_find_by_ref        (ConfabHistoryStore  *self,
                                                               gint64               conversation_id,
                                                               const char          *ref,
                                                               GError             **error);
/* Our last outgoing message in @conversation_id that is not retracted, or
 * NULL without error if none (for XEP-0308 "correct the last message"). */
ConfabHistoryMessage *confab_history_store_get_last_outgoing  (ConfabHistoryStore  *self,
                                                               gint64               conversation_id,
                                                               GError             **error);
/* The emoji @sender reacted with to @message_id (NULL-terminated,
 * g_strfreev; XEP-0444 §3.2 needs our whole set to change one). */
char                **confab_history_store_get_reactions_of   (ConfabHistoryStore  *self,
                                                               gint64               message_id,
                                                               const char          *sender,
                                                               GError             **error);

G_END_DECLS
