/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * XEP-0393 (Message Styling) and links, found in plain text by our own
 * parser; the UI turns the spans into a PangoAttrList. Never markup: the
 * text stays exactly as received, the spans only say how to show it.
 *
 * Offsets are in bytes of the UTF-8 text, end exclusive. Spans nest and may
 * overlap their children; they are listed in document order (a parent
 * before its children). Invalid UTF-8 gets no spans at all.
 */

typedef enum {
  CONFAB_STYLE_STRONG,      /* *strong* (§5.2.3), directives included */
  CONFAB_STYLE_EMPHASIS,    /* _emphasis_ (§5.2.2) */
  CONFAB_STYLE_STRIKE,      /* ~strike~ (§5.2.4) */
  CONFAB_STYLE_PRE,         /* `preformatted span` (§5.2.5) */
  CONFAB_STYLE_PRE_BLOCK,   /* ```preformatted block``` (§5.1.2) */
  CONFAB_STYLE_QUOTE,       /* > quotation (§5.1.3); see depth */
  CONFAB_STYLE_DIRECTIVE,   /* a styling directive itself, to dim it */
  CONFAB_STYLE_LINK,        /* a link with an allowed scheme */
} ConfabStyleKind;

typedef struct {
  ConfabStyleKind kind;
  guint           start;
  guint           end;
  guint           depth;    /* quotation nesting, 1 for "> "; else 0 */
} ConfabStyleSpan;

/* The styling spans of @text (@length bytes, -1: NUL-terminated): a new
 * GArray of ConfabStyleSpan, never NULL. */
GArray   *confab_message_styling_parse      (const char *text,
                                             gssize      length);

/* Links in @text whose scheme is http, https, xmpp, mailto or geo (the
 * only ones Confab makes clickable): a new GArray of ConfabStyleSpan of
 * kind LINK, never NULL. Trailing punctuation is left out. */
GArray   *confab_message_styling_find_links (const char *text,
                                             gssize      length);

/* Whether @uri has one of the schemes above (case-insensitively). */
gboolean  confab_message_styling_is_allowed_uri (const char *uri);

G_END_DECLS
