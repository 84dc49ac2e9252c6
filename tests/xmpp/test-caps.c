/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Entity capabilities hashes: the example vectors of XEP-0115 §5.2/§5.3 and
 * XEP-0390 §4.5, the validity rules of XEP-0115 §5.4 and XEP-0390 §4.1,
 * and our own announcement. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-parser.h"
#include "xep-0030-disco.h"
#include "xep-0115-caps.h"

#define DISCO_INFO "http://jabber.org/protocol/disco#info"

/* ---- Helpers ----------------------------------------------------------------- */

static void
keep_stanza_cb (ConfabXmppNode *stanza,
                gpointer        user_data)
{
  ConfabXmppNode **out = user_data;

  g_assert_null (*out);
  *out = confab_xmpp_node_ref (stanza);
}

/* Parses @xml (one element) the way the stream would. */
static ConfabXmppNode *
parse_xml (const char *xml)
{
  static const char header[] = "<stream:stream xmlns='jabber:client'"
                               " xmlns:stream='http://etherx.jabber.org/streams'>";
  ConfabXmppParserCallbacks callbacks = { .stanza = keep_stanza_cb };
  ConfabXmppNode *node = NULL;
  g_autoptr(ConfabXmppParser) parser = confab_xmpp_parser_new (&callbacks, &node);
  g_autoptr(GError) error = NULL;

  g_assert_true (confab_xmpp_parser_feed (parser, header, strlen (header), &error));
  g_assert_true (confab_xmpp_parser_feed (parser, xml, strlen (xml), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static ConfabDiscoInfo *
parse_info (const char *xml)
{
  g_autoptr(ConfabXmppNode) query = parse_xml (xml);
  g_autoptr(GError) error = NULL;
  ConfabDiscoInfo *info = confab_disco_info_parse (query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (info);
  return info;
}

/* ---- XEP-0115 §5.2 and §5.3 --------------------------------------------------- */

static void
test_xep0115_simple (void)
{
  g_autoptr(ConfabDiscoInfo) info = confab_disco_info_new (NULL);
  g_autoptr(GBytes) s = NULL;
  g_autofree char *ver = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected_s = "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<"
                           "http://jabber.org/protocol/disco#info<"
                           "http://jabber.org/protocol/disco#items<"
                           "http://jabber.org/protocol/muc<";

  /* XEP-0115 §5.2, features deliberately unsorted. */
  g_assert_true (confab_disco_info_add_identity (info, "client", "pc", NULL, "Exodus 0.9.1"));
  g_assert_true (confab_disco_info_add_feature (info, "http://jabber.org/protocol/disco#items"));
  g_assert_true (confab_disco_info_add_feature (info, "http://jabber.org/protocol/muc"));
  g_assert_true (confab_disco_info_add_feature (info, "http://jabber.org/protocol/disco#info"));
  g_assert_true (confab_disco_info_add_feature (info, "http://jabber.org/protocol/caps"));

  s = confab_xep_caps_build_string (info, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (s, NULL), g_bytes_get_size (s), expected_s, strlen (expected_s));
  ver = confab_xep_caps_compute_ver (info, G_CHECKSUM_SHA1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ver, ==, "QgayPKawpkPSDYmwT/WM94uAlu0=");
}

#define XEP0115_COMPLEX \
  "<query xmlns='http://jabber.org/protocol/disco#info'" \
  "       node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>" \
  "  <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>" \
  "  <identity xml:lang='el' category='client' name='\xce\xa8 0.11' type='pc'/>" \
  "  <feature var='http://jabber.org/protocol/caps'/>" \
  "  <feature var='http://jabber.org/protocol/disco#info'/>" \
  "  <feature var='http://jabber.org/protocol/disco#items'/>" \
  "  <feature var='http://jabber.org/protocol/muc'/>" \
  "  <x xmlns='jabber:x:data' type='result'>" \
  "    <field var='FORM_TYPE' type='hidden'>" \
  "      <value>urn:xmpp:dataforms:softwareinfo</value>" \
  "    </field>" \
  "    <field var='ip_version'><value>ipv4</value><value>ipv6</value></field>" \
  "    <field var='os'><value>Mac</value></field>" \
  "    <field var='os_version'><value>10.5.1</value></field>" \
  "    <field var='software'><value>Psi</value></field>" \
  "    <field var='software_version'><value>0.11</value></field>" \
  "  </x>" \
  "</query>"

static void
test_xep0115_complex (void)
{
  g_autoptr(ConfabDiscoInfo) info = parse_info (XEP0115_COMPLEX);
  g_autoptr(GBytes) s = NULL;
  g_autofree char *ver = NULL;
  g_autoptr(GError) error = NULL;
  const char *expected_s =
    "client/pc/el/\xce\xa8 0.11<client/pc/en/Psi 0.11<http://jabber.org/protocol/caps<"
    "http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<"
    "http://jabber.org/protocol/muc<urn:xmpp:dataforms:softwareinfo<"
    "ip_version<ipv4<ipv6<os<Mac<os_version<10.5.1<software<Psi<software_version<0.11<";

  g_assert_cmpuint (confab_disco_info_get_n_identities (info), ==, 2);
  g_assert_cmpuint (confab_disco_info_get_n_forms (info), ==, 1);
  g_assert_cmpstr (confab_disco_info_get_form_type (info, 0), ==, "urn:xmpp:dataforms:softwareinfo");

  s = confab_xep_caps_build_string (info, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (s, NULL), g_bytes_get_size (s), expected_s, strlen (expected_s));
  ver = confab_xep_caps_compute_ver (info, G_CHECKSUM_SHA1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ver, ==, "q07IKJEyjvHSyhy//CH0CxmKi8w=");
}

/* ---- XEP-0115 §5.4 validity ----------------------------------------------------- */

typedef struct {
  const char *name;
  const char *forms;        /* XEP-0128 forms appended to the §5.2 query */
  gboolean    valid;
  gboolean    same_as_bare; /* the forms are ignored */
} ValidityCase;

#define FORM(type, body) "<x xmlns='jabber:x:data' type='result'>" body "</x>"
#define HIDDEN_FT(v) "<field var='FORM_TYPE' type='hidden'><value>" v "</value></field>"

static const ValidityCase validity_cases[] = {
  { "no-forms", "", TRUE, TRUE },
  { "form-without-form-type", FORM ("result", "<field var='a'><value>1</value></field>"), TRUE, TRUE },
  { "form-type-not-hidden",
    FORM ("result", "<field var='FORM_TYPE'><value>urn:x</value></field><field var='a'><value>1</value></field>"),
    TRUE, TRUE },
  { "one-form", FORM ("result", HIDDEN_FT ("urn:x") "<field var='a'><value>1</value></field>"), TRUE, FALSE },
  { "duplicate-form-type",
    FORM ("result", HIDDEN_FT ("urn:x")) FORM ("result", HIDDEN_FT ("urn:x")), FALSE, FALSE },
  { "form-type-two-values",
    FORM ("result", "<field var='FORM_TYPE' type='hidden'><value>urn:x</value><value>urn:y</value></field>"),
    FALSE, FALSE },
  { "form-type-same-value-twice",
    FORM ("result", "<field var='FORM_TYPE' type='hidden'><value>urn:x</value><value>urn:x</value></field>"),
    TRUE, FALSE },
  { "two-form-type-fields", FORM ("result", HIDDEN_FT ("urn:x") HIDDEN_FT ("urn:y")), FALSE, FALSE },
  { "field-without-var", FORM ("result", HIDDEN_FT ("urn:x") "<field type='fixed'><value>t</value></field>"),
    FALSE, FALSE },
};

#define SIMPLE_QUERY_START \
  "<query xmlns='http://jabber.org/protocol/disco#info'>" \
  "<identity category='client' type='pc' name='Exodus 0.9.1'/>" \
  "<feature var='http://jabber.org/protocol/caps'/>" \
  "<feature var='http://jabber.org/protocol/disco#info'/>" \
  "<feature var='http://jabber.org/protocol/disco#items'/>" \
  "<feature var='http://jabber.org/protocol/muc'/>"

static void
test_xep0115_validity (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (validity_cases); i++)
    {
      const ValidityCase *tc = &validity_cases[i];
      g_autofree char *xml = g_strconcat (SIMPLE_QUERY_START, tc->forms, "</query>", NULL);
      g_autoptr(ConfabDiscoInfo) info = parse_info (xml);
      g_autoptr(GError) error = NULL;
      g_autofree char *ver = confab_xep_caps_compute_ver (info, G_CHECKSUM_SHA1, &error);

      g_test_message ("case %s", tc->name);
      if (!tc->valid)
        {
          g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
          g_assert_null (ver);
          continue;
        }
      g_assert_no_error (error);
      if (tc->same_as_bare)
        g_assert_cmpstr (ver, ==, "QgayPKawpkPSDYmwT/WM94uAlu0=");
      else
        g_assert_cmpstr (ver, !=, "QgayPKawpkPSDYmwT/WM94uAlu0=");
    }
}

/* Duplicates never reach the hash: the parser rejects them (§5.4 steps
 * 3.3 and 3.4). */
static void
test_xep0115_duplicates_rejected (void)
{
  const char *cases[] = {
    SIMPLE_QUERY_START "<feature var='http://jabber.org/protocol/muc'/></query>",
    SIMPLE_QUERY_START "<identity category='client' type='pc' name='Exodus 0.9.1'/></query>",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConfabXmppNode) query = parse_xml (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabDiscoInfo) info = confab_disco_info_parse (query, &error);

      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
      g_assert_null (info);
    }
  /* Same category/type but another language is a different identity. */
  {
    g_autoptr(ConfabDiscoInfo) info =
      parse_info (SIMPLE_QUERY_START "<identity category='client' type='pc' xml:lang='de' name='Exodus 0.9.1'/></query>");

    g_assert_cmpuint (confab_disco_info_get_n_identities (info), ==, 2);
  }
}

/* ---- XEP-0390 §4.5 ------------------------------------------------------------- */

#define XEP0390_SIMPLE \
  "<query xmlns='http://jabber.org/protocol/disco#info'>" \
  "  <identity category='client' name='BombusMod' type='mobile'/>" \
  "  <feature var='http://jabber.org/protocol/si'/>" \
  "  <feature var='http://jabber.org/protocol/bytestreams'/>" \
  "  <feature var='http://jabber.org/protocol/chatstates'/>" \
  "  <feature var='http://jabber.org/protocol/disco#info'/>" \
  "  <feature var='http://jabber.org/protocol/disco#items'/>" \
  "  <feature var='urn:xmpp:ping'/>" \
  "  <feature var='jabber:iq:time'/>" \
  "  <feature var='jabber:iq:privacy'/>" \
  "  <feature var='jabber:iq:version'/>" \
  "  <feature var='http://jabber.org/protocol/rosterx'/>" \
  "  <feature var='urn:xmpp:time'/>" \
  "  <feature var='jabber:x:oob'/>" \
  "  <feature var='http://jabber.org/protocol/ibb'/>" \
  "  <feature var='http://jabber.org/protocol/si/profile/file-transfer'/>" \
  "  <feature var='urn:xmpp:receipts'/>" \
  "  <feature var='jabber:iq:roster'/>" \
  "  <feature var='jabber:iq:last'/>" \
  "</query>"

#define XEP0390_COMPLEX \
  "<query xmlns='http://jabber.org/protocol/disco#info'>" \
  "  <identity category='client' name='Tkabber' type='pc' xml:lang='en'/>" \
  "  <identity category='client' name='\xd0\xa2\xd0\xba\xd0\xb0\xd0\xb1\xd0\xb1\xd0\xb5\xd1\x80'" \
  "            type='pc' xml:lang='ru'/>" \
  "  <feature var='games:board'/>" \
  "  <feature var='http://jabber.org/protocol/activity'/>" \
  "  <feature var='http://jabber.org/protocol/activity+notify'/>" \
  "  <feature var='http://jabber.org/protocol/bytestreams'/>" \
  "  <feature var='http://jabber.org/protocol/chatstates'/>" \
  "  <feature var='http://jabber.org/protocol/commands'/>" \
  "  <feature var='http://jabber.org/protocol/disco#info'/>" \
  "  <feature var='http://jabber.org/protocol/disco#items'/>" \
  "  <feature var='http://jabber.org/protocol/evil'/>" \
  "  <feature var='http://jabber.org/protocol/feature-neg'/>" \
  "  <feature var='http://jabber.org/protocol/geoloc'/>" \
  "  <feature var='http://jabber.org/protocol/geoloc+notify'/>" \
  "  <feature var='http://jabber.org/protocol/ibb'/>" \
  "  <feature var='http://jabber.org/protocol/iqibb'/>" \
  "  <feature var='http://jabber.org/protocol/mood'/>" \
  "  <feature var='http://jabber.org/protocol/mood+notify'/>" \
  "  <feature var='http://jabber.org/protocol/rosterx'/>" \
  "  <feature var='http://jabber.org/protocol/si'/>" \
  "  <feature var='http://jabber.org/protocol/si/profile/file-transfer'/>" \
  "  <feature var='http://jabber.org/protocol/tune'/>" \
  "  <feature var='http://www.facebook.com/xmpp/messages'/>" \
  "  <feature var='http://www.xmpp.org/extensions/xep-0084.html#ns-metadata+notify'/>" \
  "  <feature var='jabber:iq:avatar'/>" \
  "  <feature var='jabber:iq:browse'/>" \
  "  <feature var='jabber:iq:dtcp'/>" \
  "  <feature var='jabber:iq:filexfer'/>" \
  "  <feature var='jabber:iq:ibb'/>" \
  "  <feature var='jabber:iq:inband'/>" \
  "  <feature var='jabber:iq:jidlink'/>" \
  "  <feature var='jabber:iq:last'/>" \
  "  <feature var='jabber:iq:oob'/>" \
  "  <feature var='jabber:iq:privacy'/>" \
  "  <feature var='jabber:iq:roster'/>" \
  "  <feature var='jabber:iq:time'/>" \
  "  <feature var='jabber:iq:version'/>" \
  "  <feature var='jabber:x:data'/>" \
  "  <feature var='jabber:x:event'/>" \
  "  <feature var='jabber:x:oob'/>" \
  "  <feature var='urn:xmpp:avatar:metadata+notify'/>" \
  "  <feature var='urn:xmpp:ping'/>" \
  "  <feature var='urn:xmpp:receipts'/>" \
  "  <feature var='urn:xmpp:time'/>" \
  "  <x xmlns='jabber:x:data' type='result'>" \
  "    <field type='hidden' var='FORM_TYPE'>" \
  "      <value>urn:xmpp:dataforms:softwareinfo</value>" \
  "    </field>" \
  "    <field var='software'><value>Tkabber</value></field>" \
  "    <field var='software_version'>" \
  "      <value>0.11.1-svn-20111216-mod (Tcl/Tk 8.6b2)</value>" \
  "    </field>" \
  "    <field var='os'><value>Windows</value></field>" \
  "    <field var='os_version'><value>XP</value></field>" \
  "  </x>" \
  "</query>"

typedef struct {
  const char *name;
  const char *xml;
  gsize       input_length;   /* from the hexdumps in §4.5 */
  const char *input_tail;     /* the last bytes of the input */
  const char *sha256;
} Caps2Vector;

static const Caps2Vector caps2_vectors[] = {
  { "simple", XEP0390_SIMPLE, 0x1d9,
    "urn:xmpp:time\x1f\x1c" "client\x1fmobile\x1f\x1f" "BombusMod\x1f\x1e\x1c\x1c",
    "kzBZbkqJ3ADrj7v08reD1qcWUwNGHaidNUgD7nHpiw8=" },
  { "complex", XEP0390_COMPLEX, 0x543,
    "os\x1fWindows\x1f\x1e" "os_version\x1fXP\x1f\x1e" "software\x1fTkabber\x1f\x1e"
    "software_version\x1f" "0.11.1-svn-20111216-mod (Tcl/Tk 8.6b2)\x1f\x1e\x1d\x1c",
    "u79ZroNJbdSWhdSp311mddz44oHHPsEBntQ5b1jqBSY=" },
};

static void
test_xep0390_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (caps2_vectors); i++)
    {
      const Caps2Vector *v = &caps2_vectors[i];
      g_autoptr(ConfabDiscoInfo) info = parse_info (v->xml);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) input = confab_xep_caps2_build_input (info, &error);
      g_autofree char *hash = NULL;
      gsize tail = strlen (v->input_tail);
      const guint8 *data;

      g_test_message ("vector %s", v->name);
      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (input), ==, v->input_length);
      data = g_bytes_get_data (input, NULL);
      g_assert_cmpmem (data + v->input_length - tail, tail, v->input_tail, tail);
      hash = confab_xep_caps2_compute_hash (info, G_CHECKSUM_SHA256, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (hash, ==, v->sha256);
    }
}

