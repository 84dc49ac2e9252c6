/* SPDX-License-Identifier: GPL-3.0-or-later */
/* XMPP addresses: RFC 7622 parsing, PRECIS/IDNA normalization, comparison. */
#include "confab-jid.h"
#include "confab-xmpp-error.h"

#include <string.h>

typedef struct
{
  const char *text;
  const char *localpart;  /* expected normalized parts; NULL if none */
  const char *domain;
  const char *resource;
  const char *full;       /* expected confab_jid_to_string() */
} ValidCase;

static const ValidCase valid_cases[] = {
  /* RFC 7622 §3.5, Table 1 */
  { "juliet@example.com", "juliet", "example.com", NULL, "juliet@example.com" },
  { "juliet@example.com/foo", "juliet", "example.com", "foo", "juliet@example.com/foo" },
  { "juliet@example.com/foo bar", "juliet", "example.com", "foo bar", "juliet@example.com/foo bar" },
  { "juliet@example.com/foo@bar", "juliet", "example.com", "foo@bar", "juliet@example.com/foo@bar" },
  /* XEP-0106 escapes are ordinary ASCII in the localpart. */
  { "foo\\20bar@example.com", "foo\\20bar", "example.com", NULL, "foo\\20bar@example.com" },
  { "fussball@example.com", "fussball", "example.com", NULL, "fussball@example.com" },
  /* ß is PVALID (RFC 5892 §2.6) and not mapped to "ss". */
  { "fußball@example.com", "fußball", "example.com", NULL, "fußball@example.com" },
  { "π@example.com", "π", "example.com", NULL, "π@example.com" },
  /* Capital sigma is mapped to lowercase sigma; final sigma stays itself. */
  { "Σ@example.com/foo", "σ", "example.com", "foo", "σ@example.com/foo" },
  { "σ@example.com/foo", "σ", "example.com", "foo", "σ@example.com/foo" },
  { "ς@example.com/foo", "ς", "example.com", "foo", "ς@example.com/foo" },
  /* Symbols are fine in the resourcepart (FreeformClass). */
  { "king@example.com/♚", "king", "example.com", "♚", "king@example.com/♚" },
  { "example.com", NULL, "example.com", NULL, "example.com" },
  { "example.com/foobar", NULL, "example.com", "foobar", "example.com/foobar" },
  { "a.example.com/b@example.net", NULL, "a.example.com", "b@example.net", "a.example.com/b@example.net" },
  /* RFC 7622 Table 2 lists this as invalid, but OpaqueString (RFC 8265
   * §4.2) allows a leading space and Errata ID 4560 removes the entry. */
  { "juliet@example.com/ foo", "juliet", "example.com", " foo", "juliet@example.com/ foo" },

  /* RFC 7622 §3.1: the resourcepart starts at the first '/', the
   * localpart ends at the first '@' before it. */
  { "a@b/c@d/e", "a", "b", "c@d/e", "a@b/c@d/e" },
  { "juliet@example.com/foo/bar", "juliet", "example.com", "foo/bar", "juliet@example.com/foo/bar" },
  { "example.com/@", NULL, "example.com", "@", "example.com/@" },

  /* Case: the localpart and domain are lowercased, the resource is kept. */
  { "JuLiEt@EXAMPLE.com/FoO", "juliet", "example.com", "FoO", "juliet@example.com/FoO" },
  /* RFC 8265 §3.3.2 step 1: fullwidth letters are width-mapped. */
  { "\xef\xbc\xaa\xef\xbd\x95liet@example.com", "juliet", "example.com", NULL, "juliet@example.com" },
  /* NFC in the localpart and the resourcepart. */
  { "e\xcc\x81@example.com/Re\xcc\x81s", "é", "example.com", "Rés", "é@example.com/Rés" },
  { "É@example.com", "é", "example.com", NULL, "é@example.com" },
  /* RFC 8265 §4.2.2: a non-ASCII space in the resource becomes U+0020. */
  { "a@b/foo\xc2\xa0" "bar", "a", "b", "foo bar", "a@b/foo bar" },
  /* Compatibility characters are allowed in the FreeformClass. */
  { "a@b/henry\xe2\x85\xa3", "a", "b", "henryⅣ", "a@b/henryⅣ" },
  /* Every ASCII7 symbol except " & ' / : < > @ (RFC 7622 §3.3.1). */
  { "!#$%()*+,-.;=?[\\]^_`{|}~@example.com", "!#$%()*+,-.;=?[\\]^_`{|}~", "example.com", NULL,
    "!#$%()*+,-.;=?[\\]^_`{|}~@example.com" },

  /* RFC 7622 §3.2.1: A-labels are stored as U-labels. */
  { "xn--bcher-kva.example", NULL, "bücher.example", NULL, "bücher.example" },
  { "user@XN--BCHER-KVA.EXAMPLE", "user", "bücher.example", NULL, "user@bücher.example" },
  { "user@BÜCHER.example", "user", "bücher.example", NULL, "user@bücher.example" },
  { "user@例え.テスト", "user", "例え.テスト", NULL, "user@例え.テスト" },
  { "xn--zzzzzzz.example", NULL, "箥糪縖.example", NULL, "箥糪縖.example" },
  { "user@xn--tda.example", "user", "ü.example", NULL, "user@ü.example" },
  { "user@my-host.example", "user", "my-host.example", NULL, "user@my-host.example" },
  { "user@1host.example", "user", "1host.example", NULL, "user@1host.example" },
  /* RFC 7622 §3.2: one trailing dot is removed. */
  { "juliet@example.com.", "juliet", "example.com", NULL, "juliet@example.com" },
  { "example.com./r", NULL, "example.com", "r", "example.com/r" },
  /* IP literals (RFC 3986 §3.2.2), IPv6 in canonical form. */
  { "juliet@127.0.0.1/r", "juliet", "127.0.0.1", "r", "juliet@127.0.0.1/r" },
  { "juliet@[::1]/r", "juliet", "[::1]", "r", "juliet@[::1]/r" },
  { "[0:0:0:0:0:0:0:1]", NULL, "[::1]", NULL, "[::1]" },
  { "[2001:DB8::1]", NULL, "[2001:db8::1]", NULL, "[2001:db8::1]" },
};

