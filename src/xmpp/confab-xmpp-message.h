/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/*
 * Instant messages (RFC 6121 §5) and the XEPs that ride on them.
 *
 * ConfabXmppMessage is one parsed <message/>: an immutable, reference
 * counted boxed value, like ConfabJid and ConfabXmppNode. It is a value and
 * not a GObject because nothing about it ever changes after parsing (no
 * properties to notify, no signals), it is created for every inbound
 * message (cheap matters during MAM catch-up), and it crosses threads to the
 * history writer, where an atomic refcount is all that is needed.
 *
 * ConfabXmppMessages is the module that turns inbound messages into typed
 * signals and builds outbound ones. It applies the trust rules below;
 * ConfabXepCarbons (xep-0280-carbons.h) unwraps carbons and hands the inner
 * message to this module.
 */

#define CONFAB_XMPP_NS_RECEIPTS     "urn:xmpp:receipts"                    /* XEP-0184 */
#define CONFAB_XMPP_NS_CHATSTATES   "http://jabber.org/protocol/chatstates" /* XEP-0085 */
#define CONFAB_XMPP_NS_MARKERS      "urn:xmpp:chat-markers:0"              /* XEP-0333 */
#define CONFAB_XMPP_NS_CORRECT      "urn:xmpp:message-correct:0"           /* XEP-0308 */
#define CONFAB_XMPP_NS_RETRACT      "urn:xmpp:message-retract:1"           /* XEP-0424 ≥ 0.4 */
#define CONFAB_XMPP_NS_REACTIONS    "urn:xmpp:reactions:0"                 /* XEP-0444 */
#define CONFAB_XMPP_NS_REPLY        "urn:xmpp:reply:0"                     /* XEP-0461 */
#define CONFAB_XMPP_NS_FALLBACK     "urn:xmpp:fallback:0"                  /* XEP-0428 */
#define CONFAB_XMPP_NS_SID          "urn:xmpp:sid:0"                       /* XEP-0359 */
#define CONFAB_XMPP_NS_DELAY        "urn:xmpp:delay"                       /* XEP-0203 */
#define CONFAB_XMPP_NS_HINTS        "urn:xmpp:hints"                       /* XEP-0334 */

/* Bounds on what one message may carry (everything beyond is ignored). */
#define CONFAB_XMPP_MESSAGE_MAX_ID_LEN        1024  /* bytes of any id attribute */
#define CONFAB_XMPP_MESSAGE_MAX_REACTIONS     64    /* distinct reactions kept */
#define CONFAB_XMPP_MESSAGE_MAX_REACTION_LEN  32    /* bytes of one reaction */

/* RFC 6121 §5.2.2. A missing or unknown type is NORMAL. */
typedef enum {
  CONFAB_XMPP_MESSAGE_TYPE_NORMAL,
  CONFAB_XMPP_MESSAGE_TYPE_CHAT,
  CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT,
  CONFAB_XMPP_MESSAGE_TYPE_HEADLINE,
  CONFAB_XMPP_MESSAGE_TYPE_ERROR,
} ConfabXmppMessageType;

/* XEP-0085 §2.1 (NONE: the message carries no chat state). */
typedef enum {
  CONFAB_XMPP_CHAT_STATE_NONE,
  CONFAB_XMPP_CHAT_STATE_ACTIVE,
  CONFAB_XMPP_CHAT_STATE_COMPOSING,
  CONFAB_XMPP_CHAT_STATE_PAUSED,
  CONFAB_XMPP_CHAT_STATE_INACTIVE,
  CONFAB_XMPP_CHAT_STATE_GONE,
} ConfabXmppChatState;

/* XEP-0333 §3 (NONE: the message carries no marker). */
typedef enum {
  CONFAB_XMPP_MARKER_NONE,
  CONFAB_XMPP_MARKER_RECEIVED,
  CONFAB_XMPP_MARKER_DISPLAYED,
  CONFAB_XMPP_MARKER_ACKNOWLEDGED,
} ConfabXmppMarker;

GType confab_xmpp_message_type_get_type (void) G_GNUC_CONST;
GType confab_xmpp_chat_state_get_type   (void) G_GNUC_CONST;
GType confab_xmpp_marker_get_type       (void) G_GNUC_CONST;
#define CONFAB_TYPE_XMPP_MESSAGE_TYPE (confab_xmpp_message_type_get_type ())
#define CONFAB_TYPE_XMPP_CHAT_STATE   (confab_xmpp_chat_state_get_type ())
#define CONFAB_TYPE_XMPP_MARKER       (confab_xmpp_marker_get_type ())

