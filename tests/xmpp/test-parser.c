/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"

#include <string.h>

#define NS_STREAM "http://etherx.jabber.org/streams"
#define HEADER \
  "<stream:stream xmlns='jabber:client' xmlns:stream='" NS_STREAM "'" \
  " from='example.com' id='s1' version='1.0' xml:lang='en'>"
#define DECL "<?xml version='1.0'?>"

/* Collects everything a parser reports, as text, so that runs can be
 * compared: "open" with the header, each stanza serialized without a
 * context namespace (so every namespace is spelled out), "close". */
typedef struct {
  ConfabXmppParser *parser;
  GPtrArray        *events;
  GPtrArray        *stanzas;
  ConfabXmppNode   *header;
  guint             n_opened;
  guint             n_closed;
  const char       *reset_on;   /* reset when a stanza of this name arrives */
  gboolean          reset_on_open;
} Collector;

static void
stream_opened_cb (ConfabXmppNode *header,
                  gpointer        user_data)
{
  Collector *c = user_data;
  g_autofree char *text = confab_xmpp_node_to_string (header, NULL);

  c->n_opened++;
  g_clear_pointer (&c->header, confab_xmpp_node_unref);
  c->header = confab_xmpp_node_ref (header);
  g_ptr_array_add (c->events, g_strconcat ("open ", text, NULL));
  if (c->reset_on_open)
    confab_xmpp_parser_reset (c->parser);
}

static void
stanza_cb (ConfabXmppNode *stanza,
           gpointer        user_data)
{
  Collector *c = user_data;
  g_autofree char *text = confab_xmpp_node_to_string (stanza, NULL);

  g_ptr_array_add (c->events, g_strconcat ("stanza ", text, NULL));
  g_ptr_array_add (c->stanzas, confab_xmpp_node_ref (stanza));
  if (c->reset_on != NULL && g_str_equal (confab_xmpp_node_get_name (stanza), c->reset_on))
    confab_xmpp_parser_reset (c->parser);
}

static void
stream_closed_cb (gpointer user_data)
{
  Collector *c = user_data;

  c->n_closed++;
  g_ptr_array_add (c->events, g_strdup ("close"));
}

static const ConfabXmppParserCallbacks callbacks = {
  .stream_opened = stream_opened_cb,
  .stanza = stanza_cb,
  .stream_closed = stream_closed_cb,
};

static Collector *
collector_new (void)
{
  Collector *c = g_new0 (Collector, 1);

  c->parser = confab_xmpp_parser_new (&callbacks, c);
  c->events = g_ptr_array_new_with_free_func (g_free);
  c->stanzas = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_node_unref);
  return c;
}

static void
collector_free (Collector *c)
{
  confab_xmpp_parser_free (c->parser);
  g_ptr_array_unref (c->events);
  g_ptr_array_unref (c->stanzas);
  g_clear_pointer (&c->header, confab_xmpp_node_unref);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collector, collector_free)

/* Feeds @input in pieces of @piece bytes (0: all at once); stops at the
 * first error. */
static gboolean
feed_pieces (Collector   *c,
             const char  *input,
             gsize        len,
             gsize        piece,
             GError     **error)
{
  if (piece == 0)
    piece = MAX (len, 1);
  for (gsize off = 0; off < len; off += piece)
    if (!confab_xmpp_parser_feed (c->parser, input + off, MIN (piece, len - off), error))
      return FALSE;
  return TRUE;
}

static Collector *
parse (const char  *input,
       GError     **error)
{
  Collector *c = collector_new ();

  feed_pieces (c, input, strlen (input), 0, error);
  return c;
}

static void
assert_same_events (GPtrArray *a,
                    GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a, i), ==, g_ptr_array_index (b, i));
}

/* Violations, as a table */

typedef struct {
  const char *name;
  const char *input;
  int         code;   /* ConfabXmppStreamError; 0 when the input is fine */
} ErrorCase;

#define LOLS "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"

