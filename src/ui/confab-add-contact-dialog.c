/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be written by its owner. */

#include "config.h"

#include "confab-add-contact-dialog.h"