typedef struct
{
  const char *text;
  gssize      length;  /* -1: nul-terminated */
  const char *why;
} InvalidCase;

static const InvalidCase invalid_cases[] = {
  /* RFC 7622 §3.5, Table 2 */
  { "\"juliet\"@example.com", -1, "quotation marks in localpart" },
  { "foo bar@example.com", -1, "space in localpart" },
  { "@example.com/", -1, "empty localpart and resourcepart" },
  { "henry\xe2\x85\xa3@example.com", -1, "compatibility character in localpart" },
  { "♚@example.com", -1, "symbol in localpart" },
  { "juliet@", -1, "empty domainpart" },
  { "/foobar", -1, "empty domainpart" },

  /* Empty parts (RFC 7622 §3.1: each part is 1..1023 octets). */
  { "", -1, "empty" },
  { "@", -1, "empty localpart and domain" },
  { "/", -1, "empty domain and resource" },
  { "@example.com", -1, "empty localpart" },
  { "example.com/", -1, "empty resourcepart" },
  { "juliet@example.com/", -1, "empty resourcepart" },
  { ".", -1, "domain of only a dot" },
  { "juliet@./r", -1, "domain of only a dot" },

  /* RFC 7622 §3.3.1 excluded characters, and others not in IdentifierClass. */
  { "a@b@example.com", -1, "'@' in domainpart" },
  { "a&b@example.com", -1, "ampersand in localpart" },
  { "a'b@example.com", -1, "apostrophe in localpart" },
  { "a:b@example.com", -1, "colon in localpart" },
  { "a<b@example.com", -1, "less-than in localpart" },
  { "a>b@example.com", -1, "greater-than in localpart" },
  { "jul\x01iet@example.com", -1, "control character in localpart" },
  { "jul\x7fiet@example.com", -1, "DELETE in localpart" },
  { "juliet\xe2\x80\x8b@example.com", -1, "zero width space in localpart" },
  { "juliet\xe3\x80\x80x@example.com", -1, "ideographic space in localpart" },
  { "a\xc2\xa0" "b@example.com", -1, "no-break space in localpart" },
  { "\xc7\x85@example.com", -1, "titlecase DŽ maps to a compatibility character" },
  { "a\xee\x80\x80@example.com", -1, "private use in localpart" },
  { "a\xd9\x80@example.com", -1, "ARABIC TATWEEL is DISALLOWED (RFC 5892 §2.6)" },

  /* Resourcepart: FreeformClass still refuses controls and ignorables. */
  { "juliet@example.com/foo\x07", -1, "BEL in resourcepart" },
  { "juliet@example.com/foo\x7f", -1, "DELETE in resourcepart" },
  { "juliet@example.com/a\nb", -1, "newline in resourcepart" },
  { "juliet@example.com/a\xe2\x80\xa8" "b", -1, "LINE SEPARATOR in resourcepart" },
  { "juliet@example.com/a\xe2\x80\x8d" "b", -1, "ZERO WIDTH JOINER in resourcepart" },
  { "juliet@example.com/\xee\x80\x80", -1, "private use in resourcepart" },
  { "juliet@example.com/\xef\xbf\xbf", -1, "noncharacter in resourcepart" },
  { "juliet@example.com/\xef\xbb\xbf", -1, "BOM in resourcepart" },

  /* Domainpart: LDH labels, IDNA, IP literals. */
  { "juliet@exa mple.com", -1, "space in domainpart" },
  { "juliet@example..com", -1, "empty label" },
  { "juliet@.example.com", -1, "empty first label" },
  { "juliet@example.com..", -1, "only one trailing dot is removed" },
  { "juliet@-example.com", -1, "leading hyphen" },
  { "juliet@example-.com", -1, "trailing hyphen" },
  { "juliet@exa_mple.com", -1, "underscore" },
  { "juliet@exa!mple.com", -1, "punctuation in domainpart" },
  { "juliet@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", -1,
    "label of 64 octets" },
  { "juliet@xn--9999999999a.example", -1, "Punycode overflow" },
  { "juliet@xn--0.example", -1, "bad Punycode" },
  { "juliet@xn--a.example", -1, "A-label of a control character" },
  { "juliet@xn--a-ecp.example", -1, "A-label of a compatibility character holding a dot" },
  { "juliet@xn--abc-.example", -1, "A-label that decodes to ASCII" },
  { "juliet@xn--.example", -1, "empty A-label" },
  { "juliet@♚.example", -1, "symbol in U-label" },
  { "juliet@xn----eha.example", -1, "U-label with a leading hyphen" },
  { "juliet@xn----dha.example", -1, "U-label with a trailing hyphen" },
  { "juliet@xn--ab---3ra.example", -1, "U-label with hyphens in positions 3 and 4" },
  { "juliet@xn--ab-7tb.example", -1, "U-label with a leading combining mark" },
  { "juliet@-ü.example", -1, "U-label with a leading hyphen, in Unicode" },
  { "juliet@xn--45h.example", -1, "A-label of a symbol" },
  { "juliet@::1", -1, "IPv6 without brackets" },
  { "juliet@[::1", -1, "unterminated IP literal" },
  { "juliet@[::1]x", -1, "text after IP literal" },
  { "juliet@[]", -1, "empty IP literal" },
  { "juliet@[1.2.3.4]", -1, "IPv4 in brackets" },
  { "juliet@[fe80::1%eth0]", -1, "zone identifier" },
  { "juliet@[example.com]", -1, "name in brackets" },
  { "juliet@[v1.x]", -1, "IPvFuture" },

  /* RFC 7622 §3.1: UTF-8 only, and never NUL. */
  { "\xff\xfe@example.com", -1, "invalid UTF-8 in localpart" },
  { "juliet@example.com/\xc3", -1, "truncated UTF-8 in resourcepart" },
  { "juliet@exam\xc0\xafple.com", -1, "overlong UTF-8 in domainpart" },
  { "juliet@example.com/\xed\xa0\x80", -1, "UTF-8 encoded surrogate" },
  { "jul\0iet@example.com", 19, "NUL in localpart" },
  { "juliet@exa\0mple.com", 19, "NUL in domainpart" },
  { "juliet@example.com/a\0b", 22, "NUL in resourcepart" },
  { "juliet@example.com\0", 19, "trailing NUL" },
};