static const ErrorCase error_cases[] = {
  /* RFC 6120 §11.1 */
  { "restricted/doctype", DECL "<!DOCTYPE stream:stream>" HEADER, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/doctype-system", "<!DOCTYPE s SYSTEM 'http://example.com/x.dtd'>" HEADER,
    CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/internal-subset-entity", "<!DOCTYPE s [<!ENTITY x 'y'>]>" HEADER "<message>&x;</message>",
    CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/external-entity",
    "<!DOCTYPE s [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>" HEADER "<message>&x;</message>",
    CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/parameter-entity", "<!DOCTYPE s [<!ENTITY % p '<!ENTITY x \"y\">'> %p;]>" HEADER,
    CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/billion-laughs",
    DECL "<!DOCTYPE lolz [<!ENTITY lol 'lol'>"
    "<!ENTITY lol1 '" LOLS "'>"
    "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>"
    "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>"
    "<!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>"
    "<!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>"
    "<!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>"
    "<!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>"
    "<!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>"
    "<!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>"
    "]>" HEADER "<message><body>&lol9;</body></message>",
    CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/pi-before-root", "<?foo bar?>" HEADER, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/pi-in-stanza", HEADER "<message><?foo bar?></message>", CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/xml-stylesheet", "<?xml-stylesheet href='a.css'?>" HEADER, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/comment-before-root", "<!-- hi -->" HEADER, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/comment-between-stanzas", HEADER "<!-- hi --><message/>", CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/comment-in-stanza", HEADER "<message><!-- hi --></message>", CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/undefined-entity", HEADER "<message><body>&nbsp;</body></message>",
    CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },
  { "restricted/undefined-entity-in-attribute", HEADER "<message to='&foo;'/>",
    CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML },

  /* Well-formedness */
  { "wf/mismatched-tags", HEADER "<message><body></message>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/unquoted-attribute", HEADER "<message to=a/>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/duplicate-attribute", HEADER "<message to='a' to='b'/>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/bare-ampersand", HEADER "<message><body>a & b</body></message><message>&amp;</message>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/lt-in-attribute", HEADER "<message to='a<b'/><message/>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/char-ref-zero", HEADER "<message><body>&#0;</body></message>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/char-ref-surrogate", HEADER "<message><body>&#xD800;</body></message>",
    CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/control-character", HEADER "<message><body>\x01</body></message>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/u-fffe", HEADER "<message><body>\xEF\xBF\xBE</body></message>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/bad-name", HEADER "<1message/>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/content-after-close", HEADER "</stream:stream><message/>", CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/text-before-root", "hello" HEADER, CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },
  { "wf/misplaced-declaration", " " DECL HEADER, CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED },

  /* Namespaces: RFC 6120 §4.8 */
  { "ns/root-not-stream", "<foo xmlns='" NS_STREAM "'>", CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE },
  { "ns/root-wrong-namespace", "<stream:stream xmlns:stream='http://example.com/streams'>",
    CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE },
  { "ns/root-no-namespace", "<stream>", CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE },
  { "ns/root-jabber-client", "<stream xmlns='jabber:client'>", CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE },
  { "ns/undeclared-stream-prefix", "<stream:stream xmlns='jabber:client'>",
    CONFAB_XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX },
  { "ns/undeclared-stanza-prefix", HEADER "<c:message/>", CONFAB_XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX },
  { "ns/root-unprefixed", "<stream xmlns='" NS_STREAM "'><message xmlns='jabber:client'/>", 0 },

  /* Encodings: RFC 6120 §11.6, and §4.9.3.22 for broken UTF-8 */
  { "encoding/declared-latin1", "<?xml version='1.0' encoding='ISO-8859-1'?>" HEADER,
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "encoding/declared-utf16", "<?xml version='1.0' encoding=\"UTF-16\"?>" HEADER,
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "encoding/declared-utf8", "<?xml version='1.0' encoding='UTF-8'?>" HEADER, 0 },
  { "encoding/declared-utf8-lowercase", "<?xml version=\"1.0\" encoding = \"utf-8\" ?>" HEADER, 0 },
  { "encoding/utf8-bom", "\xEF\xBB\xBF" DECL HEADER "<message/>", 0 },
  { "encoding/utf16le-bom", "\xFF\xFE<\0?\0x\0m\0l\0", CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "encoding/utf16be-bom", "\xFE\xFF\0<\0?\0x\0m\0l", CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "encoding/ebcdic", "\x4C\x6F\xA7\x94", CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/bad-continuation", HEADER "<message><body>\xC3\x28</body></message>",
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/lone-continuation", HEADER "<message><body>\x80</body></message>",
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/overlong", HEADER "<message><body>\xC0\xAF</body></message>",
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/overlong-3", HEADER "<message><body>\xE0\x80\xAF</body></message>",
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/surrogate", HEADER "<message><body>\xED\xA0\x80</body></message>",
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/above-10ffff", HEADER "<message><body>\xF4\x90\x80\x80</body></message>",
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/byte-ff", HEADER "<message><body>\xFF</body></message>", CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/truncated", HEADER "<message><body>\xE2\x82</body></message>",
    CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/in-attribute", HEADER "<message to='\xC3'/>", CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/in-name", HEADER "<m\xC3\x28/>", CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING },
  { "utf8/valid-astral", HEADER "<message><body>\xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA9</body></message>", 0 },
};

/* Runs a case whole, in two pieces at every offset and byte by byte: the
 * error code must never depend on how the bytes arrive, and after it every
 * feed must keep failing with the same code. */
static void
test_error_case (gconstpointer data)
{
  const ErrorCase *tc = data;
  gsize len = strlen (tc->input);
  gsize pieces[] = { 0, 1, 2, 3, 7 };

  /* Inputs with an embedded NUL (the UTF-16 ones) are shorter here; they
   * still say what they need to in the first bytes. */
  for (gsize i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      g_autoptr(Collector) c = collector_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) again = NULL;
      gboolean ok = feed_pieces (c, tc->input, len, pieces[i], &error);

      if (tc->code == 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpuint (c->n_opened, ==, 1);
          continue;
        }

      g_assert_false (ok);
      g_assert_error (error, CONFAB_XMPP_STREAM_ERROR, tc->code);
      g_assert_false (confab_xmpp_parser_feed (c->parser, "<message/>", 10, &again));
      g_assert_error (again, CONFAB_XMPP_STREAM_ERROR, tc->code);
    }

  for (gsize split = 0; split <= len; split++)
    {
      g_autoptr(Collector) c = collector_new ();
      g_autoptr(GError) error = NULL;

      if (confab_xmpp_parser_feed (c->parser, tc->input, split, &error))
        confab_xmpp_parser_feed (c->parser, tc->input + split, len - split, &error);
      if (tc->code == 0)
        g_assert_no_error (error);
      else
        g_assert_error (error, CONFAB_XMPP_STREAM_ERROR, tc->code);
    }
}

/* The whole stream with a UTF-16 declaration has NUL bytes, so the table
 * cannot hold it; this is the BOM-less UTF-16LE form of a stream header. */
