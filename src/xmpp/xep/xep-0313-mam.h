/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-jid.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-module.h"
#include "confab-xmpp-node.h"
#include "confab-xmpp-stream.h"

G_BEGIN_DECLS

/*
 * XEP-0313 Message Archive Management (urn:xmpp:mam:2), paged with
 * XEP-0059 Result Set Management: history catch-up from the server's
 * archive of our account (or, later, a room's archive).
 *
 * A query is an <iq type='set'> with <query queryid='…'/> to the archive
 * (XEP-0313 §4). The server answers with one <message/> per archived
 * message, each wrapping <result queryid='…' id='ARCHIVE-ID'> around a
 * XEP-0297 <forwarded/> copy, and then with the IQ result carrying <fin/>
 * (§4.2, §4.3).
 *
 * Trust (XEP-0313 §8.2; ARCHITECTURE.md "trust the sender only as far as
 * the protocol allows"). Anyone can send us a <message> holding a <result>,
 * so a result is accepted only when ALL of these hold, and is otherwise
 * dropped with a g_debug() line:
 *
 * - its <result/> carries the queryid of a query that is still open. Query
 *   ids are fresh and unpredictable (confab_xmpp_new_id()); a query is
 *   open from query_async() until its IQ result (or error, timeout or
 *   cancellation) has been handled, so results arriving later are dropped;
 * - the message's 'from' is exactly the archive's bare JID. For our own
 *   archive a missing 'from' is allowed too (RFC 6120 §8.1.2.1: it means
 *   our account). Our own FULL JID is not the archive (§3.3.1 exposes user
 *   archives on the bare JID) but a client, i.e. a reflection or a forgery,
 *   and is dropped. For a room archive (§3.3.2) a missing 'from' means our
 *   own account, not the room, and is dropped;
 * - the result has a non-empty 'id' (the archive id, §3.5) of at most
 *   CONFAB_XMPP_MESSAGE_MAX_ID_LEN bytes;
 * - it holds <forwarded><message/></forwarded> (XEP-0297 §3) and the inner
 *   message parses (confab_xmpp_message_parse());
 * - its <delay/> (XEP-0203), if any, has a valid XEP-0082 stamp. A missing
 *   <delay/> is allowed (§4.2 says SHOULD) and gives a NULL stamp; a
 *   present but malformed one means a broken or forged result: dropped;
 * - the query has not yet received more than its page size plus
 *   CONFAB_XEP_MAM_RESULT_SLACK results. One more fails the whole query
 *   with CONFAB_XMPP_ERROR_PROTOCOL (and closes it): a server flooding us
 *   with results cannot make us buffer without bound.
 *
 * Cooperation with ConfabXmppMessages: this module does not hand results
 * to the messages module and they never reach ::message-received. The
 * messages module sees the outer <message/> on ::stanza-received too, but
 * it has no top-level <body/> and is from our own bare JID (or has no
 * 'from'), which it ignores as server-generated. A forged result from a
 * contact likewise has nothing it would emit, unless the forger adds a
 * top-level body: then it is an ordinary message from that contact.
 *
 * Stream management (XEP-0198): result messages are inbound stanzas like
 * any other; the core holds and releases them around storage
 * (confab_xmpp_stream_hold_stanza()), this module does not.
 *
 * The client does NOT advertise urn:xmpp:mam:2 in disco: MAM is a server
 * feature. Check the server supports it (XEP-0313 §7: disco#info to our
 * bare JID lists urn:xmpp:mam:2) before querying.
 *
 * Catching up (the core drives the paging, so it can store each page
 * before asking for the next one, and ack only what is stored):
 *
 *   after = last archive id stored (NULL on the first sync: then use
 *           before_id = "" to fetch only the newest page instead);
 *   loop:
 *     page = query (archive, NULL, NULL, NULL, after, NULL, 100);
 *     store page's results, in order;
 *     if page complete, or page has no results, or page's last is NULL
 *        or equals after: stop;          (no progress: never spin)
 *     after = page's last;
 *
 * An item-not-found error (XEP-0313 §4.3.2) means @after is no longer in
 * the archive (expired): start over from a time (@start) instead.
 */

#define CONFAB_XMPP_NS_MAM      "urn:xmpp:mam:2"
#define CONFAB_XMPP_NS_RSM      "http://jabber.org/protocol/rsm"
/* XEP-0297; the same definition as in xep-0280-carbons.h. */
#define CONFAB_XMPP_NS_FORWARD  "urn:xmpp:forward:0"

