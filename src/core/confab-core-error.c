/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-core-error.h"

G_DEFINE_QUARK (confab-core-error-quark, confab_core_error)
