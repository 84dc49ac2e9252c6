/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-message-styling.c: XEP-0393 message styling and links, parsed
 * from plain text into spans.
 *
 * XEP-0393 §6 describes the parser: blocks first (lines, preformatted
 * blocks, quotations with their own child blocks), then the spans inside
 * each plain line. Spans are lazily matched (§5.2): an opening directive
 * takes the FIRST valid closing one. Whether a directive can close does not
 * depend on where its span opened, so a table of "the next valid closer at
 * or after each offset" answers every opening in O(1) and the whole parse
 * stays linear however hostile the text is.
 */

#include "config.h"

#include <string.h>

#include "confab-message-styling.h"

/* Deeper quotations are shown as plain lines: the nesting costs stack. */
#define MAX_QUOTE_DEPTH 16

static const char directives[] = { '*', '_', '~', '`' };
static const ConfabStyleKind directive_kinds[] = {
  CONFAB_STYLE_STRONG, CONFAB_STYLE_EMPHASIS, CONFAB_STYLE_STRIKE, CONFAB_STYLE_PRE,
};
#define N_DIRECTIVES G_N_ELEMENTS (directives)
#define NO_CLOSER G_MAXUINT

typedef struct {
  guint start;
  guint end;
} Line;

typedef struct {
  const char *text;
  guint       length;
  GArray     *spans;
  /* next_closer[k][i]: the first offset >= i holding directive k that may
   * close a span (its preceding character is not whitespace), or NO_CLOSER.
   * Allocated only for the directives the text contains. */
  guint      *next_closer[N_DIRECTIVES];
} Parser;

/* XEP-0393 §4: White_Space or category Z. */
static gboolean
is_space (gunichar c)
{
  return g_unichar_isspace (c) || g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR
         || c == 0x2028 || c == 0x2029;
}

static int
directive_index (char c)
{
  for (guint k = 0; k < N_DIRECTIVES; k++)
    if (directives[k] == c)
      return (int) k;
  return -1;
}

static gunichar
char_before (const Parser *p,
             guint         offset)
{
  const char *prev = g_utf8_find_prev_char (p->text, p->text + offset);

  return prev != NULL ? g_utf8_get_char (prev) : 0;
}

static void
add_span (Parser          *p,
          ConfabStyleKind  kind,
          guint            start,
          guint            end,
          guint            depth)
{
  ConfabStyleSpan span = { kind, start, end, depth };

  g_array_append_val (p->spans, span);
}

static void
build_closer_tables (Parser *p)
{
  for (guint k = 0; k < N_DIRECTIVES; k++)
    {
      guint next = NO_CLOSER;

      if (memchr (p->text, directives[k], p->length) == NULL)
        continue;

      p->next_closer[k] = g_new (guint, p->length + 1);
      p->next_closer[k][p->length] = NO_CLOSER;
      for (guint i = p->length; i-- > 0;)
        {
          if (p->text[i] == directives[k] && i > 0 && !is_space (char_before (p, i)))
            next = i;
          p->next_closer[k][i] = next;
        }
    }
}

/* §5.2: spans inside [start, end) of one line (or of a span's content). */
static void
parse_spans (Parser *p,
             guint   start,
             guint   end)
{
  guint i = start;

  while (i < end)
    {
      int k = directive_index (p->text[i]);

      if (k >= 0 && i + 1 < end
          && (i == start || is_space (char_before (p, i))))
        {
          gunichar next = g_utf8_get_char (p->text + i + 1);
          /* The opening directive is not followed by whitespace, and there
           * is text between the two directives ("**" and "****" are
           * plain). */
          if (!is_space (next) && next != (gunichar) directives[k])
            {
              guint close = p->next_closer[k][i + 2];

              if (close != NO_CLOSER && close < end)
                {
                  add_span (p, directive_kinds[k], i, close + 1, 0);
                  add_span (p, CONFAB_STYLE_DIRECTIVE, i, i + 1, 0);
                  /* §5.2.5: a preformatted span holds only plain text. */
                  if (directive_kinds[k] != CONFAB_STYLE_PRE)
                    parse_spans (p, i + 1, close);
                  add_span (p, CONFAB_STYLE_DIRECTIVE, close, close + 1, 0);
                  i = close + 1;
                  continue;
                }
            }
        }
      i = g_utf8_next_char (p->text + i) - p->text;
    }
}

static gboolean
line_starts_with (const Parser *p,
                  const Line   *line,
                  const char   *prefix)
{
  gsize n = strlen (prefix);

  return line->end - line->start >= n && memcmp (p->text + line->start, prefix, n) == 0;
}

static gboolean
line_is (const Parser *p,
         const Line   *line,
         const char   *content)
{
  gsize n = strlen (content);

  return line->end - line->start == n && memcmp (p->text + line->start, content, n) == 0;
}

/* §5.1: the blocks of @lines (the lines of the message or of a quotation,
 * already without the quotation's prefix). */