typedef struct
{
  const char *a;
  const char *b;
  gboolean    equal;
  gboolean    equal_bare;
} EqualCase;

static const EqualCase equal_cases[] = {
  { "JuLiEt@EXAMPLE.com", "juliet@example.com", TRUE, TRUE },
  { "juliet@xn--bcher-kva.example/r", "juliet@bücher.example/r", TRUE, TRUE },
  { "juliet@example.com.", "juliet@example.com", TRUE, TRUE },
  { "Σ@example.com", "σ@example.com", TRUE, TRUE },
  { "ς@example.com", "σ@example.com", FALSE, FALSE },
  { "fußball@example.com", "fussball@example.com", FALSE, FALSE },
  { "e\xcc\x81@example.com", "é@example.com", TRUE, TRUE },
  { "\xef\xbc\xa1@example.com", "a@example.com", TRUE, TRUE },
  { "juliet@example.com/Foo", "juliet@example.com/foo", FALSE, TRUE },
  { "juliet@example.com/foo", "juliet@example.com", FALSE, TRUE },
  { "a@b/foo\xe2\x80\x83" "bar", "a@b/foo bar", TRUE, TRUE },
  { "[::1]", "[0::0:1]", TRUE, TRUE },
  { "example.com", "juliet@example.com", FALSE, FALSE },
  { "juliet@example.com", "romeo@example.com", FALSE, FALSE },
  { "juliet@example.com", "juliet@example.net", FALSE, FALSE },
};

