/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * An XMPP address (RFC 7622): [localpart@]domainpart[/resourcepart].
 * Immutable and reference counted. Parsing validates and normalizes: the
 * localpart is case-folded (UsernameCaseMapped profile), the domain is
 * lowercased, IDNA domains are turned into Unicode (U-labels) via GLib, a
 * trailing dot on the domain is removed, and the resourcepart keeps its case
 * (OpaqueString profile). Two JIDs are equal when their normalized forms are.
 */

typedef struct _ConfabJid ConfabJid;

#define CONFAB_TYPE_JID (confab_jid_get_type ())

GType       confab_jid_get_type        (void) G_GNUC_CONST;

/* Parses @text; on failure returns NULL and sets CONFAB_XMPP_ERROR_INVALID_JID
 * with a message that says which part is wrong. */
ConfabJid  *confab_jid_parse           (const char  *text,
                                        GError     **error);
/* Like confab_jid_parse() for counted text (@length -1: nul-terminated);
 * an embedded NUL makes the address invalid instead of ending it. */
ConfabJid  *confab_jid_parse_len       (const char  *text,
                                        gssize       length,
                                        GError     **error);
/* Builds from parts (@localpart and @resource may be NULL), validating each. */
ConfabJid  *confab_jid_new             (const char  *localpart,
                                        const char  *domain,
                                        const char  *resource,
                                        GError     **error);
ConfabJid  *confab_jid_ref             (ConfabJid   *jid);
void        confab_jid_unref           (ConfabJid   *jid);

const char *confab_jid_get_localpart   (ConfabJid   *jid);  /* NULL if none */
const char *confab_jid_get_domain      (ConfabJid   *jid);
const char *confab_jid_get_resource    (ConfabJid   *jid);  /* NULL if none */
/* The normalized string forms, owned by @jid. */
const char *confab_jid_to_string       (ConfabJid   *jid);
const char *confab_jid_get_bare_string (ConfabJid   *jid);

gboolean    confab_jid_is_bare         (ConfabJid   *jid);
gboolean    confab_jid_is_domain       (ConfabJid   *jid);  /* no localpart, no resource */
/* A new reference to the bare JID (or @jid itself when already bare). */
ConfabJid  *confab_jid_get_bare        (ConfabJid   *jid);
/* The same bare JID with @resource; NULL and @error if @resource is invalid.
 * A NULL @resource gives the bare JID, like confab_jid_get_bare(). */
ConfabJid  *confab_jid_with_resource   (ConfabJid   *jid,
                                        const char  *resource,
                                        GError     **error);

gboolean    confab_jid_equal           (ConfabJid   *a,
                                        ConfabJid   *b);
gboolean    confab_jid_equal_bare      (ConfabJid   *a,
                                        ConfabJid   *b);
guint       confab_jid_hash            (gconstpointer jid);
/* GEqualFunc-compatible form of confab_jid_equal(). */
gboolean    confab_jid_equal_func      (gconstpointer a,
                                        gconstpointer b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabJid, confab_jid_unref)

G_END_DECLS
