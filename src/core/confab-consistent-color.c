/* SPDX-License-Identifier: GPL-3.0-or-later */
/* confab-consistent-color.c: XEP-0392 colors for JIDs and nicknames. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "confab-consistent-color.h"

/* sRGB gamma (HSLuv's from_linear): c^(1/2.4). */
static double
gamma_root (double c)
{
  if (c <= 0.0)
    return 0.0;
  if (c >= 1.0)
    return 1.0;
  return pow (c, 1.0 / 2.4);
}

static double
cube (double x)
{
  return x * x * x;
}

double
confab_consistent_color_angle (const char *text)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize length = sizeof digest;
  guint value;

  g_return_val_if_fail (text != NULL, 0.0);

  g_checksum_update (checksum, (const guchar *) text, strlen (text));
  g_checksum_get_digest (checksum, digest, &length);

  /* §5.1: the digest read as little endian, its least significant 16 bits
   * (the first two octets, the second the more significant), divided by
   * 65536 and scaled to a full circle. */
  value = digest[0] | ((guint) digest[1] << 8);
  return (double) value / 65536.0 * 360.0;
}

static double
positive_fmod (double value,
               double modulus)
{
  double result;

  /* Nonsense (NaN, infinities, astronomical angles) maps to 0. */
  if (!(value > -1e12 && value < 1e12))
    return 0.0;
  result = value - (double) (gint64) (value / modulus) * modulus;
  return result < 0 ? result + modulus : result;
}

double
confab_consistent_color_correct (double            angle,
                                 ConfabColorVision vision)
{
  switch (vision)
    {
    case CONFAB_COLOR_VISION_RED_GREEN:
      /* §5.2.1: add 90, modulo 180, subtract 90, modulo 360. */
      return positive_fmod (positive_fmod (angle + 90.0, 180.0) - 90.0, 360.0);
    case CONFAB_COLOR_VISION_BLUE:
      /* §5.2.2: modulo 180. */
      return positive_fmod (angle, 180.0);
    case CONFAB_COLOR_VISION_NORMAL:
    default:
      return positive_fmod (angle, 360.0);
    }
}

/* HSLuv (www.hsluv.org, revision 4): HSL over CIE LCh(uv), whose chroma is
 * scaled to the largest one sRGB can show at that lightness and hue. The
 * constants are those of the sRGB primaries and the D65 white point. */
static const double xyz_to_rgb[3][3] = {
  {  3.240969941904521, -1.537383177570093, -0.498610760293    },
  { -0.96924363628087,   1.87596750150772,   0.041555057407175 },
  {  0.055630079696993, -0.20397695888897,   1.056971514242878 },
};
static const double ref_u = 0.19783000664283;
static const double ref_v = 0.46831999493879;
static const double kappa = 903.2962962;
static const double epsilon = 0.0088564516;

/* The largest chroma at lightness @l and hue @h (radians) that stays inside
 * the sRGB gamut: the nearest of the six gamut boundary lines along the
 * hue's ray. */
static double
max_chroma (double l,
            double h)
{
  double sub1 = cube (l + 16.0) / 1560896.0;
  double sub2 = sub1 > epsilon ? sub1 : l / kappa;
  double best = G_MAXDOUBLE;

  for (int c = 0; c < 3; c++)
    {
      double m1 = xyz_to_rgb[c][0];
      double m2 = xyz_to_rgb[c][1];
      double m3 = xyz_to_rgb[c][2];

      for (int t = 0; t < 2; t++)
        {
          double top1 = (284517.0 * m1 - 94839.0 * m3) * sub2;
          double top2 = (838422.0 * m3 + 769860.0 * m2 + 731718.0 * m1) * l * sub2
                        - 769860.0 * t * l;
          double bottom = (632260.0 * m3 - 126452.0 * m2) * sub2 + 126452.0 * t;
          double slope = top1 / bottom;
          double intercept = top2 / bottom;
          double length = intercept / (sin (h) - slope * cos (h));

          if (length >= 0 && length < best)
            best = length;
        }
    }
  return best;
}

static double
from_linear (double c)
{
  return c <= 0.0031308 ? 12.92 * c : 1.055 * gamma_root (c) - 0.055;
}

ConfabRgb
confab_consistent_color_hsluv_to_rgb (double hue,
                                      double saturation,
                                      double lightness)
{
  ConfabRgb rgb = { 0, 0, 0 };
  double h = positive_fmod (hue, 360.0) / 180.0 * G_PI;
  double l = CLAMP (lightness, 0.0, 100.0);
  double s = CLAMP (saturation, 0.0, 100.0);
  double chroma, u, v, var_u, var_v, x, y, z;
  double xyz[3];

  if (l > 99.9999999)
    return (ConfabRgb) { 1.0, 1.0, 1.0 };
  if (l < 0.00000001)
    return rgb;

  /* HSLuv → LCh → Luv → XYZ → linear sRGB → sRGB. */
  chroma = max_chroma (l, h) / 100.0 * s;
  u = cos (h) * chroma;
  v = sin (h) * chroma;

  var_u = u / (13.0 * l) + ref_u;
  var_v = v / (13.0 * l) + ref_v;
  y = l <= 8.0 ? l / kappa : cube ((l + 16.0) / 116.0);
  x = -(9.0 * y * var_u) / ((var_u - 4.0) * var_v - var_u * var_v);
  z = (9.0 * y - 15.0 * var_v * y - var_v * x) / (3.0 * var_v);
  xyz[0] = x;
  xyz[1] = y;
  xyz[2] = z;

  for (int c = 0; c < 3; c++)
    {
      double linear = xyz_to_rgb[c][0] * xyz[0] + xyz_to_rgb[c][1] * xyz[1]
                      + xyz_to_rgb[c][2] * xyz[2];
      double value = CLAMP (from_linear (linear), 0.0, 1.0);

      if (c == 0)
        rgb.red = value;
      else if (c == 1)
        rgb.green = value;
      else
        rgb.blue = value;
    }
  return rgb;
}

ConfabRgb
confab_consistent_color_adapt (ConfabRgb color,
                               ConfabRgb background)
{
  /* §5.3: 20 % of the inverted background, 80 % of the color. */
  return (ConfabRgb) {
    0.2 * (1.0 - background.red) + 0.8 * color.red,
    0.2 * (1.0 - background.green) + 0.8 * color.green,
    0.2 * (1.0 - background.blue) + 0.8 * color.blue,
  };
}

ConfabRgb
confab_consistent_color_for_text (const char        *text,
                                  ConfabColorVision  vision)
{
  double angle = confab_consistent_color_angle (text != NULL ? text : "");

  /* §5.4: saturation 100, lightness 50. */
  return confab_consistent_color_hsluv_to_rgb (confab_consistent_color_correct (angle, vision),
                                               100.0, 50.0);
}

char *
confab_consistent_color_to_hex (ConfabRgb color)
{
  return g_strdup_printf ("#%02x%02x%02x",
                          (guint) (CLAMP (color.red, 0.0, 1.0) * 255.0 + 0.5),
                          (guint) (CLAMP (color.green, 0.0, 1.0) * 255.0 + 0.5),
                          (guint) (CLAMP (color.blue, 0.0, 1.0) * 255.0 + 0.5));
}