static void
test_utf16_without_bom (void)
{
  static const char input[] = "<\0s\0t\0r\0e\0a\0m\0";
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (confab_xmpp_parser_feed (c->parser, input, sizeof input - 1, &error));
  g_assert_error (error, CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING);
}

static void
test_nul_byte (void)
{
  static const char input[] = HEADER "<message><body>a\0b</body></message>";
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (confab_xmpp_parser_feed (c->parser, input, sizeof input - 1, &error));
  g_assert_error (error, CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED);
  g_assert_cmpuint (c->stanzas->len, ==, 0);
}

/* Text and attribute values decode to what they say */

typedef struct {
  const char *name;
  const char *xml;      /* inside <message> */
  const char *text;     /* expected text of <body> */
  const char *attr;     /* expected value of <body a='…'>, or NULL */
} DecodeCase;

static const DecodeCase decode_cases[] = {
  { "predefined", "<body>&amp;&lt;&gt;&quot;&apos;</body>", "&<>\"'", NULL },
  { "predefined-attr", "<body a='&amp;&lt;&gt;&quot;&apos;'/>", "", "&<>\"'" },
  { "char-refs", "<body>&#65;&#x42;&#x20AC;&#x1F600;&#38;</body>", "AB\xE2\x82\xAC\xF0\x9F\x98\x80&", NULL },
  { "char-refs-attr", "<body a='&#65;&#x1F600;&#13;&#10;&#9;'/>", "", "A\xF0\x9F\x98\x80\r\n\t" },
  { "attr-normalization", "<body a='x\ty\nz'/>", "", "x y z" },
  { "cdata", "<body><![CDATA[<b>&amp;</b>]]></body>", "<b>&amp;</b>", NULL },
  { "crlf", "<body>a\r\nb\rc</body>", "a\nb\nc", NULL },
  { "cr-ref", "<body>a&#13;b</body>", "a\rb", NULL },
  { "utf8", "<body>gr\xC3\xBC\xC3\x9F \xE6\x97\xA5\xE6\x9C\xAC</body>", "gr\xC3\xBC\xC3\x9F \xE6\x97\xA5\xE6\x9C\xAC", NULL },
  { "gt-in-text", "<body>a > b ]] c</body>", "a > b ]] c", NULL },
  { "gt-in-attr", "<body a='>'/>", "", ">" },
  { "literal-char-ref-attr", "<body a='&amp;#38;'/>", "", "&#38;" },
  { "mixed", "<body>a<b>x</b>c</body>", "ac", NULL },
  { "empty", "<body/>", "", NULL },
};

