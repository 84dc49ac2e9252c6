/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XEP-0313 MAM without a server: building queries, the trust rules for
 * results, <fin/> parsing and the per-query bounds. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "xep-0313-mam.h"

#define OWN   "alice@example.org"
#define OWN_FULL OWN "/laptop"
#define ROOM  "room@conference.example.org"
#define QID   "q-4f1b2c"
#define HEADER "<stream:stream xmlns='jabber:client' " \
               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

static void
grab_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  if (*out == NULL)
    *out = confab_xmpp_node_ref (stanza);
}

static ConfabXmppNode *
parse_xml (const char *xml)
{
  ConfabXmppParserCallbacks callbacks = { .stanza = grab_stanza_cb };
  ConfabXmppNode *node = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, &node);
  g_autoptr(GError) error = NULL;
  g_autofree char *doc = g_strconcat (HEADER, xml, NULL);

  g_assert_true (confab_xmpp_parser_feed (parser, doc, strlen (doc), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static ConfabJid *
jid (const char *text)
{
  ConfabJid *j;

  if (text == NULL)
    return NULL;
  j = confab_jid_parse (text, NULL);
  g_assert_nonnull (j);
  return j;
}

/* ---- Building queries ------------------------------------------------------ */

#define FORM_START "<x xmlns='jabber:x:data' type='submit'>" \
                   "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>"

typedef struct {
  const char *name;
  const char *archive;
  const char *with;
  const char *start;
  const char *end;
  const char *after;
  const char *before;
  guint       max;
  const char *expected;  /* the <iq/> with id='x' */
} BuildCase;

static const BuildCase build_cases[] = {
  { "own-archive-defaults", NULL, NULL, NULL, NULL, NULL, NULL, 0,
    "<iq type='set' id='x'><query xmlns='urn:xmpp:mam:2' queryid='" QID "'>"
    FORM_START "</x>"
    "<set xmlns='http://jabber.org/protocol/rsm'><max>50</max></set></query></iq>" },
  { "after-id", NULL, NULL, NULL, NULL, "A-17", NULL, 100,
    "<iq type='set' id='x'><query xmlns='urn:xmpp:mam:2' queryid='" QID "'>"
    FORM_START "</x>"
    "<set xmlns='http://jabber.org/protocol/rsm'><max>100</max><after>A-17</after></set>"
    "</query></iq>" },
  { "newest-page", NULL, NULL, NULL, NULL, NULL, "", 10,
    "<iq type='set' id='x'><query xmlns='urn:xmpp:mam:2' queryid='" QID "'>"
    FORM_START "</x>"
    "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before/></set></query></iq>" },
  { "before-id", NULL, NULL, NULL, NULL, NULL, "B-3", 10,
    "<iq type='set' id='x'><query xmlns='urn:xmpp:mam:2' queryid='" QID "'>"
    FORM_START "</x>"
    "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max><before>B-3</before></set>"
    "</query></iq>" },
  { "max-clamped", NULL, NULL, NULL, NULL, NULL, NULL, 10000,
    "<iq type='set' id='x'><query xmlns='urn:xmpp:mam:2' queryid='" QID "'>"
    FORM_START "</x>"
    "<set xmlns='http://jabber.org/protocol/rsm'><max>250</max></set></query></iq>" },
  { "with-start-end", NULL, "bob@example.org", "2010-06-07T00:00:00Z", "2010-07-07T13:23:54.5Z",
    NULL, NULL, 20,
    "<iq type='set' id='x'><query xmlns='urn:xmpp:mam:2' queryid='" QID "'>"
    FORM_START
    "<field var='with'><value>bob@example.org</value></field>"
    "<field var='start'><value>2010-06-07T00:00:00Z</value></field>"
    "<field var='end'><value>2010-07-07T13:23:54.500000Z</value></field></x>"
    "<set xmlns='http://jabber.org/protocol/rsm'><max>20</max></set></query></iq>" },
  { "start-converted-to-utc", NULL, NULL, "2010-06-07T02:00:00+02:00", NULL, NULL, NULL, 5,
    "<iq type='set' id='x'><query xmlns='urn:xmpp:mam:2' queryid='" QID "'>"
    FORM_START "<field var='start'><value>2010-06-07T00:00:00Z</value></field></x>"
    "<set xmlns='http://jabber.org/protocol/rsm'><max>5</max></set></query></iq>" },
  { "room-archive", ROOM "/nick", NULL, NULL, NULL, "R-1", NULL, 30,
    "<iq type='set' id='x' to='" ROOM "'><query xmlns='urn:xmpp:mam:2' queryid='" QID "'>"
    FORM_START "</x>"
    "<set xmlns='http://jabber.org/protocol/rsm'><max>30</max><after>R-1</after></set>"
    "</query></iq>" },
};

static GDateTime *
datetime (const char *text)
{
  GDateTime *dt;

  if (text == NULL)
    return NULL;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  g_assert_nonnull (dt);
  return dt;
}

static void
test_build_query (gconstpointer data)
{
  const BuildCase *c = data;
  g_autoptr(ConfabJid) archive = jid (c->archive);
  g_autoptr(ConfabJid) with = jid (c->with);
  g_autoptr(GDateTime) start = datetime (c->start);
  g_autoptr(GDateTime) end = datetime (c->end);
  g_autoptr(ConfabXmppNode) iq = NULL;
  g_autoptr(ConfabXmppNode) expected = parse_xml (c->expected);
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;

  iq = confab_xep_mam_build_query (archive, with, start, end, c->after, c->before, c->max, QID);
  g_assert_nonnull (iq);
  g_assert_nonnull (confab_xmpp_node_get_attr (iq, "id"));
  confab_xmpp_node_set_attr (iq, "id", "x");
  got = confab_xmpp_node_to_string (iq, CONFAB_XMPP_NS_CLIENT);
  want = confab_xmpp_node_to_string (expected, CONFAB_XMPP_NS_CLIENT);
  if (!confab_xmpp_node_equal (iq, expected))
    g_assert_cmpstr (got, ==, want);
  g_assert_true (confab_xmpp_node_equal (iq, expected));
}

/* ---- Parsing results ------------------------------------------------------- */

#define RESULT(from_attr, queryid_attr, id_attr, fwd_body) \
  "<message " from_attr " to='" OWN_FULL "' id='m1'>" \
  "<result xmlns='urn:xmpp:mam:2' " queryid_attr " " id_attr ">" fwd_body "</result></message>"

#define FWD(delay, inner) \
  "<forwarded xmlns='urn:xmpp:forward:0'>" delay inner "</forwarded>"

#define DELAY "<delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>"

#define INNER_IN  "<message xmlns='jabber:client' from='bob@example.org/phone' to='" OWN "' " \
                  "type='chat' id='b1'><body>Hail to thee</body></message>"
#define INNER_OUT "<message xmlns='jabber:client' from='" OWN "/phone' to='bob@example.org' " \
                  "type='chat' id='a1'><body>Hello Bob</body></message>"
#define INNER_ROOM "<message xmlns='jabber:client' from='" ROOM "/witch' type='groupchat' " \
                   "id='g1'><body>Thrice</body></message>"

#define GOOD_QID "queryid='" QID "'"
#define GOOD_ID  "id='28482-98726-73623'"

typedef enum { NOT_RESULT, ACCEPT, REJECT } Verdict;

typedef struct {
  const char *name;
  const char *archive;      /* NULL: our own */
  const char *xml;
  Verdict     verdict;
  const char *body;         /* when accepted */
  gboolean    is_outgoing;
  const char *stamp;        /* when accepted; NULL: none */
} ResultCase;

static const ResultCase result_cases[] = {
  { "own/from-bare", NULL, RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_IN)),
    ACCEPT, "Hail to thee", FALSE, "2010-07-10T23:08:25Z" },
  { "own/no-from", NULL, RESULT ("", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_IN)),
    ACCEPT, "Hail to thee", FALSE, "2010-07-10T23:08:25Z" },
  { "own/outgoing", NULL, RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_OUT)),
    ACCEPT, "Hello Bob", TRUE, "2010-07-10T23:08:25Z" },
  { "own/no-delay", NULL, RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID, FWD ("", INNER_IN)),
    ACCEPT, "Hail to thee", FALSE, NULL },
  { "own/delay-with-offset", NULL,
    RESULT ("", GOOD_QID, GOOD_ID,
            FWD ("<delay xmlns='urn:xmpp:delay' stamp='2010-07-11T01:08:25.25+02:00'/>", INNER_IN)),
    ACCEPT, "Hail to thee", FALSE, "2010-07-10T23:08:25.250Z" },
  /* Spoofs: anyone can send us this shape. */
  { "spoof/from-contact", NULL,
    RESULT ("from='carol@example.org/x'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_IN)), REJECT },
  { "spoof/from-contact-bare", NULL,
    RESULT ("from='carol@example.org'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_IN)), REJECT },
  /* Our own full JID is a client (a reflection or a forgery), not the
   * archive, which lives on the bare JID (XEP-0313 §3.3.1). */
  { "spoof/from-own-full", NULL,
    RESULT ("from='" OWN_FULL "'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_IN)), REJECT },
  { "spoof/from-own-other-resource", NULL,
    RESULT ("from='" OWN "/phone'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_IN)), REJECT },
  { "spoof/from-server", NULL,
    RESULT ("from='example.org'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_IN)), REJECT },
  { "spoof/from-invalid", NULL,
    RESULT ("from='@@'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_IN)), REJECT },
  { "spoof/wrong-queryid", NULL,
    RESULT ("from='" OWN "'", "queryid='guess'", GOOD_ID, FWD (DELAY, INNER_IN)), REJECT },
  { "spoof/no-queryid", NULL,
    RESULT ("from='" OWN "'", "", GOOD_ID, FWD (DELAY, INNER_IN)), REJECT },
  /* Malformed results from the right sender. */
  { "bad/no-id", NULL, RESULT ("from='" OWN "'", GOOD_QID, "", FWD (DELAY, INNER_IN)), REJECT },
  { "bad/empty-id", NULL, RESULT ("from='" OWN "'", GOOD_QID, "id=''", FWD (DELAY, INNER_IN)),
    REJECT },
  { "bad/missing-forwarded", NULL, RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID, ""), REJECT },
  { "bad/forwarded-wrong-ns", NULL,
    RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID,
            "<forwarded xmlns='urn:xmpp:forward:1'>" DELAY INNER_IN "</forwarded>"), REJECT },
  { "bad/forwarded-without-message", NULL,
    RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID, FWD (DELAY, "")), REJECT },
  { "bad/malformed-delay", NULL,
    RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID,
            FWD ("<delay xmlns='urn:xmpp:delay' stamp='yesterday'/>", INNER_IN)), REJECT },
  { "bad/delay-without-zone", NULL,
    RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID,
            FWD ("<delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25'/>", INNER_IN)), REJECT },
  { "bad/delay-without-stamp", NULL,
    RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID,
            FWD ("<delay xmlns='urn:xmpp:delay'/>", INNER_IN)), REJECT },
  { "bad/delay-invalid-date", NULL,
    RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID,
            FWD ("<delay xmlns='urn:xmpp:delay' stamp='2010-13-45T25:61:99Z'/>", INNER_IN)), REJECT },
  { "bad/inner-invalid-from", NULL,
    RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID,
            FWD (DELAY, "<message xmlns='jabber:client' from='a@b@c'><body>x</body></message>")),
    REJECT },
  /* Not MAM results at all. */
  { "other/plain-message", NULL,
    "<message from='bob@example.org/phone' type='chat'><body>hi</body></message>", NOT_RESULT },
  { "other/mam-1-namespace", NULL,
    "<message from='" OWN "'><result xmlns='urn:xmpp:mam:1' " GOOD_QID " " GOOD_ID ">"
    FWD (DELAY, INNER_IN) "</result></message>", NOT_RESULT },
  { "other/iq", NULL, "<iq type='result' id='x'/>", NOT_RESULT },
  /* A room's archive (XEP-0313 §3.3.2): only the room's bare JID. */
  { "room/from-room", ROOM,
    RESULT ("from='" ROOM "'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_ROOM)),
    ACCEPT, "Thrice", FALSE, "2010-07-10T23:08:25Z" },
  { "room/no-from", ROOM, RESULT ("", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_ROOM)), REJECT },
  { "room/from-occupant", ROOM,
    RESULT ("from='" ROOM "/witch'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_ROOM)), REJECT },
  { "room/from-own-bare", ROOM,
    RESULT ("from='" OWN "'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_ROOM)), REJECT },
  { "room/from-other-room", ROOM,
    RESULT ("from='other@conference.example.org'", GOOD_QID, GOOD_ID, FWD (DELAY, INNER_ROOM)),
    REJECT },
};

static void
test_parse_result (gconstpointer data)
{
  const ResultCase *c = data;
  g_autoptr(ConfabXmppNode) stanza = parse_xml (c->xml);
  g_autoptr(ConfabJid) own = jid (OWN_FULL);
  g_autoptr(ConfabJid) archive = jid (c->archive);
  g_autoptr(ConfabMamResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = confab_xep_mam_parse_result (stanza, own, archive, QID, &error);
  switch (c->verdict)
    {
    case NOT_RESULT:
      g_assert_no_error (error);
      g_assert_null (result);
      break;
    case REJECT:
      g_assert_null (result);
      g_assert_nonnull (error);
      g_assert_true (error->domain == CONFAB_XMPP_ERROR);
      break;
    case ACCEPT:
      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_assert_cmpstr (confab_mam_result_get_id (result), ==, "28482-98726-73623");
      g_assert_cmpstr (confab_xmpp_message_get_body (confab_mam_result_get_message (result)),
                       ==, c->body);
      g_assert_true (confab_mam_result_get_is_outgoing (result) == c->is_outgoing);
      if (c->stamp == NULL)
        g_assert_null (confab_mam_result_get_stamp (result));
      else
        {
          g_autoptr(GDateTime) want = g_date_time_new_from_iso8601 (c->stamp, NULL);

          g_assert_nonnull (confab_mam_result_get_stamp (result));
          g_assert_true (g_date_time_equal (want, confab_mam_result_get_stamp (result)));
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

/* ---- <fin/> ---------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *xml;
  gboolean    ok;
  gboolean    complete;
  gboolean    stable;
  const char *first;
  const char *last;
  gint64      count;
} FinCase;

#define RSM(inner) "<set xmlns='http://jabber.org/protocol/rsm'>" inner "</set>"

static const FinCase fin_cases[] = {
  { "complete", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
    RSM ("<first index='0'>23452-4534-1</first><last>390-2342-22</last><count>16</count>")
    "</fin></iq>", TRUE, TRUE, TRUE, "23452-4534-1", "390-2342-22", 16 },
  { "incomplete", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2'>"
    RSM ("<first>a</first><last>b</last>") "</fin></iq>", TRUE, FALSE, TRUE, "a", "b", -1 },
  { "complete-false", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2' complete='false'>"
    RSM ("<first>a</first><last>b</last>") "</fin></iq>", TRUE, FALSE, TRUE, "a", "b", -1 },
  { "complete-1", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2' complete='1'>"
    RSM ("") "</fin></iq>", TRUE, TRUE, TRUE, NULL, NULL, -1 },
  { "complete-junk", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2' complete='yes'>"
    RSM ("") "</fin></iq>", TRUE, FALSE, TRUE, NULL, NULL, -1 },
  { "unstable", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2' stable='false'>"
    RSM ("<count>3</count>") "</fin></iq>", TRUE, FALSE, FALSE, NULL, NULL, 3 },
  { "empty-page", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
    RSM ("<count>0</count>") "</fin></iq>", TRUE, TRUE, TRUE, NULL, NULL, 0 },
  { "no-set", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2' complete='true'/></iq>",
    TRUE, TRUE, TRUE, NULL, NULL, -1 },
  { "bad-count", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2'>"
    RSM ("<last>b</last><count>-4</count>") "</fin></iq>", TRUE, FALSE, TRUE, NULL, "b", -1 },
  { "no-fin", "<iq type='result' id='q'/>", FALSE },
  { "fin-wrong-ns", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:1'/></iq>", FALSE },
  { "empty-last", "<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2'>"
    RSM ("<first>a</first><last/>") "</fin></iq>", FALSE },
};

static void
test_fin (gconstpointer data)
{
  const FinCase *c = data;
  g_autoptr(ConfabXmppNode) iq = parse_xml (c->xml);
  g_autoptr(ConfabJid) own = jid (OWN_FULL);
  g_autoptr(ConfabMamCollector) collector = confab_mam_collector_new (own, NULL, QID, 10);
  g_autoptr(ConfabMamPage) page = NULL;
  g_autoptr(GError) error = NULL;

  page = confab_mam_collector_finish (collector, iq, &error);
  if (!c->ok)
    {
      g_assert_null (page);
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_cmpuint (confab_mam_page_get_results (page)->len, ==, 0);
  g_assert_true (confab_mam_page_get_complete (page) == c->complete);
  g_assert_true (confab_mam_page_get_stable (page) == c->stable);
  g_assert_cmpstr (confab_mam_page_get_first (page), ==, c->first);
  g_assert_cmpstr (confab_mam_page_get_last (page), ==, c->last);
  g_assert_cmpint (confab_mam_page_get_count (page), ==, c->count);
}

/* ---- The collector: a whole query ------------------------------------------ */

static ConfabXmppNode *
make_result (const char *from,
             const char *query_id,
             guint       n)
{
  g_autofree char *xml =
    g_strdup_printf ("<message%s%s%s to='" OWN_FULL "'>"
                     "<result xmlns='urn:xmpp:mam:2' queryid='%s' id='arch-%u'>"
                     FWD (DELAY, "<message xmlns='jabber:client' from='bob@example.org/phone' "
                          "to='" OWN "' type='chat'><body>message %u</body></message>")
                     "</result></message>",
                     from != NULL ? " from='" : "", from != NULL ? from : "",
                     from != NULL ? "'" : "", query_id, n, n);

  return parse_xml (xml);
}

static ConfabXmppNode *
make_fin (void)
{
  return parse_xml ("<iq type='result' id='q'><fin xmlns='urn:xmpp:mam:2' complete='true'>"
                    RSM ("<first>arch-0</first><last>arch-2</last>") "</fin></iq>");
}

static ConfabMamOffer
offer (ConfabMamCollector *collector,
       ConfabXmppNode     *stanza)
{
  g_autoptr(GError) error = NULL;
  ConfabMamOffer verdict = confab_mam_collector_offer (collector, stanza, &error);

  g_assert_true ((verdict == CONFAB_MAM_OFFER_ACCEPTED || verdict == CONFAB_MAM_OFFER_NOT_RESULT)
                 == (error == NULL));
  return verdict;
}

static void
test_collector_page (void)
{
  g_autoptr(ConfabJid) own = jid (OWN_FULL);
  g_autoptr(ConfabMamCollector) collector = confab_mam_collector_new (own, NULL, QID, 10);
  g_autoptr(ConfabMamPage) page = NULL;
  g_autoptr(ConfabXmppNode) fin = make_fin ();
  g_autoptr(GError) error = NULL;
  GPtrArray *results;

  g_assert_cmpstr (confab_mam_collector_get_query_id (collector), ==, QID);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(ConfabXmppNode) good = make_result (i == 1 ? NULL : OWN, QID, i);
      g_autoptr(ConfabXmppNode) spoof = make_result ("carol@example.org/x", QID, 100 + i);
      g_autoptr(ConfabXmppNode) other = make_result (OWN, "other-query", 200 + i);

      g_assert_cmpint (offer (collector, good), ==, CONFAB_MAM_OFFER_ACCEPTED);
      g_assert_cmpint (offer (collector, spoof), ==, CONFAB_MAM_OFFER_REJECTED);
      g_assert_cmpint (offer (collector, other), ==, CONFAB_MAM_OFFER_REJECTED);
    }
  page = confab_mam_collector_finish (collector, fin, &error);
  g_assert_no_error (error);
  g_assert_nonnull (page);
  results = confab_mam_page_get_results (page);
  g_assert_cmpuint (results->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      ConfabMamResult *r = g_ptr_array_index (results, i);
      g_autofree char *id = g_strdup_printf ("arch-%u", i);
      g_autofree char *body = g_strdup_printf ("message %u", i);

      g_assert_cmpstr (confab_mam_result_get_id (r), ==, id);
      g_assert_cmpstr (confab_xmpp_message_get_body (confab_mam_result_get_message (r)), ==, body);
    }
  g_assert_true (confab_mam_page_get_complete (page));
  g_assert_cmpstr (confab_mam_page_get_last (page), ==, "arch-2");

  /* After the IQ result nothing more belongs to the query. */
  {
    g_autoptr(ConfabXmppNode) late = make_result (OWN, QID, 3);
    g_autoptr(ConfabMamPage) again = NULL;

    g_assert_cmpint (offer (collector, late), ==, CONFAB_MAM_OFFER_REJECTED);
    g_assert_cmpuint (results->len, ==, 3);
    again = confab_mam_collector_finish (collector, fin, &error);
    g_assert_null (again);
    g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
  }
}

typedef struct {
  const char *name;
  guint       max;      /* asked for */
  guint       limit;    /* results accepted before the overflow */
} OverflowCase;

static const OverflowCase overflow_cases[] = {
  { "max-5", 5, 5 + CONFAB_XEP_MAM_RESULT_SLACK },
  { "max-50", 50, 50 + CONFAB_XEP_MAM_RESULT_SLACK },
  { "max-0-default", 0, CONFAB_XEP_MAM_DEFAULT_PAGE + CONFAB_XEP_MAM_RESULT_SLACK },
  { "max-clamped", 10000, CONFAB_XEP_MAM_MAX_PAGE + CONFAB_XEP_MAM_RESULT_SLACK },
};

static void
test_collector_overflow (gconstpointer data)
{
  const OverflowCase *c = data;
  g_autoptr(ConfabJid) own = jid (OWN_FULL);
  g_autoptr(ConfabMamCollector) collector = confab_mam_collector_new (own, NULL, QID, c->max);
  g_autoptr(ConfabXmppNode) fin = make_fin ();
  g_autoptr(ConfabMamPage) page = NULL;
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = 0; i < c->limit; i++)
    {
      g_autoptr(ConfabXmppNode) r = make_result (OWN, QID, i);
      g_assert_cmpint (offer (collector, r), ==, CONFAB_MAM_OFFER_ACCEPTED);
    }
  /* A flood: the first result beyond the bound fails the query, and
   * everything after is refused without being kept. */
  for (; i < c->limit + 100; i++)
    {
      g_autoptr(ConfabXmppNode) r = make_result (OWN, QID, i);
      g_assert_cmpint (offer (collector, r), ==,
                       i == c->limit ? CONFAB_MAM_OFFER_OVERFLOW : CONFAB_MAM_OFFER_REJECTED);
    }
  page = confab_mam_collector_finish (collector, fin, &error);
  g_assert_null (page);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
}

/* ---- The module without a connection --------------------------------------- */

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **out = user_data;
  g_autoptr(ConfabMamPage) page = NULL;

  page = confab_xep_mam_query_finish (CONFAB_XEP_MAM (object), result, out);
  g_assert_null (page);
}

static void
test_module_not_connected (void)
{
  g_autoptr(ConfabJid) own = jid (OWN);
  g_autoptr(ConfabXmppStream) stream = confab_xmpp_stream_new (own);
  g_autoptr(ConfabXepMam) mam = confab_xep_mam_new ();
  g_autoptr(ConfabXmppNode) stray = make_result (OWN, QID, 1);
  g_auto(GStrv) open = NULL;
  GError *error = NULL;

  confab_xmpp_stream_add_module (stream, CONFAB_XMPP_MODULE (mam));
  g_assert_true (confab_xmpp_stream_get_module (stream, CONFAB_TYPE_XEP_MAM)
                 == CONFAB_XMPP_MODULE (mam));
  /* MAM is a server feature: we do not advertise it. */
  g_assert_false (g_strv_contains (confab_xmpp_stream_get_disco_features (stream),
                                   CONFAB_XMPP_NS_MAM));

  /* No open query: a result is simply dropped. */
  confab_xep_mam_handle_stanza (mam, stray);

  confab_xep_mam_query_async (mam, NULL, NULL, NULL, NULL, NULL, NULL, 10, NULL,
                              query_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  open = confab_xep_mam_dup_open_query_ids (mam);
  g_assert_cmpuint (g_strv_length (open), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (build_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/mam/build/%s", build_cases[i].name);
      g_test_add_data_func (path, &build_cases[i], test_build_query);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (result_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/mam/result/%s", result_cases[i].name);
      g_test_add_data_func (path, &result_cases[i], test_parse_result);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (fin_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/mam/fin/%s", fin_cases[i].name);
      g_test_add_data_func (path, &fin_cases[i], test_fin);
    }
  g_test_add_func ("/xmpp/mam/collector/page", test_collector_page);
  for (gsize i = 0; i < G_N_ELEMENTS (overflow_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/mam/collector/overflow/%s",
                                               overflow_cases[i].name);
      g_test_add_data_func (path, &overflow_cases[i], test_collector_overflow);
    }
  g_test_add_func ("/xmpp/mam/module/not-connected", test_module_not_connected);

  return g_test_run ();
}