static void
test_xep0390_features_string (void)
{
  g_autoptr(ConfabDiscoInfo) info = parse_info (XEP0390_SIMPLE);
  g_autoptr(GBytes) input = confab_xep_caps2_build_input (info, NULL);
  /* §4.5.1: the Features String starts with the sorted features. */
  const char *head = "http://jabber.org/protocol/bytestreams\x1fhttp://jabber.org/protocol/chatstates\x1f";

  g_assert_nonnull (input);
  g_assert_cmpmem (g_bytes_get_data (input, NULL), strlen (head), head, strlen (head));
}

typedef struct {
  const char *name;
  const char *extra;
} Caps2Invalid;

/* XEP-0390 §4.1 steps 1-3. */
static const Caps2Invalid caps2_invalid[] = {
  { "foreign-element", "<foo xmlns='urn:example'/>" },
  { "reported", FORM ("result", HIDDEN_FT ("urn:x") "<reported><field var='a'/></reported>") },
  { "item", FORM ("result", HIDDEN_FT ("urn:x") "<item><field var='a'><value>1</value></field></item>") },
  { "no-form-type", FORM ("result", "<field var='a'><value>1</value></field>") },
  { "form-type-not-hidden", FORM ("result", "<field var='FORM_TYPE'><value>urn:x</value></field>") },
  { "form-type-conflict", FORM ("result", HIDDEN_FT ("urn:x") HIDDEN_FT ("urn:y")) },
};