static void
test_decode_case (gconstpointer data)
{
  const DecodeCase *tc = data;
  g_autofree char *input = g_strconcat (HEADER "<message>", tc->xml, "</message>", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse (input, &error);
  ConfabXmppNode *body;

  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
  body = confab_xmpp_node_get_child (g_ptr_array_index (c->stanzas, 0), "body", "jabber:client");
  g_assert_nonnull (body);
  g_assert_cmpstr (confab_xmpp_node_get_text (body), ==, tc->text);
  g_assert_cmpstr (confab_xmpp_node_get_attr (body, "a"), ==, tc->attr);
}

/* A representative stream, for split reads and round trips */

static const char representative[] =
  "\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8'?>\n"
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
  " from='example.com' id='++TR84Sm6A3hnt3Q065SnAbbk3Y=' version='1.0' xml:lang='en'>"
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
  "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>"
  "<mechanism>PLAIN</mechanism></mechanisms></stream:features>\n"
  "<message from='juliet@example.com/balcony' to='romeo@example.net' type='chat' id='m1'"
  " xml:lang='en'><body>Wherefore art thou, Romeo? &lt;3 &amp; \xE2\x9D\xA4\xEF\xB8\x8F &#x1F339;</body>"
  "<active xmlns='http://jabber.org/protocol/chatstates'/>"
  "<origin-id xmlns='urn:xmpp:sid:0' id='de305d54-75b4-431b-adb2-eb6b9e546014'/>"
  "<stanza-id xmlns='urn:xmpp:sid:0' id='5f3dbc5e' by='romeo@example.net'/>"
  "<delay xmlns='urn:xmpp:delay' from='example.com' stamp='2002-09-10T23:08:25Z'>Offline</delay>"
  "</message>  \n \t"
  "<c:presence xmlns:c='jabber:client' from='nurse@example.com/a'><c:show>away</c:show>"
  "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://confab.im'"
  " ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></c:presence>"
  "<iq type='result' id='r1' to='romeo@example.net/orchard'>"
  "<query xmlns='jabber:iq:roster' ver='ver11'>"
  "<item jid='juliet@example.com' name='Juliet &quot;Capulet&quot;' subscription='both'>"
  "<group>Friends</group><group>L&apos;amour</group></item>"
  "<item jid='benvolio@example.net' subscription='to'/></query></iq>"
  "<message xmlns:x='urn:example:x' x:flag='on' type='groupchat'><body><![CDATA[a<b>&c]]> d&#13;e</body>"
  "<x:data xmlns='urn:example:other'><field var='v'>1</field></x:data></message>"
  "</stream:stream>";

static Collector *
parse_representative_whole (void)
{
  g_autoptr(GError) error = NULL;
  Collector *c = collector_new ();

  g_assert_true (confab_xmpp_parser_feed (c->parser, representative, sizeof representative - 1, &error));
  g_assert_no_error (error);
  return c;
}

static void
test_representative (void)
{
  g_autoptr(Collector) c = parse_representative_whole ();
  ConfabXmppNode *message, *presence, *iq, *item, *last;

  g_assert_cmpuint (c->n_opened, ==, 1);
  g_assert_cmpuint (c->n_closed, ==, 1);
  g_assert_cmpuint (c->stanzas->len, ==, 5);

  g_assert_true (confab_xmpp_node_is (c->header, "stream", NS_STREAM));
  g_assert_cmpstr (confab_xmpp_node_get_attr (c->header, "id"), ==, "++TR84Sm6A3hnt3Q065SnAbbk3Y=");
  g_assert_cmpstr (confab_xmpp_node_get_attr (c->header, "version"), ==, "1.0");
  g_assert_cmpstr (confab_xmpp_node_get_attr (c->header, "xml:lang"), ==, "en");
  g_assert_null (confab_xmpp_node_get_first_child (c->header));

  g_assert_true (confab_xmpp_node_is (g_ptr_array_index (c->stanzas, 0), "features", NS_STREAM));

  message = g_ptr_array_index (c->stanzas, 1);
  g_assert_true (confab_xmpp_node_is (message, "message", "jabber:client"));
  g_assert_null (confab_xmpp_node_get_parent (message));
  g_assert_cmpstr (confab_xmpp_node_get_child_text (message, "body", "jabber:client"), ==,
                   "Wherefore art thou, Romeo? <3 & \xE2\x9D\xA4\xEF\xB8\x8F \xF0\x9F\x8C\xB9");
  g_assert_cmpstr (confab_xmpp_node_get_attr (message, "xml:lang"), ==, "en");
  g_assert_nonnull (confab_xmpp_node_get_child (message, "active", "http://jabber.org/protocol/chatstates"));
  g_assert_cmpstr (confab_xmpp_node_get_attr (confab_xmpp_node_get_child (message, "delay", "urn:xmpp:delay"),
                                              "stamp"), ==, "2002-09-10T23:08:25Z");

  presence = g_ptr_array_index (c->stanzas, 2);
  g_assert_true (confab_xmpp_node_is (presence, "presence", "jabber:client"));
  g_assert_cmpstr (confab_xmpp_node_get_child_text (presence, "show", "jabber:client"), ==, "away");
  g_assert_cmpstr (confab_xmpp_node_get_attr (confab_xmpp_node_get_child (presence, "c", NULL), "ver"), ==,
                   "QgayPKawpkPSDYmwT/WM94uAlu0=");

  iq = g_ptr_array_index (c->stanzas, 3);
  item = confab_xmpp_node_get_first_child (confab_xmpp_node_get_child (iq, "query", "jabber:iq:roster"));
  g_assert_cmpstr (confab_xmpp_node_get_attr (item, "name"), ==, "Juliet \"Capulet\"");
  g_assert_cmpstr (confab_xmpp_node_get_text (confab_xmpp_node_get_next_sibling (confab_xmpp_node_get_first_child (item))),
                   ==, "L'amour");
  g_assert_true (confab_xmpp_node_is (confab_xmpp_node_get_next_sibling (item), "item", "jabber:iq:roster"));

  last = g_ptr_array_index (c->stanzas, 4);
  g_assert_cmpstr (confab_xmpp_node_get_attr_ns (last, "flag", "urn:example:x"), ==, "on");
  g_assert_null (confab_xmpp_node_get_attr (last, "flag"));
  g_assert_cmpstr (confab_xmpp_node_get_child_text (last, "body", NULL), ==, "a<b>&c d\re");
  g_assert_true (confab_xmpp_node_is (confab_xmpp_node_get_child (last, "data", NULL), "data", "urn:example:x"));
  g_assert_true (confab_xmpp_node_is (confab_xmpp_node_get_first_child (confab_xmpp_node_get_child (last, "data", NULL)),
                                      "field", "urn:example:other"));
}

static void
test_split_everywhere (void)
{
  g_autoptr(Collector) whole = parse_representative_whole ();
  gsize len = sizeof representative - 1;

  for (gsize split = 0; split <= len; split++)
    {
      g_autoptr(Collector) c = collector_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (confab_xmpp_parser_feed (c->parser, representative, split, &error));
      g_assert_true (confab_xmpp_parser_feed (c->parser, representative + split, len - split, &error));
      g_assert_no_error (error);
      assert_same_events (whole->events, c->events);
    }
}

static void
test_byte_at_a_time (void)
{
  g_autoptr(Collector) whole = parse_representative_whole ();
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (feed_pieces (c, representative, sizeof representative - 1, 1, &error));
  g_assert_no_error (error);
  assert_same_events (whole->events, c->events);
  for (guint i = 0; i < whole->stanzas->len; i++)
    g_assert_true (confab_xmpp_node_equal (g_ptr_array_index (whole->stanzas, i),
                                           g_ptr_array_index (c->stanzas, i)));
}

static void
test_empty_feed (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_xmpp_parser_feed (c->parser, NULL, 0, &error));
  g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->events->len, ==, 0);
}

/* Serializing each stanza inside a client stream and parsing that again
 * gives the same trees. */
static void
test_round_trip (void)
{
  g_autoptr(Collector) first = parse_representative_whole ();
  g_autoptr(GString) again = g_string_new (HEADER);
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) second = NULL;

  for (guint i = 0; i < first->stanzas->len; i++)
    confab_xmpp_node_serialize (g_ptr_array_index (first->stanzas, i), "jabber:client", again);
  g_string_append (again, "</stream:stream>");

  second = parse (again->str, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->stanzas->len, ==, first->stanzas->len);
  for (guint i = 0; i < first->stanzas->len; i++)
    g_assert_true (confab_xmpp_node_equal (g_ptr_array_index (first->stanzas, i),
                                           g_ptr_array_index (second->stanzas, i)));
}

