/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-message.h"
#include "confab-xmpp-parser.h"

#define OWN "alice@example.org"
#define HEADER "<stream:stream xmlns='jabber:client' " \
               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

/* ---- Helpers -------------------------------------------------------------- */

static void
grab_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  if (*out == NULL)
    *out = confab_xmpp_node_ref (stanza);
}

/* Parses one stanza the way the stream does, through the real parser. */
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
  ConfabJid *j = confab_jid_parse (text, NULL);

  g_assert_nonnull (j);
  return j;
}

static ConfabXmppMessage *
parse_message (const char *xml,
               const char *lang)
{
  g_autoptr(ConfabXmppNode) node = parse_xml (xml);
  g_autoptr(ConfabJid) own = jid (OWN "/phone");
  g_autoptr(GError) error = NULL;
  ConfabXmppMessage *message = confab_xmpp_message_parse_with_lang (node, own, lang, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

/* ---- Parsing: one table, every field checked in every case ----------------- */

typedef struct {
  const char *name;
  const char *xml;
  const char *lang;
  const char *from;
  ConfabXmppMessageType type;
  const char *id;
  const char *body;
  const char *display_body;
  const char *subject;
  const char *thread;
  const char *thread_parent;
  const char *origin_id;
  const char *stanza_id;
  const char *delay;          /* ISO 8601 in UTC as formatted below, or NULL */
  gboolean    receipt_requested;
  const char *receipt_id;
  ConfabXmppChatState chat_state;
  gboolean    markable;
  ConfabXmppMarker marker;
  const char *marker_id;
  const char *replace_id;
  const char *retract_id;
  const char *reply_id;
  const char *reply_to;
  const char *reactions_id;
  const char *reactions;      /* joined with "|" */
  int         error_code;     /* 0: no error */
} ParseCase;

#define BOB "bob@example.org/laptop"
#define M(attrs, children) "<message from='" BOB "' to='" OWN "/phone' " attrs ">" children "</message>"

static const ParseCase parse_cases[] = {
  { "/message/parse/minimal", M ("", "<body>hi</body>"), NULL,
    .from = BOB, .type = CONFAB_XMPP_MESSAGE_TYPE_NORMAL, .body = "hi", .display_body = "hi" },
  { "/message/parse/no-from-is-own-account", "<message><body>x</body></message>", NULL,
    .from = OWN, .body = "x", .display_body = "x" },
  { "/message/parse/type-chat", M ("type='chat' id='a1'", "<body>x</body>"), NULL,
    .from = BOB, .type = CONFAB_XMPP_MESSAGE_TYPE_CHAT, .id = "a1", .body = "x", .display_body = "x" },
  { "/message/parse/type-headline", M ("type='headline'", ""), NULL,
    .from = BOB, .type = CONFAB_XMPP_MESSAGE_TYPE_HEADLINE },
  { "/message/parse/type-groupchat", M ("type='groupchat'", ""), NULL,
    .from = BOB, .type = CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT },
  /* RFC 6121 §5.2.2: an unknown type is normal. */
  { "/message/parse/type-unknown", M ("type='shout'", ""), NULL,
    .from = BOB, .type = CONFAB_XMPP_MESSAGE_TYPE_NORMAL },
  { "/message/parse/empty-id-ignored", M ("id=''", ""), NULL, .from = BOB },
  { "/message/parse/thread-parent",
    M ("", "<thread parent='p1'>t1</thread><subject>S</subject>"), NULL,
    .from = BOB, .thread = "t1", .thread_parent = "p1", .subject = "S" },
  /* RFC 6121 §5.2.3: bodies in several languages. */
  { "/message/parse/lang/exact",
    M ("xml:lang='en'", "<body>Hello</body><body xml:lang='de'>Hallo</body>"), "de",
    .from = BOB, .body = "Hallo", .display_body = "Hallo" },
  { "/message/parse/lang/inherited",
    M ("xml:lang='en'", "<body xml:lang='de'>Hallo</body><body>Hello</body>"), "en",
    .from = BOB, .body = "Hello", .display_body = "Hello" },
  { "/message/parse/lang/primary-subtag",
    M ("", "<body xml:lang='fr'>Salut</body><body xml:lang='de-AT'>Servus</body>"), "de",
    .from = BOB, .body = "Servus", .display_body = "Servus" },
  { "/message/parse/lang/unmarked-default",
    M ("", "<body xml:lang='fr'>Salut</body><body>Hi</body>"), "ja",
    .from = BOB, .body = "Hi", .display_body = "Hi" },
  { "/message/parse/lang/no-lang-given",
    M ("", "<body xml:lang='fr'>Salut</body><body>Hi</body>"), NULL,
    .from = BOB, .body = "Hi", .display_body = "Hi" },
  { "/message/parse/lang/all-marked-first",
    M ("", "<body xml:lang='fr'>Salut</body><body xml:lang='it'>Ciao</body>"), "ja",
    .from = BOB, .body = "Salut", .display_body = "Salut" },
  { "/message/parse/lang/subject",
    M ("", "<subject xml:lang='de'>Betreff</subject><subject>Subject</subject>"), "de",
    .from = BOB, .subject = "Betreff" },
  /* XEP-0359: only the archive we trust. */
  { "/message/parse/sid/own-server",
    M ("", "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='S1'/>"
           "<origin-id xmlns='urn:xmpp:sid:0' id='O1'/>"), NULL,
    .from = BOB, .stanza_id = "S1", .origin_id = "O1" },
  { "/message/parse/sid/foreign-by-ignored",
    M ("", "<stanza-id xmlns='urn:xmpp:sid:0' by='bob@example.org' id='S1'/>"), NULL,
    .from = BOB },
  { "/message/parse/sid/full-jid-by-ignored",
    M ("", "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "/phone' id='S1'/>"), NULL,
    .from = BOB },
  { "/message/parse/sid/domain-by-ignored",
    M ("", "<stanza-id xmlns='urn:xmpp:sid:0' by='example.org' id='S1'/>"), NULL,
    .from = BOB },
  { "/message/parse/sid/several-picks-trusted",
    M ("", "<stanza-id xmlns='urn:xmpp:sid:0' by='evil.example' id='X'/>"
           "<stanza-id xmlns='urn:xmpp:sid:0' by='ALICE@example.org' id='S2'/>"
           "<stanza-id xmlns='urn:xmpp:sid:0' id='Y'/>"), NULL,
    .from = BOB, .stanza_id = "S2" },
  { "/message/parse/sid/two-trusted-conflict",
    M ("", "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='forged'/>"
           "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='real'/>"), NULL,
    .from = BOB },
  { "/message/parse/sid/wrong-namespace",
    M ("", "<stanza-id xmlns='urn:xmpp:sid:1' by='" OWN "' id='S1'/>"), NULL, .from = BOB },
  { "/message/parse/sid/groupchat-room",
    "<message from='room@muc.example.org/nick' type='groupchat'>"
    "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='mine'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.example.org' id='R1'/></message>", NULL,
    .from = "room@muc.example.org/nick", .type = CONFAB_XMPP_MESSAGE_TYPE_GROUPCHAT,
    .stanza_id = "R1" },
  /* XEP-0203 / XEP-0082 stamps. */
  { "/message/parse/delay/utc",
    M ("", "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>"), NULL,
    .from = BOB, .delay = "2002-09-10T23:08:25Z" },
  { "/message/parse/delay/fraction-offset",
    M ("", "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25.123-06:00'/>"), NULL,
    .from = BOB, .delay = "2002-09-11T05:08:25Z" },
  { "/message/parse/delay/no-zone",
    M ("", "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25'/>"), NULL, .from = BOB },
  { "/message/parse/delay/garbage",
    M ("", "<delay xmlns='urn:xmpp:delay' stamp='yesterday'/>"), NULL, .from = BOB },
  { "/message/parse/delay/week-date",
    M ("", "<delay xmlns='urn:xmpp:delay' stamp='2002-W37-2T23:08:25Z'/>"), NULL, .from = BOB },
  { "/message/parse/delay/bad-month",
    M ("", "<delay xmlns='urn:xmpp:delay' stamp='2002-13-10T23:08:25Z'/>"), NULL, .from = BOB },
  { "/message/parse/delay/trailing",
    M ("", "<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Zjunk'/>"), NULL, .from = BOB },
  { "/message/parse/delay/first-valid",
    M ("", "<delay xmlns='urn:xmpp:delay' stamp=''/>"
           "<delay xmlns='urn:xmpp:delay' stamp='2020-01-01T00:00:00+01:00'/>"), NULL,
    .from = BOB, .delay = "2019-12-31T23:00:00Z" },
  /* XEP-0184. */
  { "/message/parse/receipt/request",
    M ("id='r1'", "<body>x</body><request xmlns='urn:xmpp:receipts'/>"), NULL,
    .from = BOB, .id = "r1", .body = "x", .display_body = "x", .receipt_requested = TRUE },
  { "/message/parse/receipt/received",
    M ("", "<received xmlns='urn:xmpp:receipts' id='r1'/>"), NULL,
    .from = BOB, .receipt_id = "r1" },
  { "/message/parse/receipt/received-no-id",
    M ("", "<received xmlns='urn:xmpp:receipts'/>"), NULL, .from = BOB },
  /* XEP-0085. */
  { "/message/parse/chatstate/composing",
    M ("", "<composing xmlns='http://jabber.org/protocol/chatstates'/>"), NULL,
    .from = BOB, .chat_state = CONFAB_XMPP_CHAT_STATE_COMPOSING },
  { "/message/parse/chatstate/first-wins",
    M ("", "<gone xmlns='http://jabber.org/protocol/chatstates'/>"
           "<active xmlns='http://jabber.org/protocol/chatstates'/>"), NULL,
    .from = BOB, .chat_state = CONFAB_XMPP_CHAT_STATE_GONE },
  { "/message/parse/chatstate/unknown",
    M ("", "<shouting xmlns='http://jabber.org/protocol/chatstates'/>"), NULL, .from = BOB },
  /* XEP-0333. */
  { "/message/parse/marker/markable",
    M ("", "<markable xmlns='urn:xmpp:chat-markers:0'/>"), NULL, .from = BOB, .markable = TRUE },
  { "/message/parse/marker/displayed",
    M ("", "<displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/>"), NULL,
    .from = BOB, .marker = CONFAB_XMPP_MARKER_DISPLAYED, .marker_id = "m1" },
  { "/message/parse/marker/acknowledged",
    M ("", "<acknowledged xmlns='urn:xmpp:chat-markers:0' id='m1'/>"), NULL,
    .from = BOB, .marker = CONFAB_XMPP_MARKER_ACKNOWLEDGED, .marker_id = "m1" },
  { "/message/parse/marker/no-id",
    M ("", "<received xmlns='urn:xmpp:chat-markers:0'/>"), NULL, .from = BOB },
  /* XEP-0308, XEP-0424. */
  { "/message/parse/correction",
    M ("", "<body>fixed</body><replace xmlns='urn:xmpp:message-correct:0' id='old'/>"), NULL,
    .from = BOB, .body = "fixed", .display_body = "fixed", .replace_id = "old" },
  { "/message/parse/retraction",
    M ("", "<retract xmlns='urn:xmpp:message-retract:1' id='old'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"
           "<body>retracted, upgrade</body>"), NULL,
    .from = BOB, .body = "retracted, upgrade", .display_body = NULL, .retract_id = "old" },
  { "/message/parse/retraction-old-namespace-ignored",
    M ("", "<retract xmlns='urn:xmpp:message-retract:0' id='old'/>"), NULL, .from = BOB },
  /* XEP-0461 + XEP-0428. */
  { "/message/parse/reply/fallback",
    M ("", "<body>&gt; quoted\nanswer</body>"
           "<reply xmlns='urn:xmpp:reply:0' to='" BOB "' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='0' end='9'/></fallback>"), NULL,
    .from = BOB, .body = "> quoted\nanswer", .display_body = "answer",
    .reply_id = "q1", .reply_to = BOB },
  { "/message/parse/reply/code-points",
    /* "» ü\n" is 4 code points but 6 bytes. */
    M ("", "<body>» ü\nñ</body><reply xmlns='urn:xmpp:reply:0' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='0' end='4'/></fallback>"), NULL,
    .from = BOB, .body = "» ü\nñ", .display_body = "ñ", .reply_id = "q1" },
  { "/message/parse/reply/no-to",
    M ("", "<reply xmlns='urn:xmpp:reply:0' id='q1'/>"), NULL, .from = BOB, .reply_id = "q1" },
  { "/message/parse/reply/bad-to",
    M ("", "<reply xmlns='urn:xmpp:reply:0' to='@@' id='q1'/>"), NULL, .from = BOB, .reply_id = "q1" },
  { "/message/parse/fallback/out-of-bounds",
    M ("", "<body>short</body><reply xmlns='urn:xmpp:reply:0' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='0' end='6'/></fallback>"), NULL,
    .from = BOB, .body = "short", .display_body = "short", .reply_id = "q1" },
  { "/message/parse/fallback/byte-offsets-are-not-code-points",
    /* 'end' 3 would be inside "ü" if read as bytes ("»" is 2 bytes); as
     * code points it removes "» ü" exactly. */
    M ("", "<body>» üx</body><reply xmlns='urn:xmpp:reply:0' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='0' end='3'/></fallback>"), NULL,
    .from = BOB, .body = "» üx", .display_body = "x", .reply_id = "q1" },
  { "/message/parse/fallback/start-after-end",
    M ("", "<body>abcdef</body><reply xmlns='urn:xmpp:reply:0' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='4' end='2'/></fallback>"), NULL,
    .from = BOB, .body = "abcdef", .display_body = "abcdef", .reply_id = "q1" },
  { "/message/parse/fallback/negative",
    M ("", "<body>abcdef</body><reply xmlns='urn:xmpp:reply:0' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='-1' end='2'/></fallback>"), NULL,
    .from = BOB, .body = "abcdef", .display_body = "abcdef", .reply_id = "q1" },
  { "/message/parse/fallback/huge-number",
    M ("", "<body>abcdef</body><reply xmlns='urn:xmpp:reply:0' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='0' end='99999999999999999999'/></fallback>"), NULL,
    .from = BOB, .body = "abcdef", .display_body = "abcdef", .reply_id = "q1" },
  { "/message/parse/fallback/half-range",
    M ("", "<body>abcdef</body><reply xmlns='urn:xmpp:reply:0' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='0'/></fallback>"), NULL,
    .from = BOB, .body = "abcdef", .display_body = "abcdef", .reply_id = "q1" },
  { "/message/parse/fallback/overlapping-union",
    M ("", "<body>abcdef</body><reply xmlns='urn:xmpp:reply:0' id='q1'/>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='3' end='5'/><body start='1' end='4'/></fallback>"), NULL,
    .from = BOB, .body = "abcdef", .display_body = "af", .reply_id = "q1" },
  { "/message/parse/fallback/for-unused-feature-kept",
    M ("", "<body>&gt; q\nanswer</body>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reply:0'>"
           "<body start='0' end='4'/></fallback>"), NULL,
    .from = BOB, .body = "> q\nanswer", .display_body = "> q\nanswer" },
  { "/message/parse/fallback/unknown-feature-kept",
    M ("", "<body>abc</body><fallback xmlns='urn:xmpp:fallback:0' for='urn:example'/>"), NULL,
    .from = BOB, .body = "abc", .display_body = "abc" },
  /* XEP-0444. */
  { "/message/parse/reactions/basic",
    M ("", "<reactions xmlns='urn:xmpp:reactions:0' id='m1'>"
           "<reaction>👍</reaction><reaction>🐢</reaction><reaction>👍</reaction>"
           "<reaction></reaction><reaction>  </reaction>"
           "<reaction>this is much longer than thirty-two bytes, not an emoji</reaction>"
           "<reaction>👩‍👩‍👧‍👦</reaction></reactions>"), NULL,
    .from = BOB, .reactions_id = "m1", .reactions = "👍|🐢|👩‍👩‍👧‍👦" },
  { "/message/parse/reactions/empty-removes-all",
    M ("", "<reactions xmlns='urn:xmpp:reactions:0' id='m1'/>"), NULL,
    .from = BOB, .reactions_id = "m1", .reactions = "" },
  { "/message/parse/reactions/no-id",
    M ("", "<reactions xmlns='urn:xmpp:reactions:0'><reaction>👍</reaction></reactions>"), NULL,
    .from = BOB },
  { "/message/parse/reactions/with-fallback",
    M ("", "<body>👍</body><reactions xmlns='urn:xmpp:reactions:0' id='m1'>"
           "<reaction>👍</reaction></reactions>"
           "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:reactions:0'/>"), NULL,
    .from = BOB, .body = "👍", .display_body = NULL, .reactions_id = "m1", .reactions = "👍" },
  /* RFC 6120 §8.3. */
  { "/message/parse/error",
    M ("type='error' id='e1'", "<error type='cancel'>"
       "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"), NULL,
    .from = BOB, .type = CONFAB_XMPP_MESSAGE_TYPE_ERROR, .id = "e1",
    .error_code = CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE },
  { "/message/parse/error-without-element",
    M ("type='error'", ""), NULL,
    .from = BOB, .type = CONFAB_XMPP_MESSAGE_TYPE_ERROR,
    .error_code = CONFAB_XMPP_STANZA_ERROR_UNDEFINED_CONDITION },
};

static void
test_parse (gconstpointer data)
{
  const ParseCase *c = data;
  g_autoptr(ConfabXmppMessage) m = parse_message (c->xml, c->lang);
  g_autofree char *delay = NULL;
  g_autofree char *reactions = NULL;
  const GError *error;

  g_assert_cmpstr (confab_jid_to_string (confab_xmpp_message_get_from (m)), ==, c->from);
  g_assert_cmpint (confab_xmpp_message_get_message_type (m), ==, c->type);
  g_assert_cmpstr (confab_xmpp_message_get_id (m), ==, c->id);
  g_assert_cmpstr (confab_xmpp_message_get_body (m), ==, c->body);
  g_assert_cmpstr (confab_xmpp_message_get_display_body (m), ==, c->display_body);
  g_assert_cmpstr (confab_xmpp_message_get_subject (m), ==, c->subject);
  g_assert_cmpstr (confab_xmpp_message_get_thread (m), ==, c->thread);
  g_assert_cmpstr (confab_xmpp_message_get_thread_parent (m), ==, c->thread_parent);
  g_assert_cmpstr (confab_xmpp_message_get_origin_id (m), ==, c->origin_id);
  g_assert_cmpstr (confab_xmpp_message_get_stanza_id (m), ==, c->stanza_id);
  if (confab_xmpp_message_get_delay (m) != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (confab_xmpp_message_get_delay (m));
      delay = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }
  g_assert_cmpstr (delay, ==, c->delay);
  g_assert_cmpint (confab_xmpp_message_get_receipt_requested (m), ==, c->receipt_requested);
  g_assert_cmpstr (confab_xmpp_message_get_receipt_id (m), ==, c->receipt_id);
  g_assert_cmpint (confab_xmpp_message_get_chat_state (m), ==, c->chat_state);
  g_assert_cmpint (confab_xmpp_message_get_markable (m), ==, c->markable);
  g_assert_cmpint (confab_xmpp_message_get_marker (m), ==, c->marker);
  g_assert_cmpstr (confab_xmpp_message_get_marker_id (m), ==, c->marker_id);
  g_assert_cmpstr (confab_xmpp_message_get_replace_id (m), ==, c->replace_id);
  g_assert_cmpstr (confab_xmpp_message_get_retract_id (m), ==, c->retract_id);
  g_assert_cmpstr (confab_xmpp_message_get_reply_id (m), ==, c->reply_id);
  g_assert_cmpstr (confab_xmpp_message_get_reply_to (m) ? confab_jid_to_string (confab_xmpp_message_get_reply_to (m)) : NULL,
                   ==, c->reply_to);
  g_assert_cmpstr (confab_xmpp_message_get_reactions_id (m), ==, c->reactions_id);
  if (confab_xmpp_message_get_reactions (m) != NULL)
    reactions = g_strjoinv ("|", (GStrv) confab_xmpp_message_get_reactions (m));
  g_assert_cmpstr (reactions, ==, c->reactions);
  error = confab_xmpp_message_get_error (m);
  if (c->error_code == 0)
    g_assert_null (error);
  else
    g_assert_error (error, CONFAB_XMPP_STANZA_ERROR, c->error_code);
}

typedef struct {
  const char *name;
  const char *xml;
  int         code;
} BadCase;

static const BadCase bad_cases[] = {
  { "/message/parse-fails/not-a-message", "<presence/>", CONFAB_XMPP_ERROR_PROTOCOL },
  { "/message/parse-fails/wrong-namespace", "<message xmlns='jabber:server'/>", CONFAB_XMPP_ERROR_PROTOCOL },
  { "/message/parse-fails/invalid-from", "<message from='a@b@c'/>", CONFAB_XMPP_ERROR_INVALID_JID },
  { "/message/parse-fails/empty-from", "<message from=''/>", CONFAB_XMPP_ERROR_INVALID_JID },
  { "/message/parse-fails/invalid-to", "<message from='b@c' to='@c'/>", CONFAB_XMPP_ERROR_INVALID_JID },
};

static void
test_parse_fails (gconstpointer data)
{
  const BadCase *c = data;
  g_autoptr(ConfabXmppNode) node = parse_xml (c->xml);
  g_autoptr(ConfabJid) own = jid (OWN);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConfabXmppMessage) m = confab_xmpp_message_parse (node, own, &error);

  g_assert_null (m);
  g_assert_error (error, CONFAB_XMPP_ERROR, c->code);
}

/* ---- Fallback ranges ------------------------------------------------------ */

typedef struct {
  const char *name;
  const char *text;
  guint       ranges[6];
  gsize       n_ranges;
  const char *expected;  /* NULL: rejected */
} RangeCase;

static const RangeCase range_cases[] = {
  { "/message/fallback-ranges/none", "abc", { 0 }, 0, "abc" },
  { "/message/fallback-ranges/all", "abc", { 0, 3 }, 1, "" },
  { "/message/fallback-ranges/empty-range", "abc", { 1, 1 }, 1, "abc" },
  { "/message/fallback-ranges/middle", "abcdef", { 2, 4 }, 1, "abef" },
  { "/message/fallback-ranges/two", "abcdef", { 4, 5, 0, 1 }, 2, "bcdf" },
  { "/message/fallback-ranges/overlap", "abcdef", { 0, 3, 2, 5 }, 2, "f" },
  { "/message/fallback-ranges/nested", "abcdef", { 0, 6, 2, 3 }, 2, "" },
  { "/message/fallback-ranges/end-past-text", "abc", { 0, 4 }, 1, NULL },
  { "/message/fallback-ranges/start-past-text", "abc", { 4, 4 }, 1, NULL },
  { "/message/fallback-ranges/reversed", "abc", { 2, 1 }, 1, NULL },
  { "/message/fallback-ranges/one-bad-of-two", "abc", { 0, 1, 1, 9 }, 2, NULL },
  /* Multi-byte: 😀 is one code point and four bytes. */
  { "/message/fallback-ranges/emoji", "a😀b", { 1, 2 }, 1, "ab" },
  { "/message/fallback-ranges/emoji-count", "😀😀😀", { 0, 3 }, 1, "" },
  { "/message/fallback-ranges/emoji-bytes-rejected", "😀", { 0, 4 }, 1, NULL },
  { "/message/fallback-ranges/invalid-utf8", "a\xff", { 0, 1 }, 1, NULL },
  { "/message/fallback-ranges/truncated-utf8", "a\xf0\x9f", { 0, 1 }, 1, NULL },
};

static void
test_fallback_ranges (gconstpointer data)
{
  const RangeCase *c = data;
  g_autofree char *result = NULL;
  gboolean ok = confab_xmpp_strip_fallback_ranges (c->text, c->ranges, c->n_ranges, &result);

  g_assert_cmpint (ok, ==, c->expected != NULL);
  g_assert_cmpstr (result, ==, c->expected);
}

/* ---- Bounds --------------------------------------------------------------- */

static void
test_many_reactions (void)
{
  g_autoptr(GString) xml = g_string_new ("<message from='" BOB "'>"
                                         "<reactions xmlns='urn:xmpp:reactions:0' id='m1'>");
  g_autoptr(ConfabXmppMessage) m = NULL;
  const char * const *reactions;

  /* 20000 elements, 5000 distinct values: kept bounded and de-duplicated. */
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (xml, "<reaction>r%u</reaction>", i % 5000);
  g_string_append (xml, "</reactions></message>");
  m = parse_message (xml->str, NULL);
  reactions = confab_xmpp_message_get_reactions (m);
  g_assert_nonnull (reactions);
  g_assert_cmpuint (g_strv_length ((GStrv) reactions), ==, CONFAB_XMPP_MESSAGE_MAX_REACTIONS);
  for (guint i = 0; reactions[i] != NULL; i++)
    for (guint k = i + 1; reactions[k] != NULL; k++)
      g_assert_cmpstr (reactions[i], !=, reactions[k]);
}

static void
test_many_duplicate_reactions (void)
{
  g_autoptr(GString) xml = g_string_new ("<message from='" BOB "'>"
                                         "<reactions xmlns='urn:xmpp:reactions:0' id='m1'>");
  g_autoptr(ConfabXmppMessage) m = NULL;

  for (guint i = 0; i < 20000; i++)
    g_string_append (xml, "<reaction>👍</reaction>");
  g_string_append (xml, "</reactions></message>");
  m = parse_message (xml->str, NULL);
  g_assert_cmpuint (g_strv_length ((GStrv) confab_xmpp_message_get_reactions (m)), ==, 1);
}

static void
test_long_id_ignored (void)
{
  g_autofree char *long_id = g_strnfill (CONFAB_XMPP_MESSAGE_MAX_ID_LEN + 1, 'x');
  g_autofree char *xml = g_strdup_printf ("<message from='" BOB "' id='%s'>"
                                          "<replace xmlns='urn:xmpp:message-correct:0' id='%s'/>"
                                          "</message>", long_id, long_id);
  g_autoptr(ConfabXmppMessage) m = parse_message (xml, NULL);

  g_assert_null (confab_xmpp_message_get_id (m));
  g_assert_null (confab_xmpp_message_get_replace_id (m));
}

static void
test_uuid (void)
{
  g_autofree char *a = confab_xmpp_new_uuid ();
  g_autofree char *b = confab_xmpp_new_uuid ();

  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_true (g_uuid_string_is_valid (a));
  g_assert_cmpstr (a, !=, b);
  g_assert_cmpint (a[14], ==, '4');
  /* Across many refills of the random pool: version 4, variant 10, unique. */
  for (guint i = 0; i < 1000; i++)
    {
      char *id = confab_xmpp_new_uuid ();

      g_assert_true (g_uuid_string_is_valid (id));
      g_assert_cmpint (id[14], ==, '4');
      g_assert_nonnull (strchr ("89ab", id[19]));
      g_assert_true (g_hash_table_add (seen, id));
    }
}

/* ---- Building ------------------------------------------------------------- */

static void
test_build_chat_round_trip (void)
{
  g_autoptr(ConfabJid) to = jid ("bob@example.org");
  g_autoptr(ConfabJid) own = jid (OWN "/phone");
  g_autoptr(ConfabXmppNode) node = NULL;
  g_autoptr(ConfabXmppMessage) m = NULL;
  g_autofree char *xml = NULL;
  ConfabXmppChatOptions options = {
    .thread = "t1", .request_receipt = TRUE, .markable = TRUE,
    .reply_id = "q1", .reply_to = to, .reply_fallback = "> « quoted »\n",
  };

  node = confab_xmpp_message_build_chat (to, "answer <b>&", "id-1", &options);
  xml = confab_xmpp_node_to_string (node, CONFAB_XMPP_NS_CLIENT);
  /* Text is escaped, never markup. */
  g_assert_nonnull (strstr (xml, "answer &lt;b&gt;&amp;"));
  g_clear_pointer (&node, confab_xmpp_node_unref);
  node = parse_xml (xml);
  confab_xmpp_node_set_attr (node, "from", OWN "/phone");
  m = confab_xmpp_message_parse (node, own, NULL);
  g_assert_nonnull (m);
  g_assert_cmpint (confab_xmpp_message_get_message_type (m), ==, CONFAB_XMPP_MESSAGE_TYPE_CHAT);
  g_assert_cmpstr (confab_xmpp_message_get_id (m), ==, "id-1");
  g_assert_cmpstr (confab_xmpp_message_get_origin_id (m), ==, "id-1");
  g_assert_cmpstr (confab_xmpp_message_get_thread (m), ==, "t1");
  g_assert_true (confab_xmpp_message_get_receipt_requested (m));
  g_assert_true (confab_xmpp_message_get_markable (m));
  g_assert_cmpint (confab_xmpp_message_get_chat_state (m), ==, CONFAB_XMPP_CHAT_STATE_ACTIVE);
  g_assert_cmpstr (confab_xmpp_message_get_reply_id (m), ==, "q1");
  g_assert_cmpstr (confab_xmpp_message_get_body (m), ==, "> « quoted »\nanswer <b>&");
  g_assert_cmpstr (confab_xmpp_message_get_display_body (m), ==, "answer <b>&");
}

/* ---- The module's trust rules --------------------------------------------- */

typedef struct {
  ConfabXmppStream   *stream;
  ConfabXmppMessages *messages;
  GPtrArray          *events;  /* "signal:detail" strings */
} Fixture;

static void
on_message_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m,
               gboolean is_carbon, gboolean is_sent, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("message:%s:%s%s",
                                               confab_jid_get_bare_string (confab_xmpp_message_get_from (m)),
                                               confab_xmpp_message_get_body (m),
                                               is_carbon ? (is_sent ? ":sent" : ":carbon") : ""));
}

