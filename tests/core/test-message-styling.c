/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "confab-message-styling.h"

static const char *
kind_name (ConfabStyleKind kind)
{
  switch (kind)
    {
    case CONFAB_STYLE_STRONG: return "strong";
    case CONFAB_STYLE_EMPHASIS: return "emph";
    case CONFAB_STYLE_STRIKE: return "strike";
    case CONFAB_STYLE_PRE: return "pre";
    case CONFAB_STYLE_PRE_BLOCK: return "block";
    case CONFAB_STYLE_QUOTE: return "quote";
    case CONFAB_STYLE_DIRECTIVE: return "dir";
    case CONFAB_STYLE_LINK: return "link";
    default: return "?";
    }
}

/* "kind:text" for each span (directives left out unless asked), separated
 * by '|': compact and easy to read in a table. */
static char *
describe (const char *text,
          GArray     *spans,
          gboolean    with_directives)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < spans->len; i++)
    {
      const ConfabStyleSpan *span = &g_array_index (spans, ConfabStyleSpan, i);

      g_assert_cmpuint (span->start, <, span->end);
      g_assert_cmpuint (span->end, <=, strlen (text));
      if (span->kind == CONFAB_STYLE_DIRECTIVE && !with_directives)
        continue;
      if (out->len > 0)
        g_string_append_c (out, '|');
      g_string_append_printf (out, "%s:%.*s", kind_name (span->kind),
                              (int) (span->end - span->start), text + span->start);
      if (span->kind == CONFAB_STYLE_QUOTE)
        g_string_append_printf (out, "@%u", span->depth);
    }
  return g_string_free (out, FALSE);
}

static char *
styling (const char *text)
{
  g_autoptr(GArray) spans = confab_message_styling_parse (text, -1);

  return describe (text, spans, FALSE);
}

typedef struct {
  const char *input;
  const char *expected;
} Case;

/* XEP-0393 §5.2 and its examples, then our own edge cases. */
static const Case span_cases[] = {
  { "*strong*", "strong:*strong*" },
  { "plain *strong* plain", "strong:*strong*" },
  { "*strong* plain *strong*", "strong:*strong*|strong:*strong*" },
  { "*strong*plain*", "strong:*strong*" },
  { "* plain *strong*", "strong:*strong*" },
  { "not strong*", "" },
  { "*not strong", "" },
  { "*not \n strong*", "" },
  { "*not *strong", "" },
  { "**", "" },
  { "****", "" },
  { "*", "" },
  { "", "" },
  { "_emphasis_ and ~strike~", "emph:_emphasis_|strike:~strike~" },
  { "The full title is _Twelfth Night, or What You Will_ but", "emph:_Twelfth Night, or What You Will_" },
  { "Everyone ~dis~likes cake.", "strike:~dis~" },
  { "_emphasized *strong*_", "emph:_emphasized *strong*_|strong:*strong*" },
  { "This is `monospace`", "pre:`monospace`" },
  { "This is `*monospace*`", "pre:`*monospace*`" },
  { "This is *`monospace and bold`*", "strong:*`monospace and bold`*|pre:`monospace and bold`" },
  { "a*b*c", "" },
  { "*a* *b*", "strong:*a*|strong:*b*" },
  { "*a*b*c*", "strong:*a*" },
  { "*a _b* c_", "strong:*a _b*" },
  { "* a*", "" },
  { "*a *", "" },
  { "x *a*", "strong:*a*" },
  { "\xc2\xa0*nbsp*", "strong:*nbsp*" },   /* U+00A0 is whitespace */
  { "\xe2\x80\x83*em*\xe2\x80\x83", "strong:*em*" }, /* U+2003 EM SPACE */
  { "é*a*", "" },
  { "*é*", "strong:*é*" },
  { "`a *b* c`", "pre:`a *b* c`" },
  { "~*_`x`_*~", "strike:~*_`x`_*~|strong:*_`x`_*|emph:_`x`_|pre:`x`" },
  { "*a\r\nb*", "" },
};

