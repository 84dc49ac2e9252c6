/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * XMPP addresses (RFC 7622).
 *
 * A JID is split (§3.1), then each part is prepared and enforced by its own
 * profile, and the normalized forms are what we store, print and compare:
 *
 *   localpart     PRECIS UsernameCaseMapped (RFC 7622 §3.3, RFC 8265 §3.3)
 *   domainpart    IDNA2008 U-labels / NR-LDH labels, IP literals (§3.2)
 *   resourcepart  PRECIS OpaqueString (RFC 7622 §3.4, RFC 8265 §4.2)
 *
 * GLib has no PRECIS and no full IDNA2008 tables, so the string classes are
 * approximated from what GLib's Unicode data can tell (general category,
 * decompositions, simple case mappings). What is approximated, and how:
 *
 *  - Derived properties (RFC 8264 §9, RFC 5892 §2) are computed from the
 *    general category. LetterDigits is {Ll, Lu, Lo, Lm, Mn, Mc, Nd}. A code
 *    point HasCompat when its compatibility decomposition differs from its
 *    canonical one. Default_Ignorable_Code_Point is every Cf plus a short
 *    list of the non-Cf ignorables. OldHangulJamo is its three blocks.
 *  - CONTEXTJ (ZWJ, ZWNJ) is treated as DISALLOWED. CONTEXTO punctuation is
 *    disallowed by its category; the CONTEXTO digit rules (no mixing of
 *    Arabic-Indic digit sets) are not checked.
 *  - Case mapping uses GLib's simple per-code-point lowercase mapping, not the
 *    full, context-sensitive Unicode toLowerCase(): U+0130 becomes "i" and a
 *    word-final capital sigma becomes σ, not ς.
 *  - The width mapping rule (RFC 8265 §3.3.2 step 1) maps the
 *    Halfwidth and Fullwidth Forms block and U+3000 to their decompositions.
 *  - The Bidi Rule (RFC 5893, RFC 8265 §3.3.2 step 5) is not applied.
 *  - Domain labels go through GLib's IDNA (UTS #46 style mapping, then
 *    Punycode); we add the LDH, length, hyphen and A-label round-trip checks
 *    that GLib leaves out, and check U-label code points against the
 *    LetterDigits approximation above. Contextual and Bidi rules of RFC 5892
 *    and RFC 5893 are not checked.
 *
 * In the localpart and resourcepart the approximation errs on the side of
 * rejecting (CONTEXTJ), except that the Bidi Rule and the CONTEXTO digit
 * rules are not enforced. In the domainpart, input is mapped the way UTS #46
 * maps it (so "Ⅳ.example" becomes "iv.example"), and reserved "??--" ASCII
 * labels are accepted (see is_ldh_label()).
 */
#include "confab-jid.h"
#include "confab-xmpp-error.h"

#include <gio/gio.h>
#include <string.h>

/* RFC 7622 §3.2, §3.3, §3.4: every part is 1..1023 octets. */
#define MAX_PART_OCTETS 1023

/* No mapping we apply (width mapping, lowercasing, NFC) shrinks text by a
 * factor of more than three, so a raw part longer than this can never
 * normalize to 1023 octets; rejecting it early bounds the work. */
#define MAX_RAW_PART_OCTETS (8 * MAX_PART_OCTETS)

/* RFC 1035 §2.3.4 */
#define MAX_LABEL_OCTETS 63

struct _ConfabJid
{
  gatomicrefcount  ref_count;
  guint            hash;
  char            *localpart;  /* NULL if none */
  char            *domain;
  char            *resource;   /* NULL if none */
  char            *full;
  char            *bare;       /* the same pointer as full when bare */
};

G_DEFINE_BOXED_TYPE (ConfabJid, confab_jid, confab_jid_ref, confab_jid_unref)

static void
set_invalid (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
set_invalid (GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  /* The input is never echoed: it may be invalid UTF-8 or hostile. */
  g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_INVALID_JID,
               "Invalid XMPP address: %s", detail);
}

