/* SPDX-License-Identifier: GPL-3.0-or-later */
/* STUB: to be written by its owner. */

#include "config.h"

#include "xep-0004-data-forms.h"