static void
on_receipt_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("receipt:%s", id));
}

static void
on_marker_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, ConfabXmppMarker marker,
              const char *id, gboolean is_own, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("marker:%d:%s%s", marker, id, is_own ? ":own" : ""));
}

static void
on_chat_state_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m,
                  ConfabXmppChatState state, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("state:%d", state));
}

static void
on_correction_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id,
                  gboolean verified, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("correction:%s:%s", id, verified ? "verified" : "unverified"));
}

static void
on_retraction_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id,
                  gboolean verified, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("retraction:%s:%s", id, verified ? "verified" : "unverified"));
}

static void
on_reaction_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, const char *id,
                GStrv reactions, Fixture *f)
{
  g_autofree char *joined = g_strjoinv ("|", reactions);

  g_ptr_array_add (f->events, g_strdup_printf ("reaction:%s:%s", id, joined));
}

static void
on_error_cb (ConfabXmppMessages *messages, ConfabXmppMessage *m, GError *error, Fixture *f)
{
  g_ptr_array_add (f->events, g_strdup_printf ("error:%s", confab_xmpp_message_get_id (m)));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  /* A full JID: the session's own address, as after binding. */
  g_autoptr(ConfabJid) own = jid (OWN "/phone");

  f->stream = confab_xmpp_stream_new (own);
  f->messages = confab_xmpp_messages_new ();
  f->events = g_ptr_array_new_with_free_func (g_free);
  confab_xmpp_stream_add_module (f->stream, CONFAB_XMPP_MODULE (f->messages));
  g_signal_connect (f->messages, "message-received", G_CALLBACK (on_message_cb), f);
  g_signal_connect (f->messages, "receipt-received", G_CALLBACK (on_receipt_cb), f);
  g_signal_connect (f->messages, "marker-received", G_CALLBACK (on_marker_cb), f);
  g_signal_connect (f->messages, "chat-state-changed", G_CALLBACK (on_chat_state_cb), f);
  g_signal_connect (f->messages, "correction-received", G_CALLBACK (on_correction_cb), f);
  g_signal_connect (f->messages, "retraction-received", G_CALLBACK (on_retraction_cb), f);
  g_signal_connect (f->messages, "reaction-received", G_CALLBACK (on_reaction_cb), f);
  g_signal_connect (f->messages, "message-error", G_CALLBACK (on_error_cb), f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->messages);
  g_clear_object (&f->stream);
  g_clear_pointer (&f->events, g_ptr_array_unref);
}