/* Text that needs every escape survives a round trip */
static void
test_round_trip_escaping (void)
{
  static const char *texts[] = {
    "plain", "a & b < c > d \" e ' f", "]]>", "line\r\nbreak\rcr", "tab\tand\nnewline",
    "&amp; literally", "\xF0\x9F\x98\x80 emoji", "  leading and trailing  ",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(ConfabXmppNode) message = confab_xmpp_node_new ("message", "jabber:client");
      g_autoptr(GString) stream = g_string_new (HEADER);
      g_autoptr(GError) error = NULL;
      g_autoptr(Collector) c = NULL;

      confab_xmpp_node_set_attr (message, "id", texts[i]);
      confab_xmpp_node_set_attr_ns (message, "lang", CONFAB_XMPP_NS_XML, texts[i]);
      confab_xmpp_node_set_attr_ns (message, "a", "urn:example:a", texts[i]);
      confab_xmpp_node_set_text (confab_xmpp_node_add_child (message, "body", NULL), texts[i]);
      confab_xmpp_node_serialize (message, "jabber:client", stream);

      c = parse (stream->str, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (c->stanzas->len, ==, 1);
      g_assert_true (confab_xmpp_node_equal (message, g_ptr_array_index (c->stanzas, 0)));
    }
}

/* Namespaces */

static void
test_prefixed_equals_unprefixed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse (HEADER
                                  "<c:message xmlns:c='jabber:client' to='a@b'><c:body>hi</c:body>"
                                  "<e:x xmlns:e='urn:x' e:n='1'/></c:message>"
                                  "<message to='a@b'><body>hi</body><x xmlns='urn:x' xmlns:p='urn:x' p:n='1'/></message>",
                                  &error);
  ConfabXmppNode *prefixed, *plain;

  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 2);
  prefixed = g_ptr_array_index (c->stanzas, 0);
  plain = g_ptr_array_index (c->stanzas, 1);
  g_assert_true (confab_xmpp_node_equal (prefixed, plain));
  g_assert_cmpstr (confab_xmpp_node_get_name (prefixed), ==, "message");
  g_assert_cmpstr (confab_xmpp_node_get_ns (prefixed), ==, "jabber:client");
  g_assert_cmpstr (confab_xmpp_node_get_ns (confab_xmpp_node_get_first_child (prefixed)), ==, "jabber:client");
}

static void
test_namespace_redefinition (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse (HEADER
                                  "<message><x xmlns='jabber:x:data'><field><value>1</value></field>"
                                  "<y xmlns=''/></x><body>b</body></message>",
                                  &error);
  ConfabXmppNode *message, *x, *field;

  g_assert_no_error (error);
  message = g_ptr_array_index (c->stanzas, 0);
  x = confab_xmpp_node_get_child (message, "x", NULL);
  field = confab_xmpp_node_get_child (x, "field", NULL);
  g_assert_cmpstr (confab_xmpp_node_get_ns (x), ==, "jabber:x:data");
  g_assert_cmpstr (confab_xmpp_node_get_ns (field), ==, "jabber:x:data");
  g_assert_cmpstr (confab_xmpp_node_get_ns (confab_xmpp_node_get_child (field, "value", NULL)), ==, "jabber:x:data");
  g_assert_null (confab_xmpp_node_get_ns (confab_xmpp_node_get_child (x, "y", NULL)));
  g_assert_cmpstr (confab_xmpp_node_get_ns (confab_xmpp_node_get_child (message, "body", NULL)), ==, "jabber:client");
}

static void
test_namespaced_attributes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse (HEADER "<message xmlns:foo='urn:foo' foo:bar='1' bar='2' xml:lang='de'/>", &error);
  ConfabXmppNode *message;

  g_assert_no_error (error);
  message = g_ptr_array_index (c->stanzas, 0);
  g_assert_cmpuint (confab_xmpp_node_get_n_attrs (message), ==, 3);
  g_assert_cmpstr (confab_xmpp_node_get_attr (message, "bar"), ==, "2");
  g_assert_cmpstr (confab_xmpp_node_get_attr_ns (message, "bar", "urn:foo"), ==, "1");
  g_assert_cmpstr (confab_xmpp_node_get_attr (message, "xml:lang"), ==, "de");
  g_assert_cmpstr (confab_xmpp_node_get_attr_ns (message, "lang", CONFAB_XMPP_NS_XML), ==, "de");
  g_assert_null (confab_xmpp_node_get_attr (message, "foo:bar"));
}