static gboolean
check_length (const char  *normalized,
              const char  *part,
              GError     **error)
{
  gsize len = strlen (normalized);

  if (len == 0)
    {
      set_invalid (error, "the %s is empty", part);
      return FALSE;
    }
  if (len > MAX_PART_OCTETS)
    {
      set_invalid (error, "the %s is longer than %d octets", part, MAX_PART_OCTETS);
      return FALSE;
    }
  return TRUE;
}

/* Default_Ignorable_Code_Point (RFC 8264 §9.13, RFC 5892 §2.2 via
 * IgnorableProperties) that are not format characters; every Cf is
 * rejected by category already. */
static gboolean
is_noncf_default_ignorable (gunichar c)
{
  return c == 0x034F                        /* COMBINING GRAPHEME JOINER */
         || (c >= 0x115F && c <= 0x1160)    /* HANGUL CHOSEONG/JUNGSEONG FILLER */
         || (c >= 0x17B4 && c <= 0x17B5)    /* KHMER INHERENT VOWELS */
         || (c >= 0x180B && c <= 0x180F)    /* MONGOLIAN VARIATION SELECTORS */
         || c == 0x3164                     /* HANGUL FILLER */
         || (c >= 0xFE00 && c <= 0xFE0F)    /* VARIATION SELECTORS */
         || c == 0xFFA0                     /* HALFWIDTH HANGUL FILLER */
         || (c >= 0xE0000 && c <= 0xE0FFF); /* TAGS, VARIATION SELECTORS SUPPLEMENT */
}

/* RFC 5892 §2.9 OldHangulJamo, used by RFC 8264 §9.9. */
static gboolean
is_old_hangul_jamo (gunichar c)
{
  return (c >= 0x1100 && c <= 0x11FF)
         || (c >= 0xA960 && c <= 0xA97F)
         || (c >= 0xD7B0 && c <= 0xD7FF);
}

/* RFC 5892 §2.6 Exceptions with the value DISALLOWED. */
static gboolean
is_exception_disallowed (gunichar c)
{
  return c == 0x0640 || c == 0x07FA || c == 0x302E || c == 0x302F
         || (c >= 0x3031 && c <= 0x3035) || c == 0x303B;
}

/* RFC 5892 §2.6 Exceptions with the value PVALID whose category is not in
 * LetterDigits. (U+00DF ß and U+03C2 ς are Ll and pass anyway.) */
static gboolean
is_exception_pvalid (gunichar c)
{
  return c == 0x06FD || c == 0x06FE || c == 0x0F0B || c == 0x3007;
}

/* RFC 8264 §9.17 HasCompat: toNFKC(cp) != cp. We compare the full
 * compatibility decomposition with the canonical one. */
static gboolean
has_compat (gunichar c)
{
  gunichar canonical[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gunichar compat[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n_canonical;
  gsize n_compat;

  n_canonical = g_unichar_fully_decompose (c, FALSE, canonical, G_N_ELEMENTS (canonical));
  n_compat = g_unichar_fully_decompose (c, TRUE, compat, G_N_ELEMENTS (compat));
  return n_canonical != n_compat
         || memcmp (canonical, compat, n_canonical * sizeof (gunichar)) != 0;
}

/* A non-ASCII code point that is PVALID in the IdentifierClass
 * (RFC 8264 §4.2.2) and, with the same derivation, in IDNA2008
 * (RFC 5892 §3). */
static gboolean
is_letter_digit_pvalid (gunichar c)
{
  if (is_exception_pvalid (c))
    return TRUE;
  if (is_exception_disallowed (c)
      || is_noncf_default_ignorable (c)
      || is_old_hangul_jamo (c)
      || has_compat (c))
    return FALSE;

  /* RFC 8264 §9.1 LetterDigits; Lt is absent on purpose (it is in
   * OtherLetterDigits, which the IdentifierClass disallows). */
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_DECIMAL_NUMBER:
      return TRUE;
    default:
      return FALSE;
    }
}

/* RFC 8264 §4.2 IdentifierClass, with the localpart exclusions of
 * RFC 7622 §3.3.1. */
static gboolean
is_localpart_char (gunichar c)
{
  if (c < 0x80)
    {
      /* RFC 8264 §9.11 ASCII7 is U+0021..U+007E: no space, no controls. */
      if (c < 0x21 || c > 0x7E)
        return FALSE;
      /* RFC 7622 §3.3.1: " & ' / : < > @ are disallowed in localparts. */
      return strchr ("\"&'/:<>@", (int) c) == NULL;
    }
  return is_letter_digit_pvalid (c);
}

/* RFC 8264 §4.3 FreeformClass: everything in LetterDigits, ASCII7, Spaces,
 * Symbols, Punctuation, HasCompat and OtherLetterDigits; never controls,
 * ignorables, unassigned code points or old Hangul jamo. */
static gboolean
is_resourcepart_char (gunichar c)
{
  if (c < 0x80)
    return c >= 0x20 && c <= 0x7E;  /* U+007F DELETE is a control */

  if (is_exception_disallowed (c)
      || is_noncf_default_ignorable (c)
      || is_old_hangul_jamo (c))
    return FALSE;

  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:        /* includes the noncharacters */
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:    /* Zl and Zp are not "Spaces" (Zs) */
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return FALSE;
    default:
      return TRUE;
    }
}