static ConfabJid *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  ConfabJid *jid = confab_jid_parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (jid);
  return jid;
}

static void
test_valid (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      const ValidCase *c = &valid_cases[i];
      g_autoptr(ConfabJid) jid = NULL;
      g_autoptr(ConfabJid) again = NULL;

      g_test_message ("valid: %s", c->text);
      jid = parse_ok (c->text);
      g_assert_cmpstr (confab_jid_get_localpart (jid), ==, c->localpart);
      g_assert_cmpstr (confab_jid_get_domain (jid), ==, c->domain);
      g_assert_cmpstr (confab_jid_get_resource (jid), ==, c->resource);
      g_assert_cmpstr (confab_jid_to_string (jid), ==, c->full);
      g_assert_true (confab_jid_is_bare (jid) == (c->resource == NULL));
      g_assert_true (confab_jid_is_domain (jid) == (c->resource == NULL && c->localpart == NULL));

      /* Normalization is idempotent. */
      again = parse_ok (confab_jid_to_string (jid));
      g_assert_true (confab_jid_equal (jid, again));
      g_assert_cmpstr (confab_jid_to_string (again), ==, c->full);
      g_assert_cmpuint (confab_jid_hash (jid), ==, confab_jid_hash (again));
    }
}

static void
test_invalid (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      const InvalidCase *c = &invalid_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabJid) jid = NULL;

      g_test_message ("invalid: %s", c->why);
      if (c->length < 0)
        jid = confab_jid_parse (c->text, &error);
      else
        jid = confab_jid_parse_len (c->text, c->length, &error);
      g_assert_null (jid);
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_parse_len (void)
{
  g_autoptr(ConfabJid) jid = NULL;
  g_autoptr(GError) error = NULL;

  /* Only @length octets are read. */
  jid = confab_jid_parse_len ("juliet@example.com/resXXX", 22, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_jid_to_string (jid), ==, "juliet@example.com/res");
  g_clear_pointer (&jid, confab_jid_unref);

  jid = confab_jid_parse_len ("example.com", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (confab_jid_to_string (jid), ==, "example.com");
  g_clear_pointer (&jid, confab_jid_unref);

  jid = confab_jid_parse_len ("", 0, &error);
  g_assert_null (jid);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID);
}

