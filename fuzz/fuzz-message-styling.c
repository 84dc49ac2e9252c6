/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for XEP-0393 message styling and link finding. Any bytes
 * give spans that lie inside the text, are non-empty, start and end on
 * character boundaries, and nest no deeper than the parser allows; links
 * have an allowed scheme and no whitespace or bidirectional control.
 */
#include "confab-message-styling.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                    \
  G_STMT_START {                                                       \
    if (!(cond))                                                       \
      {                                                                \
        fprintf (stderr, "%s:%d: check failed: %s\n",                  \
                 __FILE__, __LINE__, #cond);                           \
        abort ();                                                      \
      }                                                                \
  } G_STMT_END

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
on_boundary (const char *text,
             size_t      size,
             guint       offset)
{
  /* A UTF-8 continuation byte is 10xxxxxx. */
  return offset == size || ((guchar) text[offset] & 0xC0) != 0x80;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  g_autoptr(GArray) spans = confab_message_styling_parse (text, size);
  g_autoptr(GArray) links = confab_message_styling_find_links (text, size);
  gboolean valid = g_utf8_validate (text, size, NULL);

  CHECK (valid || (spans->len == 0 && links->len == 0));

  for (guint i = 0; i < spans->len; i++)
    {
      const ConfabStyleSpan *span = &g_array_index (spans, ConfabStyleSpan, i);

      CHECK (span->start < span->end);
      CHECK (span->end <= size);
      CHECK (on_boundary (text, size, span->start));
      CHECK (on_boundary (text, size, span->end));
      CHECK (span->depth <= 17);
      CHECK (span->kind <= CONFAB_STYLE_DIRECTIVE);
    }

  for (guint i = 0; i < links->len; i++)
    {
      const ConfabStyleSpan *link = &g_array_index (links, ConfabStyleSpan, i);
      g_autofree char *uri = NULL;

      CHECK (link->kind == CONFAB_STYLE_LINK);
      CHECK (link->start < link->end && link->end <= size);
      CHECK (i == 0 || g_array_index (links, ConfabStyleSpan, i - 1).end <= link->start);
      uri = g_strndup (text + link->start, link->end - link->start);
      CHECK (confab_message_styling_is_allowed_uri (uri));
      for (const char *p = uri; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          CHECK (!g_unichar_isspace (c));
          CHECK (!(c >= 0x202A && c <= 0x202E) && !(c >= 0x2066 && c <= 0x2069));
        }
    }
  return 0;
}