/* RFC 8265 §3.3.2 step 1, the width mapping rule: fullwidth and halfwidth
 * code points map to their decomposition mappings. */
static gunichar
width_map (gunichar c)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];

  if (c != 0x3000 && (c < 0xFF00 || c > 0xFFEF))
    return c;
  /* Every compatibility decomposition in this block is <wide> or <narrow>
   * and maps to one code point. */
  if (g_unichar_fully_decompose (c, TRUE, decomposed, G_N_ELEMENTS (decomposed)) == 1)
    return decomposed[0];
  return c;
}

/* Returns the first code point of @text for which @allowed is FALSE, or
 * (gunichar) -1 if there is none. @text is valid UTF-8. */
static gunichar
find_disallowed (const char *text,
                 gboolean  (*allowed) (gunichar))
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!allowed (c))
        return c;
    }
  return (gunichar) -1;
}

/* RFC 7622 §3.3.2/§3.3.3 with the UsernameCaseMapped profile (RFC 8265
 * §3.3.2): width mapping, lowercasing, NFC, then the IdentifierClass. */
static char *
prep_localpart (const char  *text,
                gsize        len,
                GError     **error)
{
  g_autoptr(GString) mapped = NULL;
  g_autofree char *normalized = NULL;
  gunichar bad;

  if (len > MAX_RAW_PART_OCTETS)
    {
      set_invalid (error, "the localpart is longer than %d octets", MAX_PART_OCTETS);
      return NULL;
    }

  mapped = g_string_sized_new (len);
  for (const char *p = text; p < text + len; p = g_utf8_next_char (p))
    /* RFC 8265 §3.3.2 step 3: uppercase and titlecase to lowercase. */
    g_string_append_unichar (mapped, g_unichar_tolower (width_map (g_utf8_get_char (p))));

  /* RFC 8265 §3.3.2 step 4 */
  normalized = g_utf8_normalize (mapped->str, mapped->len, G_NORMALIZE_NFC);
  if (normalized == NULL)
    {
      set_invalid (error, "the localpart is not valid Unicode");
      return NULL;
    }

  if (!check_length (normalized, "localpart", error))
    return NULL;

  if ((bad = find_disallowed (normalized, is_localpart_char)) != (gunichar) -1)
    {
      set_invalid (error, "the localpart contains U+%04X, which RFC 7622 §3.3 does not allow", bad);
      return NULL;
    }

  return g_steal_pointer (&normalized);
}

/* RFC 7622 §3.4 with the OpaqueString profile (RFC 8265 §4.2.2): non-ASCII
 * spaces become U+0020, no case mapping, NFC, then the FreeformClass. */