static const Case block_cases[] = {
  { "```ignored\n(println \"Hello, world!\")\n```\n\nThis should *show*",
    "block:```ignored\n(println \"Hello, world!\")\n```|strong:*show*" },
  { "> ```\n> (println \"Hello, world!\")\n\nThe entire blockquote",
    "quote:> ```\n> (println \"Hello, world!\")@1|block:```\n> (println \"Hello, world!\")" },
  { "> That that is, is.\n\nSaid the old hermit of Prague.",
    "quote:> That that is, is.@1" },
  { ">> That that is, is.\n> Said the old hermit of Prague.\n\nWho?",
    "quote:>> That that is, is.\n> Said the old hermit of Prague.@1|quote:> That that is, is.@2" },
  { "> *quoted* text", "quote:> *quoted* text@1|strong:*quoted*" },
  { ">*tight*", "quote:>*tight*@1|strong:*tight*" },
  { "```\n*not styled*", "block:```\n*not styled*" },
  { "```", "block:```" },
  { "text\n```\n*x*\n```\n*y*", "block:```\n*x*\n```|strong:*y*" },
  { "``` \n*x*\n``` \n*y*", "block:``` \n*x*\n``` \n*y*" },
  { "a\n>b\nc", "quote:>b@1" },
  { "``not a block``", "" },
  { "*spans\n> cannot* escape", "quote:> cannot* escape@1" },
};

static void
run_cases (const Case *cases,
           guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *got = styling (cases[i].input);

      g_test_message ("%s → %s", cases[i].input, got);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_spans (void)
{
  run_cases (span_cases, G_N_ELEMENTS (span_cases));
}

static void
test_blocks (void)
{
  run_cases (block_cases, G_N_ELEMENTS (block_cases));
}

static void
test_directives (void)
{
  const char *text = "> *a* `b`";
  g_autoptr(GArray) spans = confab_message_styling_parse (text, -1);
  g_autofree char *got = describe (text, spans, TRUE);

  /* XEP-0393 §6: the directives are shown, styled like their text; the
   * UI dims them, so each one is listed. */
  g_assert_cmpstr (got, ==, "dir:>|quote:> *a* `b`@1|strong:*a*|dir:*|dir:*|pre:`b`|dir:`|dir:`");
}

static void
test_length_and_invalid (void)
{
  const char *text = "*a* *b*";
  g_autoptr(GArray) first = confab_message_styling_parse (text, 3);
  g_autoptr(GArray) invalid = confab_message_styling_parse ("*a\xff*", -1);
  g_autoptr(GArray) null = confab_message_styling_parse (NULL, -1);
  g_autoptr(GArray) embedded = confab_message_styling_parse ("*a*\0*b*", 7);

  g_assert_cmpuint (first->len, ==, 3); /* strong and its two directives */
  g_assert_cmpuint (invalid->len, ==, 0);
  g_assert_cmpuint (null->len, ==, 0);
  /* A NUL cannot come in XML (RFC 6120 §11.1): treated as invalid. */
  g_assert_cmpuint (embedded->len, ==, 0);
}

static void
test_hostile (void)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GArray) spans = NULL;
  gint64 start;

  /* Many openers without closers, deep quotations, an unclosed block and a
   * long line: the parse stays linear and the stack bounded. */
  for (guint i = 0; i < 200000; i++)
    g_string_append (text, "*a _b ~c `d ");
  g_string_append_c (text, '\n');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '>');
  g_string_append (text, " deep *x*\n");
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, ">\n");
  g_string_append (text, "```\n");
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "*a* ");

  start = g_get_monotonic_time ();
  spans = confab_message_styling_parse (text->str, text->len);
  g_test_message ("%zu bytes, %u spans in %" G_GINT64_FORMAT " µs",
                  text->len, spans->len, g_get_monotonic_time () - start);
  for (guint i = 0; i < spans->len; i++)
    {
      const ConfabStyleSpan *span = &g_array_index (spans, ConfabStyleSpan, i);

      g_assert_cmpuint (span->end, <=, text->len);
      g_assert_cmpuint (span->start, <, span->end);
      /* Nothing in the first line can close. */
      g_assert_cmpuint (span->start, >, 200000 * 12);
      g_assert_cmpuint (span->depth, <=, 16);
    }
  /* The unclosed block runs to the end, so its *a* stay plain. */
  g_assert_cmpuint (spans->len, >, 0);
  g_string_free (text, TRUE);
}