/* Largest page we ask for; larger requests are reduced to it. */
#define CONFAB_XEP_MAM_MAX_PAGE      250
/* Page size used when 0 is passed. */
#define CONFAB_XEP_MAM_DEFAULT_PAGE  50
/* Results tolerated beyond the page size before the query fails. */
#define CONFAB_XEP_MAM_RESULT_SLACK  10
/* Seconds we wait for the IQ result of one page. */
#define CONFAB_XEP_MAM_TIMEOUT       60

/* ---- ConfabMamResult: one archived message ------------------------------- */

typedef struct _ConfabMamResult ConfabMamResult;

#define CONFAB_TYPE_MAM_RESULT (confab_mam_result_get_type ())

GType              confab_mam_result_get_type    (void) G_GNUC_CONST;
ConfabMamResult   *confab_mam_result_ref         (ConfabMamResult *result);
void               confab_mam_result_unref       (ConfabMamResult *result);
/* The archive id (<result id>, XEP-0313 §3.5): what RSM pages by. */
const char        *confab_mam_result_get_id      (ConfabMamResult *result);
/* The forwarded message, parsed. */
ConfabXmppMessage *confab_mam_result_get_message (ConfabMamResult *result);
/* When the archive received it (XEP-0313 §4.2 <delay stamp>); NULL when
 * the server sent no <delay/>. */
GDateTime         *confab_mam_result_get_stamp   (ConfabMamResult *result);
/* Whether the forwarded message is from our own account (sent by one of
 * our devices): its 'from' has our bare JID. */
gboolean           confab_mam_result_get_is_outgoing (ConfabMamResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabMamResult, confab_mam_result_unref)

/* ---- ConfabMamPage: the outcome of one query ------------------------------ */

typedef struct _ConfabMamPage ConfabMamPage;

#define CONFAB_TYPE_MAM_PAGE (confab_mam_page_get_type ())

GType          confab_mam_page_get_type     (void) G_GNUC_CONST;
ConfabMamPage *confab_mam_page_ref          (ConfabMamPage *page);
void           confab_mam_page_unref        (ConfabMamPage *page);
/* The accepted results (ConfabMamResult), in the order the server sent them
 * (chronological, XEP-0313 §4.2). Owned by @page; never NULL. */
GPtrArray     *confab_mam_page_get_results  (ConfabMamPage *page);
/* <fin complete='true'/> (XEP-0313 §4.3.2): no further page. */
gboolean       confab_mam_page_get_complete (ConfabMamPage *page);
/* FALSE only for <fin stable='false'/> (XEP-0313 §4.3.2). */
gboolean       confab_mam_page_get_stable   (ConfabMamPage *page);
/* XEP-0059 §2: ids of the first and last item of the page (nullable). */
const char    *confab_mam_page_get_first    (ConfabMamPage *page);
const char    *confab_mam_page_get_last     (ConfabMamPage *page);
/* XEP-0059 §2.7: the size of the whole result set, or -1 if not given. */
gint64         confab_mam_page_get_count    (ConfabMamPage *page);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabMamPage, confab_mam_page_unref)

/* ---- Building and collecting (no stream; for the module, tests, fuzzers) -- */

/* The <iq type='set'> for a query: to @archive (NULL: none, our own
 * account), <query queryid=@query_id> with a submitted data form
 * (FORM_TYPE urn:xmpp:mam:2 and, when given, with/start/end; XEP-0313
 * §4.1) and an RSM <set/> with <max> and <after> or <before> (XEP-0059
 * §2.2, §2.3; @before_id "" is an empty <before/>, the newest page, §2.5).
 * @max is clamped to 1..CONFAB_XEP_MAM_MAX_PAGE (0: the default). At most
 * one of @after_id and @before_id may be set (XEP-0313 §4.3.2: RSM does
 * not define both). */
ConfabXmppNode *confab_xep_mam_build_query (ConfabJid   *archive,
                                            ConfabJid   *with,
                                            GDateTime   *start,
                                            GDateTime   *end,
                                            const char  *after_id,
                                            const char  *before_id,
                                            guint        max,
                                            const char  *query_id);

/* Checks one inbound stanza against the trust rules above for the query
 * @query_id on @archive (NULL: our own archive), @own_jid being our account
 * (bare or full). Returns the result, or NULL: without @error when @stanza
 * is not a MAM result at all (no <result xmlns='urn:xmpp:mam:2'/>), with
 * @error (CONFAB_XMPP_ERROR_PROTOCOL or _INVALID_JID) when it is one that
 * must be dropped. No side effects. */