static char *
prep_resourcepart (const char  *text,
                   gsize        len,
                   GError     **error)
{
  g_autoptr(GString) mapped = NULL;
  g_autofree char *normalized = NULL;
  gunichar bad;

  if (len > MAX_RAW_PART_OCTETS)
    {
      set_invalid (error, "the resourcepart is longer than %d octets", MAX_PART_OCTETS);
      return NULL;
    }

  mapped = g_string_sized_new (len);
  for (const char *p = text; p < text + len; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* RFC 8265 §4.2.2 step 2: map every Zs other than U+0020 to U+0020. */
      if (c >= 0x80 && g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR)
        c = ' ';
      g_string_append_unichar (mapped, c);
    }

  normalized = g_utf8_normalize (mapped->str, mapped->len, G_NORMALIZE_NFC);
  if (normalized == NULL)
    {
      set_invalid (error, "the resourcepart is not valid Unicode");
      return NULL;
    }

  if (!check_length (normalized, "resourcepart", error))
    return NULL;

  if ((bad = find_disallowed (normalized, is_resourcepart_char)) != (gunichar) -1)
    {
      set_invalid (error, "the resourcepart contains U+%04X, which RFC 7622 §3.4 does not allow", bad);
      return NULL;
    }

  return g_steal_pointer (&normalized);
}

/* RFC 7622 §3.2 (IP-literal, RFC 3986 §3.2.2): an IPv6 address in
 * brackets, kept in the canonical text form so equal addresses compare
 * equal. IPvFuture and zone identifiers are not accepted. */
static char *
prep_ip_literal (const char  *text,
                 gsize        len,
                 GError     **error)
{
  g_autofree char *inner = NULL;
  g_autofree char *canonical = NULL;
  g_autoptr(GInetAddress) address = NULL;

  if (len < 2 || text[len - 1] != ']')
    {
      set_invalid (error, "the domainpart has an unterminated IP literal");
      return NULL;
    }

  inner = g_strndup (text + 1, len - 2);
  if (strlen (inner) != len - 2 || strchr (inner, '%') != NULL
      || (address = g_inet_address_new_from_string (inner)) == NULL
      || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    {
      set_invalid (error, "the domainpart is not a valid IPv6 literal");
      return NULL;
    }

  canonical = g_inet_address_to_string (address);
  return g_strdup_printf ("[%s]", canonical);
}

/* One label in ASCII form: RFC 1035 §2.3.1 LDH with RFC 1123 §2.1 (labels
 * may start with a digit), 1..63 octets, no hyphen at either end. We reject
 * the underscore: RFC 7622 §3.2 allows only NR-LDH labels and U-labels
 * (RFC 5890 §2.3.1), and servers that apply STD3 rules reject it too.
 * Reserved "??--" labels other than A-labels are accepted, because plain DNS
 * (RFC 1123) allows them and real hosts use them. */
static gboolean
is_ldh_label (const char *label)
{
  gsize len = strlen (label);

  if (len == 0 || len > MAX_LABEL_OCTETS)
    return FALSE;
  if (label[0] == '-' || label[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_islower (label[i]) && !g_ascii_isdigit (label[i]) && label[i] != '-')
        return FALSE;
    }
  return TRUE;
}

/* An A-label (RFC 5890 §2.3.2.1) turned into its U-label, or NULL. The
 * conversion must round-trip (RFC 5891 §5.4) so that malformed or
 * non-canonical Punycode, and "xn--" labels that decode to plain ASCII, are
 * refused, and the U-label must only hold PVALID code points. */
static char *
a_label_to_u_label (const char *label)
{
  g_autofree char *unicode = NULL;
  g_autofree char *again = NULL;
  gsize len;

  unicode = g_hostname_to_unicode (label);
  if (unicode == NULL || !g_utf8_validate (unicode, -1, NULL) || strchr (unicode, '.') != NULL)
    return NULL;

  again = g_hostname_to_ascii (unicode);
  if (again == NULL || strcmp (again, label) != 0)
    return NULL;

  /* RFC 5891 §4.2.3.1: no hyphen at either end and none in both the
   * third and fourth positions; §4.2.3.2: no leading combining mark. */
  len = strlen (unicode);
  if (len == 0 || unicode[0] == '-' || unicode[len - 1] == '-'
      || (len >= 4 && unicode[2] == '-' && unicode[3] == '-'))
    return NULL;
  switch (g_unichar_type (g_utf8_get_char (unicode)))
    {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
      return NULL;
    default:
      break;
    }

  for (const char *p = unicode; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 ? !(g_ascii_islower (c) || g_ascii_isdigit (c) || c == '-')
                   : !is_letter_digit_pvalid (c))
        return NULL;
    }

  return g_steal_pointer (&unicode);
}