static void
test_namespace_with_ampersand (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse (HEADER "<m xmlns='urn:a&amp;b' xmlns:p='urn:c&#38;d' p:x='1'/>", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (confab_xmpp_node_get_ns (g_ptr_array_index (c->stanzas, 0)), ==, "urn:a&b");
  g_assert_cmpstr (confab_xmpp_node_get_attr_ns (g_ptr_array_index (c->stanzas, 0), "x", "urn:c&d"), ==, "1");
}

static void
test_stream_namespace_stanza (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse (HEADER "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                                  "</stream:error><stream:other/>", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 2);
  g_assert_true (confab_xmpp_node_is (g_ptr_array_index (c->stanzas, 0), "error", NS_STREAM));
  g_assert_true (confab_xmpp_node_is (g_ptr_array_index (c->stanzas, 1), "other", NS_STREAM));
}

/* Limits */

static char *
nested (guint depth)
{
  GString *s = g_string_new (HEADER);

  for (guint i = 0; i < depth; i++)
    g_string_append (s, "<a>");
  for (guint i = 0; i < depth; i++)
    g_string_append (s, "</a>");
  return g_string_free (s, FALSE);
}

static char *
with_attributes (guint n)
{
  GString *s = g_string_new (HEADER "<message");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, " a%u='%u'", i, i);
  g_string_append (s, "/>");
  return g_string_free (s, FALSE);
}

/* A stanza of exactly @size bytes: <message><body>xxx…</body></message> */
static char *
stanza_of_size (gsize size)
{
  static const char open[] = "<message><body>";
  static const char close[] = "</body></message>";
  gsize fill = size - (sizeof open - 1) - (sizeof close - 1);
  GString *s = g_string_new (open);

  for (gsize i = 0; i < fill; i++)
    g_string_append_c (s, 'x');
  g_string_append (s, close);
  g_assert_cmpuint (s->len, ==, size);
  return g_string_free (s, FALSE);
}

typedef struct {
  const char             *name;
  ConfabXmppParserLimits  limits;   /* zero fields: defaults */
  char                 *(*make) (guint n);
  guint                   n;
  gboolean                ok;
} LimitCase;

static char *
make_sized (guint n)
{
  g_autofree char *stanza = stanza_of_size (n);

  /* Between two small stanzas, so the marks around it are exercised. */
  return g_strconcat (HEADER "<a/>", stanza, "<b/>", NULL);
}

static const LimitCase limit_cases[] = {
  { "depth-default-ok", { 0 }, nested, 32, TRUE },
  { "depth-default-over", { 0 }, nested, 33, FALSE },
  { "depth-4-ok", { .max_depth = 4 }, nested, 4, TRUE },
  { "depth-4-over", { .max_depth = 4 }, nested, 5, FALSE },
  { "attributes-default-ok", { 0 }, with_attributes, 64, TRUE },
  { "attributes-default-over", { 0 }, with_attributes, 65, FALSE },
  /* The header has four attributes. */
  { "attributes-5-ok", { .max_attributes = 5 }, with_attributes, 5, TRUE },
  { "attributes-5-over", { .max_attributes = 5 }, with_attributes, 6, FALSE },
  { "attributes-200-ok", { .max_attributes = 200 }, with_attributes, 200, TRUE },
  { "size-100-ok", { .max_stanza_bytes = 100 }, make_sized, 100, TRUE },
  { "size-100-over", { .max_stanza_bytes = 100 }, make_sized, 101, FALSE },
  { "size-default-ok", { 0 }, make_sized, 1024 * 1024, TRUE },
  { "size-default-over", { 0 }, make_sized, 1024 * 1024 + 1, FALSE },
};

static void
test_limit_case (gconstpointer data)
{
  const LimitCase *tc = data;
  g_autofree char *input = tc->make (tc->n);
  gsize pieces[] = { 0, 1000, 4096 };

  for (gsize i = 0; i < G_N_ELEMENTS (pieces); i++)
    {
      g_autoptr(Collector) c = collector_new ();
      g_autoptr(GError) error = NULL;

      confab_xmpp_parser_set_limits (c->parser, &tc->limits);
      if (tc->ok)
        {
          g_assert_true (feed_pieces (c, input, strlen (input), pieces[i], &error));
          g_assert_no_error (error);
          g_assert_cmpuint (c->stanzas->len, >=, 1);
        }
      else
        {
          g_assert_false (feed_pieces (c, input, strlen (input), pieces[i], &error));
          g_assert_error (error, CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION);
        }
    }
}

/* A stanza that never ends is refused once it passes the limit, long before
 * it would have been buffered whole: text, an attribute value and a start
 * tag that goes on forever. */
static void
test_endless_stanza (void)
{
  static const struct { const char *name; const char *start; char fill; } cases[] = {
    { "text", "<message><body>", 'x' },
    { "attribute", "<message to='", 'x' },
    { "start-tag", "<message", ' ' },
    { "header", "<stream:stream xmlns:stream='" NS_STREAM "' to='", 'x' },
  };
  g_autofree char *chunk = g_strnfill (64 * 1024, 'x');

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Collector) c = collector_new ();
      g_autoptr(GError) error = NULL;
      gsize fed = 0;

      memset (chunk, cases[i].fill, 64 * 1024);
      if (i < 3)
        g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER, strlen (HEADER), NULL));
      g_assert_true (confab_xmpp_parser_feed (c->parser, cases[i].start, strlen (cases[i].start), NULL));
      while (confab_xmpp_parser_feed (c->parser, chunk, 64 * 1024, &error))
        {
          fed += 64 * 1024;
          g_assert_cmpuint (fed, <, 4 * 1024 * 1024);
        }
      g_test_message ("%s: refused after %" G_GSIZE_FORMAT " bytes", cases[i].name, fed);
      g_assert_error (error, CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION);
      g_assert_cmpuint (fed, >=, 1024 * 1024 - 64 * 1024);
    }
}

/* libxml2 checks attributes for duplicates pairwise: a start tag with a
 * hundred thousand attributes must be refused before libxml2 parses it. */
static void
test_many_attributes_refused_early (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) tag = g_string_new (HEADER "<message");
  ConfabXmppParserLimits limits = { .max_stanza_bytes = 8 * 1024 * 1024 };
  gint64 start;

  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (tag, " a%u=''", i);
  g_string_append (tag, "/>");

  confab_xmpp_parser_set_limits (c->parser, &limits);
  start = g_get_monotonic_time ();
  g_assert_false (feed_pieces (c, tag->str, tag->len, 4096, &error));
  g_assert_error (error, CONFAB_XMPP_STREAM_ERROR, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_test_message ("refused after %" G_GINT64_FORMAT " us", g_get_monotonic_time () - start);
}