static void
test_xep0390_invalid (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (caps2_invalid); i++)
    {
      g_autofree char *xml = g_strconcat (SIMPLE_QUERY_START, caps2_invalid[i].extra, "</query>", NULL);
      g_autoptr(ConfabDiscoInfo) info = parse_info (xml);
      g_autoptr(GError) error = NULL;
      g_autofree char *hash = confab_xep_caps2_compute_hash (info, G_CHECKSUM_SHA256, &error);

      g_test_message ("case %s", caps2_invalid[i].name);
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
      g_assert_null (hash);
    }
}

static void
test_hash_names (void)
{
  const struct { const char *name; gboolean ok; GChecksumType type; } cases[] = {
    { "sha-1", TRUE, G_CHECKSUM_SHA1 },
    { "sha-256", TRUE, G_CHECKSUM_SHA256 },
    { "sha-512", TRUE, G_CHECKSUM_SHA512 },
    { "sha3-256", FALSE, 0 },     /* GChecksum has no SHA-3 */
    { "blake2b-256", FALSE, 0 },
    { "SHA-256", FALSE, 0 },      /* XEP-0300 names are lowercase */
    { "md5", FALSE, 0 },
    { "", FALSE, 0 },
    { NULL, FALSE, 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GChecksumType type = (GChecksumType) -1;

      g_assert_cmpint (confab_xep_caps_hash_from_name (cases[i].name, &type), ==, cases[i].ok);
      if (cases[i].ok)
        g_assert_cmpint (type, ==, cases[i].type);
    }
}

/* ---- Our own announcement ------------------------------------------------------- */

typedef struct {
  ConfabXmppStream *stream;
  ConfabXepDisco   *disco;
  ConfabXepCaps    *caps;
  guint             ver_notifications;
} Fixture;

static void
ver_notify_cb (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
  Fixture *f = user_data;

  f->ver_notifications++;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ConfabJid) jid = confab_jid_parse ("romeo@montague.example", NULL);

  f->stream = confab_xmpp_stream_new (jid);
  f->disco = confab_xep_disco_new ();
  f->caps = confab_xep_caps_new ();
  g_signal_connect (f->caps, "notify::ver", G_CALLBACK (ver_notify_cb), f);
  confab_xmpp_stream_add_module (f->stream, CONFAB_XMPP_MODULE (f->disco));
  confab_xmpp_stream_add_module (f->stream, CONFAB_XMPP_MODULE (f->caps));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->stream);
  g_clear_object (&f->caps);
  g_clear_object (&f->disco);
}

