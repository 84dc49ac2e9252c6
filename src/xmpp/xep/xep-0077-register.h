/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "confab-xmpp-node.h"
#include "confab-xmpp-stream.h"
#include "xep-0004-data-forms.h"

G_BEGIN_DECLS

/*
 * XEP-0077 In-Band Registration, before authentication (§3.1): on a stream
 * connected with confab_xmpp_stream_connect_unauthenticated_async() (TLS,
 * verified as for a login, never plaintext), ask the server for its
 * registration fields (the simple ones of §14.1 or a XEP-0004 data form,
 * §5), submit them, and then log in normally with the new account.
 */

#define CONFAB_XEP_REGISTER_NS          "jabber:iq:register"
/* XEP-0077 §3.1 (stream feature the server offers before authentication). */
#define CONFAB_XEP_REGISTER_FEATURE_NS  "http://jabber.org/features/iq-register"

/* Bounds on what we accept from the server. */
#define CONFAB_REGISTER_MAX_STRING      4096   /* bytes of instructions, values, URL */

typedef struct _ConfabRegisterForm ConfabRegisterForm;

/* Parses the <query xmlns='jabber:iq:register'/> of the server's answer to
 * our get. CONFAB_XMPP_ERROR_PROTOCOL when it is malformed, too large, or
 * offers neither fields, a data form, nor a web address. */
ConfabRegisterForm *confab_register_form_parse        (ConfabXmppNode     *query,
                                                       GError            **error);
void                confab_register_form_free         (ConfabRegisterForm *form);

/* The server's <instructions/>, or NULL. */
const char         *confab_register_form_get_instructions (ConfabRegisterForm *form);
/* §3.2: <registered/> (the entity is registered already). */
gboolean            confab_register_form_get_registered (ConfabRegisterForm *form);
/* The simple fields (§14.1 names such as "username", "password", "email")
 * in the server's order; NULL-terminated, never NULL. */
const char * const *confab_register_form_get_fields   (ConfabRegisterForm *form);
/* The value the server filled in for simple field @name, or NULL. */
const char         *confab_register_form_get_value    (ConfabRegisterForm *form,
                                                       const char         *name);
/* The data form (§5 extensibility), or NULL (transfer none). */
ConfabDataForm     *confab_register_form_get_data_form (ConfabRegisterForm *form);
/* §5 redirection: an https/http address (XEP-0066) where the server wants
 * people to register instead, or NULL. */
const char         *confab_register_form_get_url      (ConfabRegisterForm *form);

/* The <query/> submitting simple fields: @names and @values are parallel,
 * NULL-terminated arrays. */
ConfabXmppNode     *confab_register_build_simple      (const char * const *names,
                                                       const char * const *values);
/* The <query/> submitting a filled data form (a SUBMIT form from
 * confab_data_form_new_submit()). */
ConfabXmppNode     *confab_register_build_data_form   (ConfabDataForm     *submit);

/* Asks the server for the registration form on @stream (connected with
 * confab_xmpp_stream_connect_unauthenticated_async()). A CONFAB_XMPP_STANZA_ERROR
 * such as SERVICE_UNAVAILABLE or NOT_ALLOWED means the server does not
 * offer registration. */
void                confab_xep_register_get_form_async  (ConfabXmppStream    *stream,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
ConfabRegisterForm *confab_xep_register_get_form_finish (ConfabXmppStream    *stream,
                                                         GAsyncResult        *result,
                                                         GError             **error);

/* Submits @query (from confab_register_build_*()). XEP-0077 §3.1: errors
 * are CONFAB_XMPP_STANZA_ERROR CONFLICT (the username is taken),
 * NOT_ACCEPTABLE (a required field is missing or a value refused),
 * NOT_ALLOWED / FORBIDDEN (registration is closed) and others. */
void                confab_xep_register_submit_async    (ConfabXmppStream    *stream,
                                                         ConfabXmppNode      *query,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean            confab_xep_register_submit_finish   (ConfabXmppStream    *stream,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConfabRegisterForm, confab_register_form_free)

G_END_DECLS