typedef enum { PART_LOCAL, PART_DOMAIN, PART_RESOURCE } Part;

static char *
jid_with_part_of_length (Part  part,
                         gsize len)
{
  g_autoptr(GString) s = g_string_new (NULL);

  switch (part)
    {
    case PART_LOCAL:
      for (gsize i = 0; i < len; i++)
        g_string_append_c (s, 'a');
      g_string_append (s, "@example.com");
      break;
    case PART_DOMAIN:
      /* "a.a.a…": labels stay short, only the whole is long. */
      for (gsize i = 0; i < len; i++)
        g_string_append_c (s, i % 2 == 0 ? 'a' : '.');
      if (s->str[s->len - 1] == '.')
        s->str[s->len - 1] = 'b';
      break;
    case PART_RESOURCE:
      g_string_append (s, "example.com/");
      for (gsize i = 0; i < len; i++)
        g_string_append_c (s, 'r');
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_length_limits (void)
{
  const struct { Part part; gsize len; gboolean ok; } cases[] = {
    { PART_LOCAL, 1, TRUE }, { PART_LOCAL, 1023, TRUE }, { PART_LOCAL, 1024, FALSE },
    { PART_DOMAIN, 1, TRUE }, { PART_DOMAIN, 1023, TRUE }, { PART_DOMAIN, 1024, FALSE },
    { PART_RESOURCE, 1, TRUE }, { PART_RESOURCE, 1023, TRUE }, { PART_RESOURCE, 1024, FALSE },
    { PART_LOCAL, 100000, FALSE }, { PART_DOMAIN, 100000, FALSE }, { PART_RESOURCE, 100000, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = jid_with_part_of_length (cases[i].part, cases[i].len);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabJid) jid = confab_jid_parse (text, &error);

      g_test_message ("part %d of %" G_GSIZE_FORMAT " octets", cases[i].part, cases[i].len);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (confab_jid_to_string (jid), ==, text);
        }
      else
        {
          g_assert_null (jid);
          g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID);
        }
    }
}

/* The limit applies after normalization (RFC 7622 §3.3, §3.4). */
static void
test_length_after_normalization (void)
{
  const struct { gsize n_a; const char *tail; gsize expected; } cases[] = {
    /* "e" U+0301 (3 octets) composes to "é" (2 octets). */
    { 1021, "e\xcc\x81", 1023 },
    { 1022, "e\xcc\x81", 0 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *padding = g_strnfill (cases[i].n_a, 'a');
      g_autofree char *local = g_strconcat (padding, cases[i].tail, "@example.com", NULL);
      g_autofree char *resource = g_strconcat ("example.com/", padding, cases[i].tail, NULL);
      const char *texts[] = { local, resource };

      for (gsize j = 0; j < G_N_ELEMENTS (texts); j++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(ConfabJid) jid = confab_jid_parse (texts[j], &error);

          if (cases[i].expected == 0)
            {
              g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID);
              g_assert_null (jid);
            }
          else
            {
              const char *part = j == 0 ? confab_jid_get_localpart (jid)
                                        : confab_jid_get_resource (jid);

              g_assert_no_error (error);
              g_assert_cmpuint (strlen (part), ==, cases[i].expected);
            }
        }
    }

  /* The trailing dot goes before the domain is measured. */
  {
    g_autofree char *domain = jid_with_part_of_length (PART_DOMAIN, 1023);
    g_autofree char *dotted = g_strconcat (domain, ".", NULL);
    g_autoptr(ConfabJid) jid = parse_ok (dotted);

    g_assert_cmpstr (confab_jid_get_domain (jid), ==, domain);
  }
}