/* Delivers @xml as the stream would. */
static void
receive (Fixture *f, const char *xml)
{
  g_autoptr(ConfabXmppNode) node = parse_xml (xml);

  g_signal_emit_by_name (f->stream, "stanza-received", node);
}

/* Asserts the events since the last call, joined with " ". */
static void
assert_events (Fixture *f, const char *expected)
{
  g_autofree char *joined = NULL;

  g_ptr_array_add (f->events, NULL);
  joined = g_strjoinv (" ", (GStrv) f->events->pdata);
  g_ptr_array_set_size (f->events, 0);
  g_assert_cmpstr (joined, ==, expected);
}

static char *
send_to_bob (Fixture *f)
{
  g_autoptr(ConfabJid) bob = jid ("bob@example.org");
  ConfabXmppChatOptions options = { .request_receipt = TRUE, .markable = TRUE };

  return confab_xmpp_messages_send_chat (f->messages, bob, "hello", &options);
}

static void
test_disco_features (Fixture *f, gconstpointer data)
{
  const char * const *features = confab_xmpp_stream_get_disco_features (f->stream);
  const char * const expected[] = {
    "urn:xmpp:receipts", "http://jabber.org/protocol/chatstates", "urn:xmpp:chat-markers:0",
    "urn:xmpp:message-correct:0", "urn:xmpp:message-retract:1", "urn:xmpp:reactions:0",
    "urn:xmpp:reply:0", "urn:xmpp:fallback:0", "urn:xmpp:sid:0",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_true (g_strv_contains (features, expected[i]));
  confab_xmpp_module_detach (CONFAB_XMPP_MODULE (f->messages), f->stream);
  features = confab_xmpp_stream_get_disco_features (f->stream);
  g_assert_false (g_strv_contains (features, "urn:xmpp:receipts"));
  /* Detached: nothing is handled any more. */
  receive (f, "<message from='bob@example.org/x'><body>hi</body></message>");
  assert_events (f, "");
  confab_xmpp_module_attach (CONFAB_XMPP_MODULE (f->messages), f->stream);
}

typedef struct {
  const char *name;
  const char *template;  /* %s: the id of our message to bob */
  const char *expected;  /* %s: the same id */
} AckCase;

static const AckCase ack_cases[] = {
  { "/messages/ack/receipt-from-recipient",
    "<message from='bob@example.org/laptop'><received xmlns='urn:xmpp:receipts' id='%s'/></message>",
    "receipt:%s" },
  { "/messages/ack/receipt-from-recipient-bare",
    "<message from='bob@example.org'><received xmlns='urn:xmpp:receipts' id='%s'/></message>",
    "receipt:%s" },
  { "/messages/ack/receipt-from-other-contact",
    "<message from='carol@example.org/x'><received xmlns='urn:xmpp:receipts' id='%s'/></message>",
    "" },
  { "/messages/ack/receipt-from-server",
    "<message from='example.org'><received xmlns='urn:xmpp:receipts' id='%s'/></message>",
    "" },
  { "/messages/ack/receipt-unknown-id",
    "<message from='bob@example.org/laptop'><received xmlns='urn:xmpp:receipts' id='nope%.0s'/></message>",
    "" },
  { "/messages/ack/marker-displayed",
    "<message from='bob@example.org/laptop'><displayed xmlns='urn:xmpp:chat-markers:0' id='%s'/></message>",
    "marker:2:%s" },
  { "/messages/ack/marker-from-other-contact",
    "<message from='carol@example.org/x'><displayed xmlns='urn:xmpp:chat-markers:0' id='%s'/></message>",
    "" },
  { "/messages/ack/marker-unknown-id",
    "<message from='bob@example.org/laptop'><displayed xmlns='urn:xmpp:chat-markers:0' id='x%.0s'/></message>",
    "" },
};

static void
test_ack (Fixture *f, gconstpointer data)
{
  const AckCase *c = data;
  g_autofree char *id = send_to_bob (f);
  g_autofree char *xml = g_strdup_printf (c->template, id);
  g_autofree char *expected = g_strdup_printf (c->expected, id);

  receive (f, xml);
  assert_events (f, expected);
}

static void
test_ack_table_bounded (Fixture *f, gconstpointer data)
{
  g_autofree char *first = send_to_bob (f);
  g_autofree char *last = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *expected = NULL;

  for (guint i = 0; i < CONFAB_XMPP_MESSAGES_TABLE_SIZE; i++)
    {
      g_free (last);
      last = send_to_bob (f);
    }
  xml = g_strdup_printf ("<message from='bob@example.org/l'><received xmlns='urn:xmpp:receipts' id='%s'/></message>", first);
  receive (f, xml);
  assert_events (f, "");
  g_free (xml);
  xml = g_strdup_printf ("<message from='bob@example.org/l'><received xmlns='urn:xmpp:receipts' id='%s'/></message>", last);
  receive (f, xml);
  expected = g_strdup_printf ("receipt:%s", last);
  assert_events (f, expected);
}

static void
test_corrections (Fixture *f, gconstpointer data)
{
  receive (f, "<message from='bob@example.org/l' id='b1' type='chat'><body>helo</body>"
              "<origin-id xmlns='urn:xmpp:sid:0' id='b1-origin'/></message>");
  assert_events (f, "message:bob@example.org:helo");

  /* From the author (any resource): verified. */
  receive (f, "<message from='bob@example.org/other' id='b2' type='chat'><body>hello</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='b1'/></message>");
  assert_events (f, "correction:b1:verified");
  /* By origin-id too; and a correction chain naming the correction. */
  receive (f, "<message from='bob@example.org/l' type='chat'><body>hello!</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='b1-origin'/></message>");
  assert_events (f, "correction:b1-origin:verified");
  receive (f, "<message from='bob@example.org/l' type='chat'><body>hello!!</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='b2'/></message>");
  assert_events (f, "correction:b2:verified");

  /* Someone else correcting bob's known message: dropped. */
  receive (f, "<message from='carol@example.org/x' type='chat'><body>pwned</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='b1'/></message>");
  assert_events (f, "");
  receive (f, "<message from='carol@example.org/x' type='chat'>"
              "<retract xmlns='urn:xmpp:message-retract:1' id='b1'/></message>");
  assert_events (f, "");
  /* Our own account correcting bob's message, directly: dropped too. */
  receive (f, "<message from='" OWN "/tablet' type='chat'><body>x</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='b1'/></message>");
  assert_events (f, "");

  /* Unknown ids: passed on unverified for the core to check. */
  receive (f, "<message from='carol@example.org/x' type='chat'><body>old</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='from-history'/></message>");
  assert_events (f, "correction:from-history:unverified");
  receive (f, "<message from='carol@example.org/x' type='chat'>"
              "<retract xmlns='urn:xmpp:message-retract:1' id='from-history'/></message>");
  assert_events (f, "retraction:from-history:unverified");

  /* Bob retracting his own: verified. */
  receive (f, "<message from='bob@example.org/l' type='chat'>"
              "<retract xmlns='urn:xmpp:message-retract:1' id='b1'/>"
              "<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"
              "<body>This person attempted to retract</body></message>");
  assert_events (f, "retraction:b1:verified");
}

static void
test_same_id_other_author (Fixture *f, gconstpointer data)
{
  /* Carol reusing bob's id cannot take over bob's message. */
  receive (f, "<message from='bob@example.org/l' id='same'><body>bob</body></message>");
  receive (f, "<message from='carol@example.org/x' id='same'><body>carol</body></message>");
  assert_events (f, "message:bob@example.org:bob message:carol@example.org:carol");
  receive (f, "<message from='bob@example.org/l'><body>B</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='same'/></message>");
  receive (f, "<message from='carol@example.org/l'><body>C</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='same'/></message>");
  assert_events (f, "correction:same:verified correction:same:verified");
}

static void
test_own_correction (Fixture *f, gconstpointer data)
{
  g_autofree char *id = send_to_bob (f);
  g_autofree char *xml = NULL;
  g_autofree char *expected = g_strdup_printf ("correction:%s:verified", id);

  /* A correction of our own message from our account's other device
   * (direct, not a carbon) is ours: verified. */
  xml = g_strdup_printf ("<message from='" OWN "/tablet' type='chat'><body>x</body>"
                         "<replace xmlns='urn:xmpp:message-correct:0' id='%s'/></message>", id);
  receive (f, xml);
  assert_events (f, expected);
}

static void
test_groupchat_never_verified (Fixture *f, gconstpointer data)
{
  /* Occupants share the room's bare JID: a match proves nothing. */
  receive (f, "<message from='room@muc.example.org/bob' type='groupchat' id='g1'><body>hi</body></message>");
  receive (f, "<message from='room@muc.example.org/mallory' type='groupchat'><body>x</body>"
              "<replace xmlns='urn:xmpp:message-correct:0' id='g1'/></message>");
  receive (f, "<message from='room@muc.example.org/mallory' type='groupchat'>"
              "<retract xmlns='urn:xmpp:message-retract:1' id='g1'/></message>");
  assert_events (f, "message:room@muc.example.org:hi correction:g1:unverified retraction:g1:unverified");
}

static void
test_misc_events (Fixture *f, gconstpointer data)
{
  receive (f, "<message from='bob@example.org/l' type='chat'>"
              "<composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
  receive (f, "<message from='bob@example.org/l' type='chat'><body>hi</body>"
              "<active xmlns='http://jabber.org/protocol/chatstates'/></message>");
  assert_events (f, "state:2 state:1 message:bob@example.org:hi");
  receive (f, "<message from='bob@example.org/l' type='chat'>"
              "<reactions xmlns='urn:xmpp:reactions:0' id='m1'><reaction>👍</reaction></reactions>"
              "<body>👍</body></message>");
  assert_events (f, "reaction:m1:👍");
  receive (f, "<message from='bob@example.org' type='error' id='e1'><error type='cancel'>"
              "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
  assert_events (f, "error:e1");
  /* Not bodies, not anything: nothing. */
  receive (f, "<message from='bob@example.org/l'/>");
  receive (f, "<presence from='bob@example.org/l'/>");
  assert_events (f, "");
}

static void
test_own_session_dropped (Fixture *f, gconstpointer data)
{
  receive (f, "<message from='" OWN "/phone' type='chat'><body>echo</body></message>");
  assert_events (f, "");
  /* Another of our devices writing to this one directly: a note to self. */
  receive (f, "<message from='" OWN "/tablet' type='chat'><body>note</body></message>");
  assert_events (f, "message:" OWN ":note");
}

static void
test_carbon_wrapper_ignored (Fixture *f, gconstpointer data)
{
  /* Without the carbons module, nobody unwraps carbons; the wrapper is
   * never a message, even from our own bare JID. */
  receive (f, "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:2'>"
              "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
              "from='bob@example.org/l' to='" OWN "/tablet'><body>hi</body></message>"
              "</forwarded></received><body>outer</body></message>");
  receive (f, "<message from='carol@example.org/x'><sent xmlns='urn:xmpp:carbons:2'>"
              "<forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' "
              "from='" OWN "/tablet' to='bob@example.org'><body>hi</body></message>"
              "</forwarded></sent></message>");
  assert_events (f, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (parse_cases); i++)
    g_test_add_data_func (parse_cases[i].name, &parse_cases[i], test_parse);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    g_test_add_data_func (bad_cases[i].name, &bad_cases[i], test_parse_fails);
  for (gsize i = 0; i < G_N_ELEMENTS (range_cases); i++)
    g_test_add_data_func (range_cases[i].name, &range_cases[i], test_fallback_ranges);
  g_test_add_func ("/message/bounds/many-reactions", test_many_reactions);
  g_test_add_func ("/message/bounds/many-duplicate-reactions", test_many_duplicate_reactions);
  g_test_add_func ("/message/bounds/long-id", test_long_id_ignored);
  g_test_add_func ("/message/uuid", test_uuid);
  g_test_add_func ("/message/build/chat-round-trip", test_build_chat_round_trip);

  g_test_add ("/messages/disco-features", Fixture, NULL, fixture_set_up, test_disco_features, fixture_tear_down);
  for (gsize i = 0; i < G_N_ELEMENTS (ack_cases); i++)
    g_test_add (ack_cases[i].name, Fixture, &ack_cases[i], fixture_set_up, test_ack, fixture_tear_down);
  g_test_add ("/messages/ack/table-bounded", Fixture, NULL, fixture_set_up, test_ack_table_bounded, fixture_tear_down);
  g_test_add ("/messages/corrections", Fixture, NULL, fixture_set_up, test_corrections, fixture_tear_down);
  g_test_add ("/messages/same-id-other-author", Fixture, NULL, fixture_set_up, test_same_id_other_author, fixture_tear_down);
  g_test_add ("/messages/own-correction", Fixture, NULL, fixture_set_up, test_own_correction, fixture_tear_down);
  g_test_add ("/messages/groupchat-never-verified", Fixture, NULL, fixture_set_up, test_groupchat_never_verified, fixture_tear_down);
  g_test_add ("/messages/misc-events", Fixture, NULL, fixture_set_up, test_misc_events, fixture_tear_down);
  g_test_add ("/messages/own-session-dropped", Fixture, NULL, fixture_set_up, test_own_session_dropped, fixture_tear_down);
  g_test_add ("/messages/carbon-wrapper-ignored", Fixture, NULL, fixture_set_up, test_carbon_wrapper_ignored, fixture_tear_down);

  return g_test_run ();
}