static gboolean
has_ace_label (const char *ascii_lower)
{
  for (const char *label = ascii_lower; ; label++)
    {
      if (g_str_has_prefix (label, "xn--"))
        return TRUE;
      if ((label = strchr (label, '.')) == NULL)
        return FALSE;
    }
}

/* RFC 7622 §3.2. */
static char *
prep_domainpart (const char  *text,
                 gsize        len,
                 GError     **error)
{
  g_autofree char *lower = NULL;
  g_autofree char *ascii = NULL;
  g_auto(GStrv) labels = NULL;
  g_autoptr(GString) unicode = NULL;

  if (len > MAX_RAW_PART_OCTETS)
    {
      set_invalid (error, "the domainpart is longer than %d octets", MAX_PART_OCTETS);
      return NULL;
    }

  /* RFC 7622 §3.2: a final label separator is stripped before any other
   * canonicalization step. Only one: "example.com.." stays invalid. */
  if (len > 0 && text[len - 1] == '.')
    len--;
  if (len == 0)
    {
      set_invalid (error, "the domainpart is empty");
      return NULL;
    }

  if (text[0] == '[')
    return prep_ip_literal (text, len, error);

  /* GLib's IDNA lowercases the labels it converts but leaves ASCII labels
   * alone, so lowercase ASCII first (RFC 4343: DNS is case-insensitive). */
  lower = g_ascii_strdown (text, len);

  /* RFC 7622 §3.2 (IPv4address of RFC 3986). GLib accepts only the
   * dotted-quad form, so the text is already canonical. */
  if (strchr (lower, ':') == NULL && g_hostname_is_ip_address (lower))
    return g_steal_pointer (&lower);

  /* IDNA: map and encode non-ASCII labels to A-labels so that every label
   * can be checked in one, ASCII form (RFC 5891 §4). */
  if (!g_str_is_ascii (lower) || has_ace_label (lower))
    {
      g_autofree char *converted = g_hostname_to_ascii (lower);

      if (converted == NULL)
        {
          set_invalid (error, "the domainpart is not a valid internationalized domain name");
          return NULL;
        }
      ascii = g_ascii_strdown (converted, -1);
    }
  else
    {
      ascii = g_steal_pointer (&lower);
    }

  /* RFC 7622 §3.2.1: the stored form uses U-labels, never A-labels, so
   * "xn--bcher-kva.example" and "bücher.example" are one domain. */
  unicode = g_string_sized_new (strlen (ascii));
  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      if (!is_ldh_label (labels[i]))
        {
          set_invalid (error, "the domainpart has an empty or invalid label");
          return NULL;
        }

      if (i > 0)
        g_string_append_c (unicode, '.');

      if (g_str_has_prefix (labels[i], "xn--"))
        {
          g_autofree char *u_label = a_label_to_u_label (labels[i]);

          if (u_label == NULL)
            {
              set_invalid (error, "the domainpart has an invalid internationalized label");
              return NULL;
            }
          g_string_append (unicode, u_label);
        }
      else
        {
          g_string_append (unicode, labels[i]);
        }
    }

  if (!check_length (unicode->str, "domainpart", error))
    return NULL;

  return g_string_free (g_steal_pointer (&unicode), FALSE);
}

