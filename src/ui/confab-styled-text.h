/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * Showing text that came from the network. It is always text, never markup
 * (ARCHITECTURE.md): styling (XEP-0393) and links become a PangoAttrList
 * over the unchanged characters.
 */

/* Bodies longer than this are cut for display (with an ellipsis). */
#define CONFAB_STYLED_TEXT_MAX_BODY 10000
/* Names, subjects and previews longer than this are cut. */
#define CONFAB_STYLED_TEXT_MAX_NAME 200

/* @text cut after @max_chars characters with "…" (newly allocated). */
char          *confab_styled_text_shorten       (const char *text,
                                                 guint       max_chars);
/* For a name or a one-line preview: @text shortened, on one line (line
 * breaks become spaces) and isolated (Unicode TR9: FSI … PDI, with its
 * own isolates balanced so it cannot leak its direction into the
 * surrounding text). Newly allocated; "" for NULL. */
char          *confab_styled_text_isolate       (const char *text,
                                                 guint       max_chars);
/* The attributes for @text: XEP-0393 styles, dimmed directives, links
 * (colored for the current light or dark style). */
PangoAttrList *confab_styled_text_attributes    (const char *text);

/* Makes @label show message bodies: selectable, wrapping, with clickable
 * links (a click on a link opens it through confab_styled_text_open_uri()).
 * Call once, then confab_styled_text_set_text() for every text. */
void           confab_styled_text_setup_label   (GtkLabel   *label);
void           confab_styled_text_set_text      (GtkLabel   *label,
                                                 const char *text);
/* The link at (@x, @y) in @label's coordinates, or NULL (newly allocated). */
char          *confab_styled_text_link_at       (GtkLabel   *label,
                                                 double      x,
                                                 double      y);
/* Opens @uri from a message: only http, https, mailto, geo (the desktop's
 * handler) and xmpp (through app.open-uri, which asks before acting);
 * anything else is ignored. */
void           confab_styled_text_open_uri      (GtkWidget  *widget,
                                                 const char *uri);

G_END_DECLS