/* ---- The parsed message ------------------------------------------------- */

typedef struct _ConfabXmppMessage ConfabXmppMessage;

#define CONFAB_TYPE_XMPP_MESSAGE (confab_xmpp_message_get_type ())
GType              confab_xmpp_message_get_type (void) G_GNUC_CONST;

/*
 * Parses @stanza, a <message/> in jabber:client. @own_jid is the account's
 * JID (bare or full); it decides which XEP-0359 stanza-id is trusted and
 * stands in for a missing 'from' (RFC 6120 §8.1.2.1: such a stanza comes
 * from the account itself).
 *
 * Fails (NULL, CONFAB_XMPP_ERROR_PROTOCOL or _INVALID_JID) only when the
 * stanza is not a message or its 'from'/'to' is not a valid JID. Every
 * malformed extension element is ignored instead (its getter returns
 * NULL/NONE), so one bad extension never loses the body.
 *
 * The body is the default-language one: see parse_with_lang().
 */
ConfabXmppMessage *confab_xmpp_message_parse           (ConfabXmppNode  *stanza,
                                                        ConfabJid       *own_jid,
                                                        GError         **error);
/* Like parse(), picking the <body/> and <subject/> for @lang (RFC 6121
 * §5.2.3; normally the stream's xml:lang). A child's language is its own
 * xml:lang, else the message's. Choice: the first whose language equals
 * @lang, else whose primary subtag equals @lang's, else the first without
 * its own xml:lang (it has the default language), else the first. */
ConfabXmppMessage *confab_xmpp_message_parse_with_lang (ConfabXmppNode  *stanza,
                                                        ConfabJid       *own_jid,
                                                        const char      *lang,
                                                        GError         **error);
ConfabXmppMessage *confab_xmpp_message_ref             (ConfabXmppMessage *message);
void               confab_xmpp_message_unref           (ConfabXmppMessage *message);