static void
test_own_presence (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ConfabDiscoInfo) own = confab_xep_disco_get_own_info (f->disco);
  g_autofree char *ver = confab_xep_caps_compute_ver (own, G_CHECKSUM_SHA1, NULL);
  g_autofree char *hash = confab_xep_caps2_compute_hash (own, G_CHECKSUM_SHA256, NULL);
  g_autoptr(ConfabXmppNode) presence = confab_xmpp_node_new ("presence", CONFAB_XMPP_NS_CLIENT);
  g_autofree char *caps_node = NULL;
  g_autofree char *caps2_node = NULL;
  ConfabXmppNode *c;
  ConfabXmppNode *h;

  /* Our features include the caps namespaces once caps is attached. */
  g_assert_true (confab_disco_info_has_feature (own, CONFAB_XEP_CAPS_NS));
  g_assert_true (confab_disco_info_has_feature (own, CONFAB_XEP_CAPS2_NS));
  g_assert_true (confab_disco_info_has_feature (own, DISCO_INFO));
  g_assert_cmpstr (confab_xep_caps_get_ver (f->caps), ==, ver);
  g_assert_cmpstr (confab_xep_caps_get_hash (f->caps), ==, hash);

  confab_xep_caps_decorate_presence (f->caps, presence);
  c = confab_xmpp_node_get_child (presence, "c", CONFAB_XEP_CAPS_NS);
  g_assert_nonnull (c);
  g_assert_cmpstr (confab_xmpp_node_get_attr (c, "hash"), ==, "sha-1");
  g_assert_cmpstr (confab_xmpp_node_get_attr (c, "node"), ==, "https://confab.im");
  g_assert_cmpstr (confab_xmpp_node_get_attr (c, "ver"), ==, ver);
  c = confab_xmpp_node_get_child (presence, "c", CONFAB_XEP_CAPS2_NS);
  g_assert_nonnull (c);
  h = confab_xmpp_node_get_child (c, "hash", CONFAB_XEP_HASHES_NS);
  g_assert_nonnull (h);
  g_assert_cmpstr (confab_xmpp_node_get_attr (h, "algo"), ==, "sha-256");
  g_assert_cmpstr (confab_xmpp_node_get_text (h), ==, hash);

  caps_node = g_strconcat ("https://confab.im#", ver, NULL);
  caps2_node = g_strconcat ("urn:xmpp:caps#sha-256.", hash, NULL);
  g_assert_true (confab_xep_caps_is_own_node (f->caps, caps_node));
  g_assert_true (confab_xep_caps_is_own_node (f->caps, caps2_node));
  g_assert_false (confab_xep_caps_is_own_node (f->caps, "https://confab.im#bogus"));
  g_assert_false (confab_xep_caps_is_own_node (f->caps, NULL));
}

