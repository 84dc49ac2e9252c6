/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be written by its owner. */
int
main (void)
{
  return 0;
}