static void
test_equal (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (equal_cases); i++)
    {
      const EqualCase *c = &equal_cases[i];
      g_autoptr(ConfabJid) a = parse_ok (c->a);
      g_autoptr(ConfabJid) b = parse_ok (c->b);

      g_test_message ("%s vs %s", c->a, c->b);
      g_assert_true (confab_jid_equal (a, b) == c->equal);
      g_assert_true (confab_jid_equal (b, a) == c->equal);
      g_assert_true (confab_jid_equal_func (a, b) == c->equal);
      g_assert_true (confab_jid_equal_bare (a, b) == c->equal_bare);
      g_assert_true (confab_jid_equal_bare (b, a) == c->equal_bare);
      if (c->equal)
        {
          g_assert_cmpuint (confab_jid_hash (a), ==, confab_jid_hash (b));
          g_assert_cmpstr (confab_jid_to_string (a), ==, confab_jid_to_string (b));
        }
      g_assert_true (confab_jid_equal (a, a));
    }
}

static void
test_hash_table (void)
{
  const char * const keys[] = {
    "juliet@example.com", "juliet@example.com/balcony", "romeo@example.net",
    "bücher.example", "[::1]",
  };
  const struct { const char *text; int index; } lookups[] = {
    { "JULIET@Example.COM", 0 },
    { "juliet@example.com./balcony", 1 },
    { "juliet@example.com/Balcony", -1 },
    { "Romeo@EXAMPLE.net", 2 },
    { "xn--bcher-kva.example.", 3 },
    { "[0:0::1]", 4 },
    { "juliet@example.org", -1 },
  };
  g_autoptr(GHashTable) table = g_hash_table_new_full (confab_jid_hash, confab_jid_equal_func,
                                                       (GDestroyNotify) confab_jid_unref, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (g_hash_table_insert (table, parse_ok (keys[i]), GINT_TO_POINTER (i + 1)));
  /* An equal key replaces, it does not add. */
  g_assert_false (g_hash_table_insert (table, parse_ok ("Juliet@example.com"), GINT_TO_POINTER (1)));
  g_assert_cmpuint (g_hash_table_size (table), ==, G_N_ELEMENTS (keys));

  for (gsize i = 0; i < G_N_ELEMENTS (lookups); i++)
    {
      g_autoptr(ConfabJid) jid = parse_ok (lookups[i].text);

      g_assert_cmpint (GPOINTER_TO_INT (g_hash_table_lookup (table, jid)) - 1, ==, lookups[i].index);
    }
}

static void
test_new (void)
{
  const struct {
    const char *localpart, *domain, *resource;
    const char *full;  /* NULL: invalid */
  } cases[] = {
    { "JuLiet", "Example.COM", "Balcony", "juliet@example.com/Balcony" },
    { NULL, "example.com", NULL, "example.com" },
    { NULL, "xn--bcher-kva.example.", "r", "bücher.example/r" },
    { "juliet", "example.com", "a/b@c", "juliet@example.com/a/b@c" },
    { "", "example.com", NULL, NULL },
    { "juliet", "", NULL, NULL },
    { "juliet", "example.com", "", NULL },
    { "a@b", "example.com", NULL, NULL },
    { "a/b", "example.com", NULL, NULL },
    { "juliet", "example.com/r", NULL, NULL },
    { "juliet", "a@example.com", NULL, NULL },
    { "juliet", "example.com", "\x01", NULL },
    { "\xff", "example.com", NULL, NULL },
    { NULL, "example.com", "\xc3", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabJid) jid = confab_jid_new (cases[i].localpart, cases[i].domain,
                                                 cases[i].resource, &error);

      if (cases[i].full == NULL)
        {
          g_assert_null (jid);
          g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID);
        }
      else
        {
          g_autoptr(ConfabJid) parsed = parse_ok (cases[i].full);

          g_assert_no_error (error);
          g_assert_cmpstr (confab_jid_to_string (jid), ==, cases[i].full);
          g_assert_true (confab_jid_equal (jid, parsed));
        }
    }
}