/* The stanza this was parsed from (for storage or unknown extensions). */
ConfabXmppNode    *confab_xmpp_message_get_stanza      (ConfabXmppMessage *message);
/* Never NULL: a missing 'from' is the own bare JID. */
ConfabJid         *confab_xmpp_message_get_from        (ConfabXmppMessage *message);
ConfabJid         *confab_xmpp_message_get_to          (ConfabXmppMessage *message);  /* nullable */
ConfabXmppMessageType confab_xmpp_message_get_message_type (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_id          (ConfabXmppMessage *message);  /* nullable */
/* RFC 6121 §5.2.5 and XEP-0201: <thread parent='…'>. */
const char        *confab_xmpp_message_get_thread      (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_thread_parent (ConfabXmppMessage *message);
/* The chosen body exactly as sent, its language (NULL: the default), and
 * the subject. */
const char        *confab_xmpp_message_get_body        (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_body_lang   (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_subject     (ConfabXmppMessage *message);
/* XEP-0428: the body without the fallback parts meant for clients that do
 * not understand the reply, reaction, correction or retraction this message
 * carries. Only fallbacks for a feature the message actually uses are
 * removed; if any range of those is malformed or out of bounds the body is
 * returned whole. NULL when the whole body is fallback (a retraction). */
const char        *confab_xmpp_message_get_display_body (ConfabXmppMessage *message);
/* XEP-0359. The origin-id is the sender's claim. The stanza-id is set only
 * when one was added by an archive we trust: our own server (by = own bare
 * JID) or, for groupchat, the room (by = the room's bare JID). Several
 * trusted ones with different ids mean a forgery got through: none is used. */
const char        *confab_xmpp_message_get_origin_id   (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_stanza_id   (ConfabXmppMessage *message);
/* XEP-0203: the first <delay/> with a valid XEP-0082 stamp, or NULL. */
GDateTime         *confab_xmpp_message_get_delay       (ConfabXmppMessage *message);
ConfabJid         *confab_xmpp_message_get_delay_from  (ConfabXmppMessage *message);
/* XEP-0184. */
gboolean           confab_xmpp_message_get_receipt_requested (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_receipt_id  (ConfabXmppMessage *message);
/* XEP-0085. */
ConfabXmppChatState confab_xmpp_message_get_chat_state (ConfabXmppMessage *message);
/* XEP-0333. */
gboolean           confab_xmpp_message_get_markable    (ConfabXmppMessage *message);
ConfabXmppMarker   confab_xmpp_message_get_marker      (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_marker_id   (ConfabXmppMessage *message);
/* XEP-0308, XEP-0424, XEP-0461. */
const char        *confab_xmpp_message_get_replace_id  (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_retract_id  (ConfabXmppMessage *message);
const char        *confab_xmpp_message_get_reply_id    (ConfabXmppMessage *message);
ConfabJid         *confab_xmpp_message_get_reply_to    (ConfabXmppMessage *message);  /* nullable */
/* XEP-0444: the id reacted to (NULL: no <reactions/>) and the reactions,
 * de-duplicated, each 1..32 bytes without control characters, at most
 * CONFAB_XMPP_MESSAGE_MAX_REACTIONS. An empty list removes all of the
 * sender's reactions (§3.2). */
const char        *confab_xmpp_message_get_reactions_id (ConfabXmppMessage *message);
const char * const *confab_xmpp_message_get_reactions  (ConfabXmppMessage *message);
/* RFC 6120 §8.3: for type=error, the error (a CONFAB_XMPP_STANZA_ERROR). */
const GError      *confab_xmpp_message_get_error       (ConfabXmppMessage *message);
/* XEP-0334 hints seen on the message. */
gboolean           confab_xmpp_message_get_store_hint  (ConfabXmppMessage *message);
gboolean           confab_xmpp_message_get_no_store_hint (ConfabXmppMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabXmppMessage, confab_xmpp_message_unref)

/* XEP-0428 helper, exposed for tests: removes the code point ranges
 * [start, end) of @ranges (pairs, @n_ranges pairs) from @text. Overlapping
 * ranges remove their union. FALSE when a range has start > end or end
 * beyond the text, or @text is not valid UTF-8. */
gboolean           confab_xmpp_strip_fallback_ranges   (const char  *text,
                                                        const guint *ranges,
                                                        gsize        n_ranges,
                                                        char       **result);
/* An unpredictable UUID (version 4) from the system CSPRNG, as used for
 * XEP-0359 origin-ids and our message ids. */
char              *confab_xmpp_new_uuid                (void);

/* ---- Outbound messages -------------------------------------------------- */

/* Options for confab_xmpp_messages_send_chat(); zero-initialize. */
typedef struct {
  const char *id;               /* NULL: a new UUID (resends pass the stored one) */
  const char *thread;           /* RFC 6121 §5.2.5 */
  gboolean    request_receipt;  /* XEP-0184 <request/> */
  gboolean    markable;         /* XEP-0333 <markable/> */
  gboolean    no_active_state;  /* leave out XEP-0085 <active/> (sent by default) */
  gboolean    private_;         /* XEP-0280 <private/> + XEP-0334 <no-copy/> */
  const char *reply_id;         /* XEP-0461: the message replied to ... */
  ConfabJid  *reply_to;         /* ... and its author (full JID in groupchat) */
  const char *reply_fallback;   /* quoted text put before @body and marked as a
                                 * XEP-0428 fallback for urn:xmpp:reply:0 */
} ConfabXmppChatOptions;

/* Builds <message type='chat'/> with @id as both stanza id and origin-id
 * (XEP-0359 §3.1), so receipts, markers and MAM all refer to one id. */
ConfabXmppNode    *confab_xmpp_message_build_chat      (ConfabJid                   *to,
                                                        const char                  *body,
                                                        const char                  *id,
                                                        const ConfabXmppChatOptions *options);

/* ---- The module --------------------------------------------------------- */

/* Sizes of the trust tables: how many sent and received ids are kept. */
#define CONFAB_XMPP_MESSAGES_TABLE_SIZE 2048

#define CONFAB_TYPE_XMPP_MESSAGES (confab_xmpp_messages_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXmppMessages, confab_xmpp_messages, CONFAB, XMPP_MESSAGES, GObject)

/*
 * Trust rules (ARCHITECTURE.md "Trust the sender only as far as the
 * protocol allows"); each dropped stanza is logged with g_debug():
 *
 * - Receipts (XEP-0184) and markers (XEP-0333) are emitted only when they
 *   name the id of a message we sent (from this session, or from another of
 *   our devices as seen in a sent carbon) AND come from that message's
 *   recipient (bare JID). The table holds the last
 *   CONFAB_XMPP_MESSAGES_TABLE_SIZE sent ids; receipts for older ones are
 *   dropped. A marker in a sent carbon is our own device's and is emitted
 *   with is_own = TRUE (read-state sync).
 *
 * - Corrections (XEP-0308) and retractions (XEP-0424) must come from the
 *   author of the referenced message. A bounded table remembers, for recent
 *   messages, (author bare JID, id) for their id and origin-id (our own
 *   messages and sent carbons under our own bare JID). When the id is known
 *   for this sender the signal has verified = TRUE. When the id is known
 *   only for another sender, the stanza is DROPPED. When it is not known
 *   at all (older than the table, e.g. from history or MAM) it is emitted
 *   with verified = FALSE: the core layer then MUST check the author against
 *   its history before applying it, and key its lookup by (peer, id).
 *   In groupchat, where all occupants share the room's bare JID, they are
 *   always emitted with verified = FALSE for the MUC layer to decide.
 *
 * - A message that claims to come from this very session's full JID can
 *   only be a reflection or a forgery and is dropped. A message with a
 *   <sent/> or <received/> carbon child is never treated as a message here:
 *   only ConfabXepCarbons may unwrap it, and only from our own bare JID.
 *
 * - Chat states and reactions are accepted from anyone (they only describe
 *   the sender's own state); reactions are keyed by sender in the core.
 */

ConfabXmppMessages *confab_xmpp_messages_new              (void);

/* The language used to pick bodies (default "en", what our stream header
 * declares). */
void         confab_xmpp_messages_set_lang                (ConfabXmppMessages *self,
                                                           const char         *lang);

/* Sends a chat message (the module must be attached to a stream); returns
 * its id (== origin-id). The id is recorded for receipts and markers. The
 * core stores the message as pending with this id before or right after
 * calling (the call does not wait), and resends with options->id. */
char        *confab_xmpp_messages_send_chat               (ConfabXmppMessages          *self,
                                                           ConfabJid                   *to,
                                                           const char                  *body,
                                                           const ConfabXmppChatOptions *options);
/* XEP-0184 §5.2: acknowledges @id from @to. Not automatic: the core sends
 * it once the message is stored (stored before acknowledged), and only to
 * contacts allowed to see our presence (XEP-0184 §8). */
void         confab_xmpp_messages_send_receipt            (ConfabXmppMessages *self,
                                                           ConfabJid          *to,
                                                           const char         *id);
/* XEP-0333 §3: @marker (not NONE) for message @id from @to, with a store
 * hint so our other devices learn it through MAM. */
void         confab_xmpp_messages_send_marker             (ConfabXmppMessages *self,
                                                           ConfabJid          *to,
                                                           const char         *id,
                                                           ConfabXmppMarker    marker);
/* XEP-0085 §5.5: a standalone notification, with a no-store hint. */
void         confab_xmpp_messages_send_chat_state         (ConfabXmppMessages  *self,
                                                           ConfabJid           *to,
                                                           ConfabXmppChatState  state);
/* XEP-0308: replaces our message @replace_id with @body; returns the new id. */
char        *confab_xmpp_messages_send_correction         (ConfabXmppMessages *self,
                                                           ConfabJid          *to,
                                                           const char         *replace_id,
                                                           const char         *body);
/* XEP-0424 §4 with a XEP-0428 fallback body and a store hint. */
char        *confab_xmpp_messages_send_retraction         (ConfabXmppMessages *self,
                                                           ConfabJid          *to,
                                                           const char         *retract_id);
/* XEP-0444 §3: our complete set of @reactions (NULL or empty removes all)
 * to @message_id, with a store hint. Empty, over-long and duplicate
 * reactions are left out. */
char        *confab_xmpp_messages_send_reaction           (ConfabXmppMessages *self,
                                                           ConfabJid          *to,
                                                           const char         *message_id,
                                                           const char * const *reactions);

/* Used by ConfabXepCarbons: handles @message, the inner message of a carbon
 * already validated as coming from our own bare JID. */
void         confab_xmpp_messages_handle_carbon           (ConfabXmppMessages *self,
                                                           ConfabXmppMessage  *message,
                                                           gboolean            is_sent);
/* Handles a top-level stanza as if received (the ::stanza-received handler;
 * public for tests and for replaying). */
void         confab_xmpp_messages_handle_stanza           (ConfabXmppMessages *self,
                                                           ConfabXmppNode     *stanza);

G_END_DECLS
