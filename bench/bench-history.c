/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>

int
main (void)
{
  g_print ("history: not written yet\n");
  return 0;
}
