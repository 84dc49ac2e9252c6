/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>

#include "confab-consistent-color.h"

/* XEP-0392 §13.1 (Test Vectors, full range): text, angle, then the hue and
 * R, G, B for no correction, red/green and blue correction. */
typedef struct {
  const char *text;
  double      angle;
  struct {
    double hue, r, g, b;
  } expected[3];
} Vector;

static const Vector vectors[] = {
  { "Romeo", 327.255249,
    { { 327.255249, 0.865, 0.000, 0.686 },
      { 327.255249, 0.865, 0.000, 0.686 },
      { 147.255249, 0.000, 0.535, 0.350 } } },
  { "juliet@capulet.lit", 209.410400,
    { { 209.410400, 0.000, 0.515, 0.573 },
      { 29.410400, 0.742, 0.359, 0.000 },
      { 29.410400, 0.742, 0.359, 0.000 } } },
  { "\xf0\x9f\x98\xba", 331.199341, /* U+1F63A */
    { { 331.199341, 0.872, 0.000, 0.659 },
      { 331.199341, 0.872, 0.000, 0.659 },
      { 151.199341, 0.000, 0.533, 0.373 } } },
  { "council", 359.994507,
    { { 359.994507, 0.918, 0.000, 0.394 },
      { 359.994507, 0.918, 0.000, 0.394 },
      { 179.994507, 0.000, 0.524, 0.485 } } },
  { "Board", 171.430664,
    { { 171.430664, 0.000, 0.527, 0.457 },
      { 351.430664, 0.904, 0.000, 0.494 },
      { 171.430664, 0.000, 0.527, 0.457 } } },
};

static const ConfabColorVision visions[] = {
  CONFAB_COLOR_VISION_NORMAL, CONFAB_COLOR_VISION_RED_GREEN, CONFAB_COLOR_VISION_BLUE,
};

static void
test_angle (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    g_assert_cmpfloat_with_epsilon (confab_consistent_color_angle (vectors[i].text),
                                    vectors[i].angle, 0.000001);
}

static void
test_correction (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    for (guint v = 0; v < G_N_ELEMENTS (visions); v++)
      g_assert_cmpfloat_with_epsilon (confab_consistent_color_correct (vectors[i].angle, visions[v]),
                                      vectors[i].expected[v].hue, 0.000001);
}

static void
test_rgb (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    for (guint v = 0; v < G_N_ELEMENTS (visions); v++)
      {
        ConfabRgb rgb = confab_consistent_color_for_text (vectors[i].text, visions[v]);

        /* The vectors are rounded to three decimals. */
        g_test_message ("%s/%u: %.4f %.4f %.4f", vectors[i].text, v, rgb.red, rgb.green, rgb.blue);
        g_assert_cmpfloat_with_epsilon (rgb.red, vectors[i].expected[v].r, 0.0006);
        g_assert_cmpfloat_with_epsilon (rgb.green, vectors[i].expected[v].g, 0.0006);
        g_assert_cmpfloat_with_epsilon (rgb.blue, vectors[i].expected[v].b, 0.0006);
      }
}

static void
test_hsluv_extremes (void)
{
  ConfabRgb white = confab_consistent_color_hsluv_to_rgb (0, 100, 100);
  ConfabRgb black = confab_consistent_color_hsluv_to_rgb (123, 100, 0);
  ConfabRgb gray = confab_consistent_color_hsluv_to_rgb (200, 0, 50);
  ConfabRgb wild = confab_consistent_color_hsluv_to_rgb (-720.5, 1e9, -5);

  g_assert_cmpfloat (white.red, ==, 1.0);
  g_assert_cmpfloat (white.blue, ==, 1.0);
  g_assert_cmpfloat (black.green, ==, 0.0);
  /* No saturation: every channel alike. */
  g_assert_cmpfloat_with_epsilon (gray.red, gray.green, 0.000001);
  g_assert_cmpfloat_with_epsilon (gray.green, gray.blue, 0.000001);
  /* Out-of-range input is clamped, never NaN. */
  g_assert_false (isnan (wild.red) || isnan (wild.green) || isnan (wild.blue));
  g_assert_cmpfloat (wild.red, >=, 0.0);
  g_assert_cmpfloat (wild.red, <=, 1.0);
}

static void
test_hex_and_adapt (void)
{
  g_autofree char *hex = confab_consistent_color_to_hex ((ConfabRgb) { 1.0, 0.0, 0.5 });
  g_autofree char *romeo = confab_consistent_color_to_hex (confab_consistent_color_for_text ("Romeo", CONFAB_COLOR_VISION_NORMAL));
  ConfabRgb on_white = confab_consistent_color_adapt ((ConfabRgb) { 1.0, 0.5, 0.0 },
                                                      (ConfabRgb) { 1.0, 1.0, 1.0 });
  ConfabRgb on_black = confab_consistent_color_adapt ((ConfabRgb) { 1.0, 0.5, 0.0 },
                                                      (ConfabRgb) { 0.0, 0.0, 0.0 });

  g_assert_cmpstr (hex, ==, "#ff0080");
  g_assert_cmpstr (romeo, ==, "#dd00af");
  /* XEP-0392 §5.3: 80 % of the color, 20 % of the inverted background. */
  g_assert_cmpfloat_with_epsilon (on_white.red, 0.8, 0.000001);
  g_assert_cmpfloat_with_epsilon (on_white.green, 0.4, 0.000001);
  g_assert_cmpfloat_with_epsilon (on_black.green, 0.6, 0.000001);
  g_assert_cmpfloat_with_epsilon (on_black.blue, 0.2, 0.000001);
}

static void
test_empty_and_distinct (void)
{
  double empty = confab_consistent_color_angle ("");

  /* SHA-1("") = da39a3ee…: 0xda 0x39 read little endian. */
  g_assert_cmpfloat_with_epsilon (empty, (double) 0x39da / 65536.0 * 360.0, 0.000001);
  g_assert_cmpfloat (confab_consistent_color_angle ("alice@confab.test"), !=,
                     confab_consistent_color_angle ("bob@confab.test"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/consistent-color/angle", test_angle);
  g_test_add_func ("/core/consistent-color/correction", test_correction);
  g_test_add_func ("/core/consistent-color/rgb", test_rgb);
  g_test_add_func ("/core/consistent-color/hsluv-extremes", test_hsluv_extremes);
  g_test_add_func ("/core/consistent-color/hex-and-adapt", test_hex_and_adapt);
  g_test_add_func ("/core/consistent-color/empty-and-distinct", test_empty_and_distinct);

  return g_test_run ();
}