/* Whitespace keepalives (RFC 6120 §4.6.1) never add up to a stanza. */
static void
test_whitespace_keepalives (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *spaces = g_strnfill (4096, ' ');
  ConfabXmppParserLimits limits = { .max_stanza_bytes = 1000 };

  confab_xmpp_parser_set_limits (c->parser, &limits);
  g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER, strlen (HEADER), &error));
  for (guint i = 0; i < 1000; i++)
    {
      g_assert_true (confab_xmpp_parser_feed (c->parser, spaces, 4096, &error));
      g_assert_true (confab_xmpp_parser_feed (c->parser, "<a/>", 4, &error));
      g_assert_true (confab_xmpp_parser_feed (c->parser, " ", 1, &error));
    }
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1000);
}

/* Stream life cycle */

static void
test_stream_close (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse (DECL HEADER "<message/></stream:stream>", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (c->n_opened, ==, 1);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
  g_assert_cmpuint (c->n_closed, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (c->events, 2), ==, "close");
  /* Whitespace after the end is fine. */
  g_assert_true (confab_xmpp_parser_feed (c->parser, " \n", 2, &error));
  g_assert_no_error (error);
}

static void
test_stream_close_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse ("<stream:stream xmlns:stream='" NS_STREAM "'/>", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (c->n_opened, ==, 1);
  g_assert_cmpuint (c->n_closed, ==, 1);
}

typedef struct {
  const char *name;
  gsize       piece;      /* how the first stream is fed; 0: at once */
} ResetCase;

static const ResetCase reset_cases[] = {
  { "whole", 0 },
  { "bytes", 1 },
  { "pieces-5", 5 },
  { "pieces-64", 64 },
};

/* STARTTLS (RFC 6120 §5.4.3.3): on <proceed/> the stream resets; whatever
 * followed it in the same read is plaintext injected ahead of the TLS
 * handshake and must be dropped. */
static void
test_reset_in_callback (gconstpointer data)
{
  const ResetCase *tc = data;
  gsize piece = tc->piece != 0 ? tc->piece : G_MAXSIZE / 2;
  static const char first[] =
    HEADER "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
    "<message><body>injected</body></message>";
  static const char second[] =
    DECL "<stream:stream xmlns='jabber:client' xmlns:stream='" NS_STREAM "' id='s2' version='1.0'>"
    "<message><body>after</body></message>";
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  /* Feed as the stream would: read by read until the reset, then no more
   * of the old stream (TLS starts). */
  c->reset_on = "proceed";
  for (gsize off = 0; off < sizeof first - 1 && c->stanzas->len == 0; off += piece)
    g_assert_true (confab_xmpp_parser_feed (c->parser, first + off, MIN (piece, sizeof first - 1 - off), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);

  g_assert_true (confab_xmpp_parser_feed (c->parser, second, sizeof second - 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->n_opened, ==, 2);
  g_assert_cmpstr (confab_xmpp_node_get_attr (c->header, "id"), ==, "s2");
  g_assert_cmpuint (c->stanzas->len, ==, 2);
  g_assert_cmpstr (confab_xmpp_node_get_child_text (g_ptr_array_index (c->stanzas, 1), "body", NULL), ==, "after");
}

/* Even garbage after the reset point is dropped, not an error. */
static void
test_reset_discards_garbage (void)
{
  static const char input[] = HEADER "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/><<<&&& \xFF\xFE";
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  c->reset_on = "success";
  g_assert_true (confab_xmpp_parser_feed (c->parser, input, sizeof input - 1, &error));
  g_assert_no_error (error);
  g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER, strlen (HEADER), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->n_opened, ==, 2);
}

static void
test_reset_in_stream_opened (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  c->reset_on_open = TRUE;
  g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER "<message/>", strlen (HEADER "<message/>"), &error));
  g_assert_cmpuint (c->stanzas->len, ==, 0);
  g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER, strlen (HEADER), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->n_opened, ==, 2);
}

static void
test_reset_outside_callback (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER "<message><body>half",
                                          strlen (HEADER "<message><body>half"), &error));
  confab_xmpp_parser_reset (c->parser);
  g_assert_true (confab_xmpp_parser_feed (c->parser, DECL HEADER "<message/>", strlen (DECL HEADER "<message/>"), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);

  /* A reset also forgets an error: it is a new stream. */
  g_assert_false (confab_xmpp_parser_feed (c->parser, "<!-- x -->", 10, &error));
  g_clear_error (&error);
  confab_xmpp_parser_reset (c->parser);
  g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER, strlen (HEADER), &error));
  g_assert_no_error (error);
}

/* A partly built stanza is freed with the parser. */
static void
test_free_mid_stanza (void)
{
  static const char input[] = HEADER "<message><body>x</body><a><b>text";
  Collector *c = collector_new ();

  g_assert_true (confab_xmpp_parser_feed (c->parser, input, sizeof input - 1, NULL));
  g_assert_cmpuint (c->stanzas->len, ==, 0);
  collector_free (c);
}

