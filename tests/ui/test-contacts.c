/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be written by its owner. */
#include "ui-test-util.h"

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  return g_test_run ();
}