static void
test_ver_changes (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *before = g_strdup (confab_xep_caps_get_ver (f->caps));
  guint notified = f->ver_notifications;

  /* A module registering a feature changes the ver; it notifies once. */
  confab_xmpp_stream_add_disco_feature (f->stream, "urn:example:new");
  g_assert_cmpstr (confab_xep_caps_get_ver (f->caps), !=, before);
  g_assert_cmpuint (f->ver_notifications, ==, notified + 1);
  g_assert_cmpstr (confab_xep_caps_get_ver (f->caps), !=, before);
  g_assert_cmpuint (f->ver_notifications, ==, notified + 1);

  confab_xmpp_stream_remove_disco_feature (f->stream, "urn:example:new");
  g_assert_cmpstr (confab_xep_caps_get_ver (f->caps), ==, before);
  g_assert_cmpuint (f->ver_notifications, ==, notified + 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/caps/xep0115/simple", test_xep0115_simple);
  g_test_add_func ("/xmpp/caps/xep0115/complex", test_xep0115_complex);
  g_test_add_func ("/xmpp/caps/xep0115/validity", test_xep0115_validity);
  g_test_add_func ("/xmpp/caps/xep0115/duplicates-rejected", test_xep0115_duplicates_rejected);
  g_test_add_func ("/xmpp/caps/xep0390/vectors", test_xep0390_vectors);
  g_test_add_func ("/xmpp/caps/xep0390/features-string", test_xep0390_features_string);
  g_test_add_func ("/xmpp/caps/xep0390/invalid", test_xep0390_invalid);
  g_test_add_func ("/xmpp/caps/hash-names", test_hash_names);
  g_test_add ("/xmpp/caps/own/presence", Fixture, NULL,
              fixture_set_up, test_own_presence, fixture_tear_down);
  g_test_add ("/xmpp/caps/own/ver-changes", Fixture, NULL,
              fixture_set_up, test_ver_changes, fixture_tear_down);

  return g_test_run ();
}