static void
test_all_directives_line (void)
{
  /* Every byte a directive: any combination, never a crash, spans valid. */
  const char alphabet[] = "*_~`> \n";
  GRand *rand = g_rand_new_with_seed (392);

  for (guint round = 0; round < 2000; round++)
    {
      char buffer[64];
      guint n = g_rand_int_range (rand, 0, sizeof buffer);
      g_autoptr(GArray) spans = NULL;
      g_autoptr(GArray) links = NULL;

      for (guint i = 0; i < n; i++)
        buffer[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      spans = confab_message_styling_parse (buffer, n);
      links = confab_message_styling_find_links (buffer, n);
      for (guint i = 0; i < spans->len; i++)
        {
          const ConfabStyleSpan *span = &g_array_index (spans, ConfabStyleSpan, i);

          g_assert_cmpuint (span->start, <, span->end);
          g_assert_cmpuint (span->end, <=, n);
        }
      g_assert_cmpuint (links->len, ==, 0);
    }
  g_rand_free (rand);
}

static char *
links (const char *text)
{
  g_autoptr(GArray) spans = confab_message_styling_find_links (text, -1);

  return describe (text, spans, TRUE);
}

static void
test_links (void)
{
  static const Case cases[] = {
    { "see https://confab.im/x?y=1#z.", "link:https://confab.im/x?y=1#z" },
    { "HTTP://EXAMPLE.ORG", "link:HTTP://EXAMPLE.ORG" },
    { "(https://en.wikipedia.org/wiki/Foo_(bar))", "link:https://en.wikipedia.org/wiki/Foo_(bar)" },
    { "(http://a.example/b)", "link:http://a.example/b" },
    { "xmpp:romeo@montague.net?message;body=hi and mailto:a@b.c,",
      "link:xmpp:romeo@montague.net?message;body=hi|link:mailto:a@b.c" },
    { "geo:37.786971,-122.399677 here", "link:geo:37.786971,-122.399677" },
    { "javascript:alert(1) file:///etc/passwd ftp://x data:text/html,x", "" },
    { "nothttp://x.org", "" },
    { "https://", "" },
    { "http://a\xe2\x80\xaegnp.exe", "link:http://a" },   /* U+202E ends it */
    { "<https://a.example/>", "link:https://a.example/" },
    { "*https://bold.example*", "link:https://bold.example" },
    { "\"http://q.example\"", "link:http://q.example" },
    { "https://ü.example/ä ok", "link:https://ü.example/ä" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = links (cases[i].input);

      g_test_message ("%s → %s", cases[i].input, got);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_allowed_uri (void)
{
  g_assert_true (confab_message_styling_is_allowed_uri ("https://confab.im"));
  g_assert_true (confab_message_styling_is_allowed_uri ("HTTP://confab.im"));
  g_assert_true (confab_message_styling_is_allowed_uri ("xmpp:a@b?join"));
  g_assert_true (confab_message_styling_is_allowed_uri ("mailto:a@b"));
  g_assert_true (confab_message_styling_is_allowed_uri ("geo:1,2"));
  g_assert_false (confab_message_styling_is_allowed_uri ("javascript:x"));
  g_assert_false (confab_message_styling_is_allowed_uri ("file:///etc/passwd"));
  g_assert_false (confab_message_styling_is_allowed_uri ("smb://host/share"));
  g_assert_false (confab_message_styling_is_allowed_uri ("no scheme"));
  g_assert_false (confab_message_styling_is_allowed_uri (""));
  g_assert_false (confab_message_styling_is_allowed_uri (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/message-styling/spans", test_spans);
  g_test_add_func ("/core/message-styling/blocks", test_blocks);
  g_test_add_func ("/core/message-styling/directives", test_directives);
  g_test_add_func ("/core/message-styling/length-and-invalid", test_length_and_invalid);
  g_test_add_func ("/core/message-styling/hostile", test_hostile);
  g_test_add_func ("/core/message-styling/random-directives", test_all_directives_line);
  g_test_add_func ("/core/message-styling/links", test_links);
  g_test_add_func ("/core/message-styling/allowed-uri", test_allowed_uri);

  return g_test_run ();
}