/* Takes ownership of the already normalized parts. */
static ConfabJid *
jid_new_take (char *localpart,
              char *domain,
              char *resource)
{
  ConfabJid *self = g_new0 (ConfabJid, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->localpart = localpart;
  self->domain = domain;
  self->resource = resource;

  if (localpart != NULL)
    self->bare = g_strconcat (localpart, "@", domain, NULL);
  else
    self->bare = g_strdup (domain);

  if (resource != NULL)
    self->full = g_strconcat (self->bare, "/", resource, NULL);
  else
    self->full = self->bare;

  self->hash = g_str_hash (self->full);
  return self;
}

/**
 * confab_jid_parse_len:
 * @text: the address, not necessarily nul-terminated
 * @length: the length of @text in octets, or -1 if it is nul-terminated
 * @error: return location for a #GError
 *
 * Like confab_jid_parse(), for counted text: an embedded NUL makes the
 * address invalid instead of ending it.
 *
 * Returns: (transfer full) (nullable): the JID, or %NULL with @error set
 */
/* Parses @len octets of @text (RFC 7622 §3.1). */
static ConfabJid *
parse_text (const char  *text,
            gsize        len,
            GError     **error)
{
  g_autofree char *localpart = NULL;
  g_autofree char *domain = NULL;
  g_autofree char *resource = NULL;
  const char *slash;
  const char *at;
  const char *domain_start;

  /* RFC 7622 §3.1: an address is UTF-8. With an explicit length,
   * g_utf8_validate_len() also refuses embedded NULs. */
  if (!g_utf8_validate_len (text, len, NULL))
    {
      set_invalid (error, "it is not valid UTF-8");
      return NULL;
    }

  /* RFC 7622 §3.1: the resourcepart is everything after the first '/',
   * so it may hold '@' and '/'; the localpart is everything before the
   * first '@' of what precedes that '/'. */
  slash = memchr (text, '/', len);
  at = memchr (text, '@', slash != NULL ? (gsize) (slash - text) : len);
  domain_start = at != NULL ? at + 1 : text;

  if (at != NULL && (localpart = prep_localpart (text, at - text, error)) == NULL)
    return NULL;

  domain = prep_domainpart (domain_start,
                            (slash != NULL ? slash : text + len) - domain_start,
                            error);
  if (domain == NULL)
    return NULL;

  if (slash != NULL
      && (resource = prep_resourcepart (slash + 1, text + len - (slash + 1), error)) == NULL)
    return NULL;

  return jid_new_take (g_steal_pointer (&localpart),
                       g_steal_pointer (&domain),
                       g_steal_pointer (&resource));
}

/* Recently parsed addresses: the stanzas of a conversation repeat the
 * same few, and preparing them (RFC 7622's PRECIS profiles) was most of a
 * message's parsing. Direct-mapped on the exact input octets; JIDs are
 * immutable, so one may be shared by every caller (and thread). */
#define PARSE_CACHE_SIZE    64
#define PARSE_CACHE_MAX_LEN 256

typedef struct {
  char      *text;
  gsize      len;
  ConfabJid *jid;
} CachedParse;

static CachedParse parse_cache[PARSE_CACHE_SIZE];
G_LOCK_DEFINE_STATIC (parse_cache);

static guint
parse_cache_slot (const char *text,
                  gsize       len)
{
  guint32 hash = 2166136261u;  /* FNV-1a */

  for (gsize i = 0; i < len; i++)
    hash = (hash ^ (guint8) text[i]) * 16777619u;
  return hash % PARSE_CACHE_SIZE;
}

/**
 * confab_jid_parse_len:
 * @text: the address, not necessarily nul-terminated
 * @length: the length of @text in octets, or -1 if it is nul-terminated
 * @error: return location for a #GError
 *
 * Like confab_jid_parse(), for counted text: an embedded NUL makes the
 * address invalid instead of ending it.
 *
 * Returns: (transfer full) (nullable): the JID, or %NULL with @error set
 */
ConfabJid *
confab_jid_parse_len (const char  *text,
                      gssize       length,
                      GError     **error)
{
  CachedParse *slot;
  ConfabJid *jid = NULL;
  gsize len;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL)
    text = "";
  len = length < 0 ? strlen (text) : (gsize) length;
  if (len > PARSE_CACHE_MAX_LEN)
    return parse_text (text, len, error);

  slot = &parse_cache[parse_cache_slot (text, len)];
  G_LOCK (parse_cache);
  if (slot->jid != NULL && slot->len == len && memcmp (slot->text, text, len) == 0)
    jid = confab_jid_ref (slot->jid);
  G_UNLOCK (parse_cache);
  if (jid != NULL)
    return jid;

  /* Only what parsed: an invalid address is refused again each time. */
  jid = parse_text (text, len, error);
  if (jid == NULL)
    return NULL;
  G_LOCK (parse_cache);
  g_clear_pointer (&slot->jid, confab_jid_unref);
  g_free (slot->text);
  slot->text = g_memdup2 (text, len);
  slot->len = len;
  slot->jid = confab_jid_ref (jid);
  G_UNLOCK (parse_cache);
  return jid;
}

ConfabJid *
confab_jid_parse (const char  *text,
                  GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  return confab_jid_parse_len (text, -1, error);
}