static void
parse_blocks (Parser     *p,
              const Line *lines,
              guint       n_lines,
              guint       depth)
{
  guint index = 0;

  while (index < n_lines)
    {
      const Line *line = &lines[index];

      if (line_starts_with (p, line, "```"))
        {
          /* §5.1.2: up to a line of exactly three grave accents or the end
           * of the parent block; the rest of the opening line is ignored. */
          guint last = n_lines - 1;
          gboolean closed = FALSE;

          for (guint m = index + 1; m < n_lines; m++)
            if (line_is (p, &lines[m], "```"))
              {
                last = m;
                closed = TRUE;
                break;
              }

          add_span (p, CONFAB_STYLE_PRE_BLOCK, line->start, lines[last].end, depth);
          add_span (p, CONFAB_STYLE_DIRECTIVE, line->start, line->end, 0);
          if (closed)
            add_span (p, CONFAB_STYLE_DIRECTIVE, lines[last].start, lines[last].end, 0);
          index = last + 1;
        }
      else if (line_starts_with (p, line, ">") && depth < MAX_QUOTE_DEPTH)
        {
          /* §5.1.3: consecutive lines starting with '>'; their children
           * are the lines without it and without the first leading
           * whitespace character. */
          g_autofree Line *children = NULL;
          guint n_children = 0;
          guint m = index;

          while (m < n_lines && line_starts_with (p, &lines[m], ">"))
            m++;
          children = g_new (Line, m - index);
          for (guint q = index; q < m; q++)
            {
              Line child = { lines[q].start + 1, lines[q].end };

              add_span (p, CONFAB_STYLE_DIRECTIVE, lines[q].start, lines[q].start + 1, 0);
              if (child.start < child.end && is_space (g_utf8_get_char (p->text + child.start)))
                child.start = g_utf8_next_char (p->text + child.start) - p->text;
              children[n_children++] = child;
            }
          add_span (p, CONFAB_STYLE_QUOTE, line->start, lines[m - 1].end, depth + 1);
          parse_blocks (p, children, n_children, depth + 1);
          index = m;
        }
      else
        {
          parse_spans (p, line->start, line->end);
          index++;
        }
    }
}

GArray *
confab_message_styling_parse (const char *text,
                              gssize      length)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (ConfabStyleSpan));
  g_autoptr(GArray) lines = NULL;
  Parser p = { 0 };
  guint start = 0;

  if (text == NULL)
    return spans;
  if (length < 0)
    length = strlen (text);
  if (length >= G_MAXUINT || !g_utf8_validate (text, length, NULL))
    return spans;

  p.text = text;
  p.length = (guint) length;
  p.spans = spans;
  build_closer_tables (&p);

  /* The lines, without their '\n' (nor a '\r' before it). */
  lines = g_array_new (FALSE, FALSE, sizeof (Line));
  for (guint i = 0; i <= p.length; i++)
    {
      if (i == p.length || text[i] == '\n')
        {
          Line line = { start, i };

          if (line.end > line.start && text[line.end - 1] == '\r')
            line.end--;
          g_array_append_val (lines, line);
          start = i + 1;
        }
    }

  parse_blocks (&p, (const Line *) (gpointer) lines->data, lines->len, 0);

  for (guint k = 0; k < N_DIRECTIVES; k++)
    g_free (p.next_closer[k]);
  return spans;
}

/* ---- Links ---------------------------------------------------------------- */

static const char * const link_prefixes[] = {
  "https://", "http://", "xmpp:", "mailto:", "geo:",
};

gboolean
confab_message_styling_is_allowed_uri (const char *uri)
{
  const char *allowed[] = { "http", "https", "xmpp", "mailto", "geo" };
  g_autofree char *scheme = NULL;

  if (uri == NULL)
    return FALSE;
  scheme = g_uri_parse_scheme (uri);
  if (scheme == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (g_ascii_strcasecmp (scheme, allowed[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Characters that end a link: whitespace, controls, the delimiters RFC 3986
 * Appendix C names, and every bidirectional control (a link must never
 * carry one into what the user sees or opens). */
static gboolean
ends_link (gunichar c)
{
  return is_space (c) || g_unichar_iscntrl (c)
         || c == '<' || c == '>' || c == '"'
         || c == 0x200E || c == 0x200F || c == 0x061C
         || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
         || c == 0xFEFF;
}

static guint
trim_link_end (const char *text,
               guint       start,
               guint       end)
{
  for (;;)
    {
      char last;

      if (end <= start)
        return end;
      last = text[end - 1];
      if (strchr (".,;:!?'*~`", last) != NULL)
        {
          end--;
          continue;
        }
      if (last == ')')
        {
          int balance = 0;

          for (guint i = start; i < end; i++)
            balance += text[i] == '(' ? 1 : text[i] == ')' ? -1 : 0;
          if (balance < 0)
            {
              end--;
              continue;
            }
        }
      return end;
    }
}

GArray *
confab_message_styling_find_links (const char *text,
                                   gssize      length)
{
  GArray *links = g_array_new (FALSE, FALSE, sizeof (ConfabStyleSpan));
  guint n;
  guint i = 0;

  if (text == NULL)
    return links;
  if (length < 0)
    length = strlen (text);
  if (length >= G_MAXUINT || !g_utf8_validate (text, length, NULL))
    return links;
  n = (guint) length;

  while (i < n)
    {
      gboolean boundary = i == 0 || !g_ascii_isalnum (text[i - 1]);
      gsize prefix_length = 0;

      if (boundary)
        for (guint k = 0; k < G_N_ELEMENTS (link_prefixes); k++)
          {
            gsize m = strlen (link_prefixes[k]);

            if (n - i > m && g_ascii_strncasecmp (text + i, link_prefixes[k], m) == 0)
              {
                prefix_length = m;
                break;
              }
          }

      if (prefix_length > 0)
        {
          guint end = i + prefix_length;

          while (end < n && !ends_link (g_utf8_get_char (text + end)))
            end = g_utf8_next_char (text + end) - text;
          end = trim_link_end (text, i, end);
          if (end > i + prefix_length)
            {
              ConfabStyleSpan span = { CONFAB_STYLE_LINK, i, end, 0 };

              g_array_append_val (links, span);
              i = end;
              continue;
            }
        }
      i = g_utf8_next_char (text + i) - text;
    }
  return links;
}