static void
test_bare (void)
{
  g_autoptr(ConfabJid) full = parse_ok ("Juliet@Example.com/Balcony");
  g_autoptr(ConfabJid) bare = confab_jid_get_bare (full);
  g_autoptr(ConfabJid) bare_again = confab_jid_get_bare (bare);
  g_autoptr(ConfabJid) domain = parse_ok ("example.com/r");
  g_autoptr(ConfabJid) domain_bare = confab_jid_get_bare (domain);

  g_assert_cmpstr (confab_jid_to_string (bare), ==, "juliet@example.com");
  g_assert_cmpstr (confab_jid_get_bare_string (full), ==, "juliet@example.com");
  g_assert_cmpstr (confab_jid_get_bare_string (bare), ==, "juliet@example.com");
  g_assert_true (confab_jid_is_bare (bare));
  g_assert_false (confab_jid_is_bare (full));
  g_assert_false (confab_jid_is_domain (bare));
  g_assert_true (confab_jid_equal_bare (full, bare));
  g_assert_false (confab_jid_equal (full, bare));
  /* A bare JID is its own bare JID. */
  g_assert_true (bare_again == bare);

  g_assert_true (confab_jid_is_domain (domain_bare));
  g_assert_false (confab_jid_is_domain (domain));
  g_assert_cmpstr (confab_jid_to_string (domain_bare), ==, "example.com");
}

static void
test_with_resource (void)
{
  const struct { const char *resource; const char *full; } cases[] = {
    { "balcony", "juliet@example.com/balcony" },
    { "Foo Bar", "juliet@example.com/Foo Bar" },
    { "a/b@c", "juliet@example.com/a/b@c" },
    { "e\xcc\x81", "juliet@example.com/é" },
    { "orchard", "juliet@example.com/orchard" },
    { NULL, "juliet@example.com" },
    { "", NULL },
    { "a\x01", NULL },
    { "\xc3", NULL },
  };
  g_autoptr(ConfabJid) base = parse_ok ("juliet@example.com/orchard");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConfabJid) jid = confab_jid_with_resource (base, cases[i].resource, &error);

      if (cases[i].full == NULL)
        {
          g_assert_null (jid);
          g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID);
          continue;
        }

      g_assert_no_error (error);
      g_assert_cmpstr (confab_jid_to_string (jid), ==, cases[i].full);
      g_assert_true (confab_jid_equal_bare (jid, base));
      {
        g_autoptr(ConfabJid) parsed = parse_ok (cases[i].full);

        g_assert_true (confab_jid_equal (jid, parsed));
        g_assert_cmpuint (confab_jid_hash (jid), ==, confab_jid_hash (parsed));
      }
    }
}

static void
test_boxed (void)
{
  g_autoptr(ConfabJid) jid = parse_ok ("juliet@example.com");
  ConfabJid *copy;
  GValue value = G_VALUE_INIT;

  g_assert_true (G_TYPE_IS_BOXED (CONFAB_TYPE_JID));
  copy = g_boxed_copy (CONFAB_TYPE_JID, jid);
  g_assert_true (copy == jid);  /* immutable: a copy is a reference */
  g_boxed_free (CONFAB_TYPE_JID, copy);

  g_value_init (&value, CONFAB_TYPE_JID);
  g_value_set_boxed (&value, jid);
  g_assert_true (g_value_get_boxed (&value) == jid);
  g_value_unset (&value);

  g_assert_cmpstr (confab_jid_to_string (jid), ==, "juliet@example.com");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xmpp/jid/valid", test_valid);
  g_test_add_func ("/xmpp/jid/invalid", test_invalid);
  g_test_add_func ("/xmpp/jid/parse-len", test_parse_len);
  g_test_add_func ("/xmpp/jid/length-limits", test_length_limits);
  g_test_add_func ("/xmpp/jid/length-after-normalization", test_length_after_normalization);
  g_test_add_func ("/xmpp/jid/equal", test_equal);
  g_test_add_func ("/xmpp/jid/hash-table", test_hash_table);
  g_test_add_func ("/xmpp/jid/new", test_new);
  g_test_add_func ("/xmpp/jid/bare", test_bare);
  g_test_add_func ("/xmpp/jid/with-resource", test_with_resource);
  g_test_add_func ("/xmpp/jid/boxed", test_boxed);

  return g_test_run ();
}