ConfabJid *
confab_jid_new (const char  *localpart,
                const char  *domain,
                const char  *resource,
                GError     **error)
{
  g_autofree char *local_norm = NULL;
  g_autofree char *domain_norm = NULL;
  g_autofree char *resource_norm = NULL;

  g_return_val_if_fail (domain != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((localpart != NULL && !g_utf8_validate (localpart, -1, NULL))
      || !g_utf8_validate (domain, -1, NULL)
      || (resource != NULL && !g_utf8_validate (resource, -1, NULL)))
    {
      set_invalid (error, "it is not valid UTF-8");
      return NULL;
    }

  if (localpart != NULL
      && (local_norm = prep_localpart (localpart, strlen (localpart), error)) == NULL)
    return NULL;

  /* Unlike in parsing, a '/' or '@' in the domain cannot be a separator
   * here; the LDH check in prep_domainpart() refuses them. */
  if ((domain_norm = prep_domainpart (domain, strlen (domain), error)) == NULL)
    return NULL;

  if (resource != NULL
      && (resource_norm = prep_resourcepart (resource, strlen (resource), error)) == NULL)
    return NULL;

  return jid_new_take (g_steal_pointer (&local_norm),
                       g_steal_pointer (&domain_norm),
                       g_steal_pointer (&resource_norm));
}

ConfabJid *
confab_jid_ref (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  g_atomic_ref_count_inc (&jid->ref_count);
  return jid;
}

void
confab_jid_unref (ConfabJid *jid)
{
  g_return_if_fail (jid != NULL);

  if (!g_atomic_ref_count_dec (&jid->ref_count))
    return;

  if (jid->full != jid->bare)
    g_free (jid->full);
  g_free (jid->bare);
  g_free (jid->localpart);
  g_free (jid->domain);
  g_free (jid->resource);
  g_free (jid);
}

const char *
confab_jid_get_localpart (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return jid->localpart;
}

const char *
confab_jid_get_domain (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return jid->domain;
}

const char *
confab_jid_get_resource (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return jid->resource;
}

const char *
confab_jid_to_string (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return jid->full;
}

const char *
confab_jid_get_bare_string (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return jid->bare;
}

gboolean
confab_jid_is_bare (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, FALSE);

  return jid->resource == NULL;
}

gboolean
confab_jid_is_domain (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, FALSE);

  return jid->localpart == NULL && jid->resource == NULL;
}

ConfabJid *
confab_jid_get_bare (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  if (jid->resource == NULL)
    return confab_jid_ref (jid);

  /* The parts are normalized already; no need to validate them again. */
  return jid_new_take (g_strdup (jid->localpart), g_strdup (jid->domain), NULL);
}

ConfabJid *
confab_jid_with_resource (ConfabJid   *jid,
                          const char  *resource,
                          GError     **error)
{
  g_autofree char *resource_norm = NULL;

  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (resource == NULL)
    return confab_jid_get_bare (jid);

  if (!g_utf8_validate (resource, -1, NULL))
    {
      set_invalid (error, "it is not valid UTF-8");
      return NULL;
    }

  if ((resource_norm = prep_resourcepart (resource, strlen (resource), error)) == NULL)
    return NULL;

  if (g_strcmp0 (jid->resource, resource_norm) == 0)
    return confab_jid_ref (jid);

  return jid_new_take (g_strdup (jid->localpart), g_strdup (jid->domain),
                       g_steal_pointer (&resource_norm));
}

gboolean
confab_jid_equal (ConfabJid *a,
                  ConfabJid *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return a == b || (a->hash == b->hash && strcmp (a->full, b->full) == 0);
}

gboolean
confab_jid_equal_bare (ConfabJid *a,
                       ConfabJid *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return a == b || strcmp (a->bare, b->bare) == 0;
}

guint
confab_jid_hash (gconstpointer jid)
{
  g_return_val_if_fail (jid != NULL, 0);

  return ((const ConfabJid *) jid)->hash;
}

gboolean
confab_jid_equal_func (gconstpointer a,
                       gconstpointer b)
{
  return confab_jid_equal ((ConfabJid *) a, (ConfabJid *) b);
}
