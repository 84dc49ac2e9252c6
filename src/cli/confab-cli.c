/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>

int
main (int argc, char **argv)
{
  g_printerr ("confab-cli: not written yet\n");
  return 1;
}
