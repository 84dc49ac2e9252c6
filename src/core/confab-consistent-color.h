/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * XEP-0392 (Consistent Color Generation, 1.0): the same color for the same
 * JID or nickname in every client. The text goes through SHA-1, 16 bits of
 * the digest become a hue angle (§5.1), the angle is optionally moved away
 * from hues a color-vision deficiency cannot tell apart (§5.2), and the hue
 * becomes an RGB color through HSLuv with saturation 100 and lightness 50
 * (§5.4). Plain C, no GTK: the avatar widget turns the result into CSS.
 */

typedef enum {
  CONFAB_COLOR_VISION_NORMAL,
  CONFAB_COLOR_VISION_RED_GREEN, /* §5.2.1 */
  CONFAB_COLOR_VISION_BLUE,      /* §5.2.2 */
} ConfabColorVision;

typedef struct {
  double red;   /* 0 … 1 each */
  double green;
  double blue;
} ConfabRgb;

/* §5.1: the hue angle of @text (UTF-8; prepare JIDs as for a
 * case-sensitive comparison, §6.3), in [0, 360). */
double    confab_consistent_color_angle      (const char        *text);
/* §5.2: @angle corrected for @vision, in [0, 360). */
double    confab_consistent_color_correct    (double             angle,
                                              ConfabColorVision  vision);
/* HSLuv → sRGB (h in degrees, s and l in 0 … 100); components clamped to
 * 0 … 1. */
ConfabRgb confab_consistent_color_hsluv_to_rgb (double           hue,
                                                double           saturation,
                                                double           lightness);
/* §5.3: mixes @color with the inverse of @background so it stays readable
 * on it. */
ConfabRgb confab_consistent_color_adapt      (ConfabRgb          color,
                                              ConfabRgb          background);
/* The whole of §5: the color of @text. */
ConfabRgb confab_consistent_color_for_text   (const char        *text,
                                              ConfabColorVision  vision);
/* "#rrggbb" for @color (newly allocated). */
char     *confab_consistent_color_to_hex     (ConfabRgb          color);

G_END_DECLS