/* The stanza callback owns nothing unless it refs. */
static void
test_stanza_outlives_parser (void)
{
  g_autoptr(ConfabXmppNode) kept = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(Collector) c = parse (HEADER "<message><body>kept</body></message>", &error);

    kept = confab_xmpp_node_ref (g_ptr_array_index (c->stanzas, 0));
  }
  g_assert_no_error (error);
  g_assert_cmpstr (confab_xmpp_node_get_child_text (kept, "body", NULL), ==, "kept");
}

/* Names the peer chooses are copied, never interned: interned strings live
 * forever, so new names in every stanza would grow memory without bound. */
static void
test_names_not_interned (void)
{
  g_autofree char *name = g_strdup_printf ("n%08x", g_random_int ());
  g_autofree char *ns = g_strdup_printf ("urn:%08x", g_random_int ());
  g_autofree char *input = g_strdup_printf (HEADER "<%s xmlns='%s' %s='1' xml:%s='2'/>", name, ns, name, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(Collector) c = parse (input, &error);
  ConfabXmppNode *stanza;

  g_assert_no_error (error);
  stanza = g_ptr_array_index (c->stanzas, 0);
  g_assert_true (confab_xmpp_node_is (stanza, name, ns));
  g_assert_cmpstr (confab_xmpp_node_get_attr (stanza, name), ==, "1");
  g_assert_cmpstr (confab_xmpp_node_get_attr_ns (stanza, name, CONFAB_XMPP_NS_XML), ==, "2");
  g_assert_cmpuint (g_quark_try_string (name), ==, 0);
  g_assert_cmpuint (g_quark_try_string (ns), ==, 0);
}

/* Many small characters() calls build text in linear time. */
static void
test_long_text_in_pieces (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);

  g_assert_true (confab_xmpp_parser_feed (c->parser, HEADER "<message><body>", strlen (HEADER "<message><body>"), &error));
  for (guint i = 0; i < 100000; i++)
    {
      /* An entity splits the text into separate characters() calls. */
      g_assert_true (confab_xmpp_parser_feed (c->parser, "ab&amp;", 7, &error));
      g_string_append (expected, "ab&");
    }
  g_assert_true (confab_xmpp_parser_feed (c->parser, "</body></message>", 17, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (confab_xmpp_node_get_child_text (g_ptr_array_index (c->stanzas, 0), "body", NULL), ==,
                   expected->str);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/parser/input/%s", error_cases[i].name);

      g_test_add_data_func (path, &error_cases[i], test_error_case);
    }
  g_test_add_func ("/xmpp/parser/input/encoding/utf16-without-bom", test_utf16_without_bom);
  g_test_add_func ("/xmpp/parser/input/wf/nul-byte", test_nul_byte);

  for (gsize i = 0; i < G_N_ELEMENTS (decode_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/parser/decode/%s", decode_cases[i].name);

      g_test_add_data_func (path, &decode_cases[i], test_decode_case);
    }

  g_test_add_func ("/xmpp/parser/stream/representative", test_representative);
  g_test_add_func ("/xmpp/parser/stream/split-everywhere", test_split_everywhere);
  g_test_add_func ("/xmpp/parser/stream/byte-at-a-time", test_byte_at_a_time);
  g_test_add_func ("/xmpp/parser/stream/empty-feed", test_empty_feed);
  g_test_add_func ("/xmpp/parser/stream/close", test_stream_close);
  g_test_add_func ("/xmpp/parser/stream/close-empty", test_stream_close_empty);
  g_test_add_func ("/xmpp/parser/stream/free-mid-stanza", test_free_mid_stanza);
  g_test_add_func ("/xmpp/parser/stream/stanza-outlives-parser", test_stanza_outlives_parser);
  g_test_add_func ("/xmpp/parser/stream/long-text-in-pieces", test_long_text_in_pieces);
  g_test_add_func ("/xmpp/parser/stream/names-not-interned", test_names_not_interned);
  g_test_add_func ("/xmpp/parser/round-trip/stream", test_round_trip);
  g_test_add_func ("/xmpp/parser/round-trip/escaping", test_round_trip_escaping);
  g_test_add_func ("/xmpp/parser/ns/prefixed-equals-unprefixed", test_prefixed_equals_unprefixed);
  g_test_add_func ("/xmpp/parser/ns/redefinition", test_namespace_redefinition);
  g_test_add_func ("/xmpp/parser/ns/attributes", test_namespaced_attributes);
  g_test_add_func ("/xmpp/parser/ns/stream-namespace-stanza", test_stream_namespace_stanza);
  g_test_add_func ("/xmpp/parser/ns/ampersand", test_namespace_with_ampersand);

  for (gsize i = 0; i < G_N_ELEMENTS (limit_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/parser/limits/%s", limit_cases[i].name);

      g_test_add_data_func (path, &limit_cases[i], test_limit_case);
    }
  g_test_add_func ("/xmpp/parser/limits/endless-stanza", test_endless_stanza);
  g_test_add_func ("/xmpp/parser/limits/many-attributes-refused-early", test_many_attributes_refused_early);
  g_test_add_func ("/xmpp/parser/limits/whitespace-keepalives", test_whitespace_keepalives);

  for (gsize i = 0; i < G_N_ELEMENTS (reset_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/parser/reset/in-callback/%s", reset_cases[i].name);

      g_test_add_data_func (path, &reset_cases[i], test_reset_in_callback);
    }
  g_test_add_func ("/xmpp/parser/reset/discards-garbage", test_reset_discards_garbage);
  g_test_add_func ("/xmpp/parser/reset/in-stream-opened", test_reset_in_stream_opened);
  g_test_add_func ("/xmpp/parser/reset/outside-callback", test_reset_outside_callback);

  return g_test_run ();
}