ConfabMamResult *confab_xep_mam_parse_result (ConfabXmppNode  *stanza,
                                              ConfabJid       *own_jid,
                                              ConfabJid       *archive,
                                              const char      *query_id,
                                              GError         **error);

typedef enum {
  CONFAB_MAM_OFFER_NOT_RESULT,  /* not a MAM result for this query: not ours */
  CONFAB_MAM_OFFER_ACCEPTED,    /* added to the page */
  CONFAB_MAM_OFFER_REJECTED,    /* claims to be ours but fails a rule: dropped */
  CONFAB_MAM_OFFER_OVERFLOW,    /* one result too many: the query has failed */
} ConfabMamOffer;

/* The state of one open query: collects its results and turns the final
 * IQ result into a page. Used by the module for each query; exposed so the
 * tests and the fuzzer exercise exactly the same code. */
typedef struct _ConfabMamCollector ConfabMamCollector;

/* @max as passed to build_query() (clamped the same way). */
ConfabMamCollector *confab_mam_collector_new          (ConfabJid          *own_jid,
                                                       ConfabJid          *archive,
                                                       const char         *query_id,
                                                       guint               max);
void                confab_mam_collector_free         (ConfabMamCollector *collector);
const char         *confab_mam_collector_get_query_id (ConfabMamCollector *collector);
/* Offers an inbound stanza. @error says why for REJECTED and OVERFLOW.
 * After OVERFLOW, and after finish(), every offer is REJECTED. */
ConfabMamOffer      confab_mam_collector_offer        (ConfabMamCollector *collector,
                                                       ConfabXmppNode     *stanza,
                                                       GError            **error);
/* Ends the query with its <iq type='result'/> (XEP-0313 §4.3: <fin/> with an
 * RSM <set/>). Returns the page with the results accepted so far, or NULL
 * and @error when the query overflowed, the reply has no valid <fin/>
 * (CONFAB_XMPP_ERROR_PROTOCOL), or finish() was already called. */
ConfabMamPage      *confab_mam_collector_finish       (ConfabMamCollector *collector,
                                                       ConfabXmppNode     *iq_result,
                                                       GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabMamCollector, confab_mam_collector_free)

/* ---- The module ------------------------------------------------------------ */

#define CONFAB_TYPE_XEP_MAM (confab_xep_mam_get_type ())
G_DECLARE_FINAL_TYPE (ConfabXepMam, confab_xep_mam, CONFAB, XEP_MAM, GObject)

ConfabXepMam  *confab_xep_mam_new          (void);

/* Queries one page of @archive (NULL: our own account's archive; else a
 * room's bare JID), optionally only messages with @with (XEP-0313 §4.1.1)
 * and between @start and @end (§4.1.2), after or before an archive id
 * (XEP-0059 §2.2, §2.3; @before_id "" asks for the newest page, §2.5), at
 * most @max results (0: CONFAB_XEP_MAM_DEFAULT_PAGE; more than
 * CONFAB_XEP_MAM_MAX_PAGE: that). The stream must be bound. Several queries
 * may run at once; each has its own queryid. */
void           confab_xep_mam_query_async  (ConfabXepMam        *self,
                                            ConfabJid           *archive,
                                            ConfabJid           *with,
                                            GDateTime           *start,
                                            GDateTime           *end,
                                            const char          *after_id,
                                            const char          *before_id,
                                            guint                max,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
/* The page, or NULL and @error: a CONFAB_XMPP_STANZA_ERROR from the archive
 * (e.g. ITEM_NOT_FOUND for an unknown @after_id, FORBIDDEN), TIMEOUT,
 * CONFAB_XMPP_ERROR_PROTOCOL (no <fin/>, too many results),
 * CONFAB_XMPP_ERROR_NOT_CONNECTED, or G_IO_ERROR_CANCELLED. */
ConfabMamPage *confab_xep_mam_query_finish (ConfabXepMam        *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* The queryids of the open queries (for diagnostics, and for the
 * integration test that has a contact forge results for an open query). */
char         **confab_xep_mam_dup_open_query_ids (ConfabXepMam *self);

/* Handles a top-level stanza as if received (the ::stanza-received
 * handler; public for tests). */
void           confab_xep_mam_handle_stanza (ConfabXepMam   *self,
                                             ConfabXmppNode *stanza);

G_END_DECLS
